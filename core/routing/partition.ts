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
  return Number(BigInt.asUintN(64, hash) % BigInt(partitionCount));
}

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
