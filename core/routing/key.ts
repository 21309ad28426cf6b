// Pegasus key layout (docs/PROTOCOL.md 7.1): u16 big-endian hash-key length, hash key, sort key (to the end).

/** Hash keys must be shorter than this (0xFFFF is refused, as the Java client does). */
export const MAX_HASH_KEY_LENGTH = 0xfffe;

/** The full key the server stores: u16 big-endian hash-key length, hash key, sort key. RangeError for a too-long hash key. */
export function encodeKey(hashKey: Uint8Array, sortKey: Uint8Array): Buffer {
  if (hashKey.length > MAX_HASH_KEY_LENGTH) {
    throw new RangeError(`hash key length ${hashKey.length} must be below 65535`);
  }
  const out = Buffer.allocUnsafe(2 + hashKey.length + sortKey.length);
  out[0] = hashKey.length >>> 8;
  out[1] = hashKey.length & 0xff;
  out.set(hashKey, 2);
  out.set(sortKey, 2 + hashKey.length);
  return out;
}

/** Splits a full key; the parts are views into `fullKey`. RangeError when it is not a valid key. */
export function decodeKey(fullKey: Uint8Array): {
  /** the hash key part */
  hashKey: Buffer;
  /** the sort key part (everything after the hash key) */
  sortKey: Buffer;
} {
  if (fullKey.length < 2) throw new RangeError(`a full key has at least 2 bytes, got ${fullKey.length}`);
  const b = Buffer.from(fullKey.buffer, fullKey.byteOffset, fullKey.byteLength);
  const hashLength = (b[0]! << 8) | b[1]!;
  if (2 + hashLength > b.length) {
    throw new RangeError(`hash key length ${hashLength} exceeds the ${b.length - 2} bytes after the prefix`);
  }
  return { hashKey: b.subarray(2, 2 + hashLength), sortKey: b.subarray(2 + hashLength) };
}

/**
 * The smallest key greater than every key that starts with `fullKey` (Java client behaviour): from the
 * end, skip 0xFF bytes, increment the first other byte and drop everything after it. The length
 * prefix takes part, so next(enc(ff)) = 00 02. Used as an exclusive stop key.
 * RangeError if every byte is 0xFF (no such key; cannot happen for an encoded key).
 */
export function nextKey(fullKey: Uint8Array): Buffer {
  let i = fullKey.length - 1;
  while (i >= 0 && fullKey[i] === 0xff) i--;
  if (i < 0) throw new RangeError('no key follows a key made only of 0xFF bytes');
  const out = Buffer.from(fullKey.subarray(0, i + 1));
  out[i] = out[i]! + 1;
  return out;
}

/** nextKey(encodeKey(hashKey, sortKey)): the exclusive stop for "everything under this hash key (+ sort prefix)". */
export function nextKeyOf(hashKey: Uint8Array, sortKey: Uint8Array = new Uint8Array(0)): Buffer {
  return nextKey(encodeKey(hashKey, sortKey));
}
