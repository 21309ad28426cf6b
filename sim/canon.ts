// Canonical text of plain data (machine contexts, decoded results) and a 128-bit string hash.
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
 * 128-bit hash of a string as an 8-character key (16 bits per character), for the explorer's set
 * of visited states: four 32-bit multiply-xorshift lanes with distinct multipliers, cross-mixed at
 * the end. With hash compaction a collision hides a state (never invents a violation); at 10^6
 * states the chance of any collision is about 10^12 / 2^129, i.e. nil, where 53 bits gave ~10^-4.
 */
export function hash128(s: string): string {
  let h1 = 0x9e3779b1;
  let h2 = 0x85ebca77;
  let h3 = 0xc2b2ae3d;
  let h4 = 0x27d4eb2f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
    h3 = Math.imul(h3 ^ c, 2246822519);
    h4 = Math.imul(h4 ^ c, 3266489917);
  }
  // length and cross-lane mixing, so that equal lanes of different inputs do not stay equal
  h1 = (h1 ^ s.length) >>> 0;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h3 ^ (h3 >>> 13), 3266489909);
  h3 = Math.imul(h3 ^ (h3 >>> 16), 2246822507) ^ Math.imul(h4 ^ (h4 >>> 13), 3266489909);
  h4 = Math.imul(h4 ^ (h4 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return String.fromCharCode(
    h1 & 0xffff,
    h1 >>> 16,
    h2 & 0xffff,
    h2 >>> 16,
    h3 & 0xffff,
    h3 >>> 16,
    h4 & 0xffff,
    h4 >>> 16,
  );
}
