// A scan of the whole key space of one table's partitions, no filters: the spec the core-level
// scanner tests start from, each overriding what it is about.
import type { ScannerSpec } from '../../core/client/events.ts';

const EMPTY = Buffer.alloc(0);

export function fullScanSpec(over: Partial<ScannerSpec> = {}): ScannerSpec {
  return {
    table: 't',
    hashScanHash: null,
    partitions: [0],
    partitionCount: 1,
    startKey: EMPTY,
    stopKey: EMPTY,
    startInclusive: true,
    stopInclusive: false,
    batchSize: 10,
    noValue: false,
    returnExpireTs: false,
    hashKeyFilterType: 0,
    hashKeyFilterPattern: EMPTY,
    sortKeyFilterType: 0,
    sortKeyFilterPattern: EMPTY,
    batchTimeoutMs: 5000,
    ...over,
  };
}
