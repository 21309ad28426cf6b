// Local CRC64 (WIRE.md 8.2) for validate_partition_hash. Private to the storage engine until
// core/routing lands; then swap for its crc64/partitionHash. BigInt keeps it obviously correct; scans
// over a few thousand keys are the heaviest use here.

import { decodeKey } from './key-codec.ts';

const POLY = 0x9a6c9329ac4bc9b5n;
const MASK = 0xffffffffffffffffn;

const TABLE: BigUint64Array = (() => {
  const t = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n;
    t[i] = c;
  }
  return t;
})();

export function crc64(bytes: Uint8Array): bigint {
  let crc = MASK;
  for (const b of bytes) crc = TABLE[Number((crc ^ BigInt(b)) & 0xffn)]! ^ (crc >> 8n);
  return crc ^ MASK;
}

/** Partition a full key routes to: CRC64 of the hash key (of the sort key if the hash key is empty). */
export function partitionOfKey(fullKey: Uint8Array, partitionCount: number): number | undefined {
  const parts = decodeKey(fullKey);
  if (parts === undefined) return undefined;
  const hashed = parts.hashKey.length > 0 ? parts.hashKey : parts.sortKey;
  return Number(crc64(hashed) % BigInt(partitionCount));
}
