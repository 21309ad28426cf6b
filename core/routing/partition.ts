// Which partition serves a key (docs/PROTOCOL.md 7.2-7.4).
import { crc64 } from './crc64.ts';

/** The header's partition_hash: CRC64 of the hash key, or of the sort key when the hash key is empty. */
export function partitionHash(hashKey: Uint8Array, sortKey: Uint8Array): bigint {
  return crc64(hashKey.length > 0 ? hashKey : sortKey);
}

function checkCount(partitionCount: number): void {
  if (!Number.isInteger(partitionCount) || partitionCount <= 0 || partitionCount > 0x7fffffff) {
    throw new RangeError(`partition count must be a positive i32, got ${partitionCount}`);
  }
}

/** hash mod count, as an unsigned 64-bit modulo (a signed remainder would misroute half the keys). */
export function partitionIndex(hash: bigint, partitionCount: number): number {
  checkCount(partitionCount);
  // Without BigInt arithmetic (each BigInt operation allocates; this runs for every call): the
  // hash's two unsigned 32-bit halves, then (hi * 2^32 + lo) mod count in exact doubles, the
  // 2^32 as two steps of 2^16 so no product passes 2^53 (count < 2^31).
  SCRATCH.setBigUint64(0, hash);
  const c = partitionCount;
  let x = SCRATCH.getUint32(0) % c;
  x = (x * 65536) % c;
  x = (x * 65536) % c;
  return (x + (SCRATCH.getUint32(4) % c)) % c;
}

/** 8 bytes to split a 64-bit hash through (setBigUint64 takes it modulo 2^64, as asUintN does) */
const SCRATCH = new DataView(new ArrayBuffer(8));

/**
 * partitionIndex, then split-parent redirection: while a split runs, children (index >= count/2)
 * report ballot < 0 until registered, and their parent (index - count/2) still serves their keys.
 * `ballotOf` returns undefined for an unknown partition (no redirection). Tested with `< 0`, not
 * `<= 0`: ballot 0 is a legitimate "never had a primary" value.
 */
export function resolvePartition(
  hash: bigint,
  partitionCount: number,
  ballotOf: (index: number) => bigint | undefined,
): number {
  const index = partitionIndex(hash, partitionCount);
  const half = partitionCount / 2;
  if (partitionCount % 2 !== 0 || index < half) return index;
  const ballot = ballotOf(index);
  return ballot !== undefined && ballot < 0n ? index - half : index;
}
