// The storage engine's view of Pegasus keys: core/routing's codec (docs/PROTOCOL.md 7.1), plus the two
// questions storage asks that routing does not (is this key well formed? where does a hash key end?).
import { decodeKey as decodeFullKey, nextKeyOf } from '../../core/routing/index.ts';

export { encodeKey, MAX_HASH_KEY_LENGTH, nextKey } from '../../core/routing/index.ts';

/** Splits a full key; undefined when it is shorter than its own length prefix says. Views, no copy. */
export function decodeKey(fullKey: Uint8Array): { hashKey: Buffer; sortKey: Buffer } | undefined {
  try {
    return decodeFullKey(fullKey);
  } catch {
    return undefined;
  }
}

export function isWellFormedKey(fullKey: Uint8Array): boolean {
  return decodeKey(fullKey) !== undefined;
}

/** Upper bound of all keys of one hash key: next(u16 len ‖ hash key). */
export function hashKeyStop(hashKey: Uint8Array): Buffer {
  return nextKeyOf(hashKey);
}
