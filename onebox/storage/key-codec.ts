// Local Pegasus key encoding (WIRE.md 8.1). Private to the storage engine until core/routing lands;
// then swap these for encodeKey/decodeKey from there (same byte layout).

/** The u16 length prefix cannot express 0xFFFF (the server CHECKs hash_key.length < UINT16_MAX). */
export const MAX_HASH_KEY_LENGTH = 0xfffe;

/** u16 BE hash-key length ‖ hash key ‖ sort key. Throws if the hash key is too long to encode. */
export function encodeKey(hashKey: Uint8Array, sortKey: Uint8Array): Buffer {
  if (hashKey.length > MAX_HASH_KEY_LENGTH) throw new RangeError(`hash key too long: ${hashKey.length}`);
  const out = Buffer.allocUnsafe(2 + hashKey.length + sortKey.length);
  out.writeUInt16BE(hashKey.length, 0);
  out.set(hashKey, 2);
  out.set(sortKey, 2 + hashKey.length);
  return out;
}

/** Splits a full key; undefined when it is shorter than its own length prefix says. Views, no copy. */
export function decodeKey(fullKey: Uint8Array): { hashKey: Buffer; sortKey: Buffer } | undefined {
  if (fullKey.length < 2) return undefined;
  const buf = Buffer.from(fullKey.buffer, fullKey.byteOffset, fullKey.length);
  const hashLength = buf.readUInt16BE(0);
  if (2 + hashLength > buf.length) return undefined;
  return { hashKey: buf.subarray(2, 2 + hashLength), sortKey: buf.subarray(2 + hashLength) };
}

export function isWellFormedKey(fullKey: Uint8Array): boolean {
  return decodeKey(fullKey) !== undefined;
}

/**
 * Smallest key greater than every key starting with `prefix`: bump the last byte that is not 0xFF and
 * cut after it (the server's pegasus_generate_next_blob). Callers never pass an all-0xFF prefix
 * because the u16 length prefix is at most 0xFFFE.
 */
export function nextKey(prefix: Uint8Array): Buffer {
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) throw new RangeError('no successor for an all-0xFF key');
  const out = Buffer.from(prefix.subarray(0, i + 1));
  out[i] = (out[i] ?? 0) + 1;
  return out;
}

/** Upper bound of all keys of one hash key: next(u16 len ‖ hash key). */
export function hashKeyStop(hashKey: Uint8Array): Buffer {
  return nextKey(encodeKey(hashKey, new Uint8Array(0)));
}
