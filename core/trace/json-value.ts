// Trace files are JSON: 64-bit values and bytes need a lossless, readable representation.
// bigint -> { "$bigint": "123" }, bytes -> { "$hex": "0a0b" }; everything else is plain JSON.

/** A JSON value; bigints are written `{ "$bigint": "123" }` and bytes `{ "$hex": "0a0b" }`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array)
    return { $hex: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [toJson(k), toJson(v)]) };
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return String(value);
}

export function fromJson(value: Json): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    if (typeof value.$bigint === 'string' && Object.keys(value).length === 1) return BigInt(value.$bigint);
    if (typeof value.$hex === 'string' && Object.keys(value).length === 1)
      return Buffer.from(value.$hex, 'hex');
    if (Array.isArray(value.$map) && Object.keys(value).length === 1) {
      return new Map(
        value.$map.map((e) => (Array.isArray(e) ? [fromJson(e[0] ?? null), fromJson(e[1] ?? null)] : [e, e])),
      );
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromJson(v);
    return out;
  }
  return value;
}
