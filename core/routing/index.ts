/**
 * Routing math (`pegasus-ts/routing`): the full-key layout, CRC-64 and the partition a key maps to,
 * as the server computes them. For tools and tests; the client applies them itself.
 * @packageDocumentation
 * @module pegasus-ts/routing
 */
export * from './crc64.ts';
export * from './key.ts';
export * from './partition.ts';
