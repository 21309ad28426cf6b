// Public surface of the onebox storage engine. The key codec and crc64 in this folder are private
// stand-ins until core/routing exists; use core/routing for those, not this module.

export { DEFAULT_STORE_LIMITS, type StoreLimits } from './limits.ts';
export { type DumpedRecord, PartitionStore, type PartitionStoreOptions } from './partition-store.ts';
export { SCAN_CONTEXT_ID_COMPLETED, SCAN_CONTEXT_ID_NOT_EXIST } from './scanner.ts';
