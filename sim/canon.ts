// Canonical text of plain data (machine contexts, decoded results) and a 53-bit string hash.
// JSON.stringify cannot take bigints or Buffers, and its output for Buffers is bulky.

export function canon(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
    case 'boolean':
      return String(v);
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof Uint8Array)
        return `x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
      if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
      if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${canon(k)}:${canon(x)}`).join(',')}}`;
      if (v instanceof Set) return `S{${[...v].map(canon).join(',')}}`;
      const parts: string[] = [];
      for (const k of Object.keys(v)) parts.push(`${k}:${canon((v as Record<string, unknown>)[k])}`);
      return `{${parts.join(',')}}`;
    }
    default:
      return typeof v;
  }
}

/**
 * 53-bit hash of a string (two 32-bit multiply-xorshift lanes), exact as a JS number. The explorer
 * keeps only these (hash compaction): a collision can hide a state, never invent a violation;
 * at 10^6 states the chance of any collision is about 10^-4.
 */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
