// Which partition a stored full key belongs to (for validate_partition_hash), by core/routing's CRC64.
import { partitionHash, partitionIndex } from '../../core/routing/index.ts';
import { decodeKey } from './key-codec.ts';

/** Partition a full key routes to: CRC64 of the hash key (of the sort key if the hash key is empty). */
export function partitionOfKey(fullKey: Uint8Array, partitionCount: number): number | undefined {
  const parts = decodeKey(fullKey);
  if (parts === undefined) return undefined;
  return partitionIndex(partitionHash(parts.hashKey, parts.sortKey), partitionCount);
}
