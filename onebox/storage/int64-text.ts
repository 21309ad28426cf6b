// Integer text parsing for incr and the CT_VALUE_INT_* checks. The server uses buf2int64, i.e.
// strtoll(base 0) that must consume the whole buffer: leading C whitespace and a sign are allowed,
// "0x.." is hex and a leading "0" means octal. Mirrored so the double accepts exactly what Pegasus does.

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

const isSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);

function digitValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return 99;
}

/** The int64 the server would read from `bytes`, or undefined (empty, junk, or out of range). */
export function parseInt64Text(bytes: Uint8Array): bigint | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n && isSpace(bytes[i]!)) i++;
  let negative = false;
  if (bytes[i] === 0x2b || bytes[i] === 0x2d) {
    negative = bytes[i] === 0x2d;
    i++;
  }
  let base = 10;
  if (
    bytes[i] === 0x30 &&
    (bytes[i + 1] === 0x78 || bytes[i + 1] === 0x58) &&
    digitValue(bytes[i + 2] ?? 0) < 16
  ) {
    base = 16;
    i += 2;
  } else if (bytes[i] === 0x30) {
    base = 8;
  }
  const firstDigit = i;
  let magnitude = 0n;
  const bigBase = BigInt(base);
  while (i < n) {
    const d = digitValue(bytes[i]!);
    if (d >= base) break;
    magnitude = magnitude * bigBase + BigInt(d);
    i++;
  }
  if (i === firstDigit || i !== n) return undefined;
  const value = negative ? -magnitude : magnitude;
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}
