// CRC64 as Pegasus computes partition hashes (docs/PROTOCOL.md 7.2): reflected polynomial 0x9a6c9329ac4bc9b5,
// init and final xor all ones, LSB-first table. Computed in two 32-bit halves so the per-byte loop
// does no BigInt work; only the result becomes a bigint.

const POLY_HI = 0x9a6c9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = (lo >>> 1) | ((hi & 1) << 31);
    hi >>>= 1;
    if (carry) {
      hi ^= POLY_HI;
      lo ^= POLY_LO;
    }
  }
  TABLE_HI[i] = hi >>> 0;
  TABLE_LO[i] = lo >>> 0;
}

/** T[i] of the table, for checking against the server's static table. */
export function crc64TableEntry(i: number): bigint {
  if (!Number.isInteger(i) || i < 0 || i > 255) throw new RangeError(`table index ${i} outside 0..255`);
  return (BigInt(TABLE_HI[i]!) << 32n) | BigInt(TABLE_LO[i]!);
}

/** CRC-64 (ECMA-182 polynomial, reflected, as the Pegasus server computes it) of `bytes`, unsigned. */
export function crc64(bytes: Uint8Array): bigint {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    const idx = (lo ^ bytes[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]!;
    hi = (hi >>> 8) ^ TABLE_HI[idx]!;
  }
  // one BigInt made from the halves (shifting and or-ing BigInts would allocate three more)
  SCRATCH.setUint32(0, ~hi >>> 0);
  SCRATCH.setUint32(4, ~lo >>> 0);
  return SCRATCH.getBigUint64(0);
}

const SCRATCH = new DataView(new ArrayBuffer(8));
