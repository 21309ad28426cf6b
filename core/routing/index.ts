// Public surface of the routing math.
export * from './crc64.ts';
export * from './key.ts';
export * from './partition.ts';
export * from './route-snapshot.ts';
