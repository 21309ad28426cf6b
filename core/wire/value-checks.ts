// Encode-side validation shared by both writer implementations, so a bad value is a ProtocolError
// ('encode') instead of silent truncation (thrift) or a RangeError (Buffer).
import { ProtocolError } from './protocol-error.ts';

const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;

function describe(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function encodeError(what: string, v: unknown): ProtocolError {
  return new ProtocolError('encode', `expected ${what}, got ${describe(v)}`);
}

export function checkI8(v: number): void {
  if ((v << 24) >> 24 !== v) throw encodeError('an i8', v);
}

export function checkI16(v: number): void {
  if ((v << 16) >> 16 !== v) throw encodeError('an i16', v);
}

export function checkI32(v: number): void {
  if ((v | 0) !== v) throw encodeError('an i32', v);
}

export function checkU32(v: number): void {
  if (v >>> 0 !== v) throw encodeError('a u32', v);
}

/** Signed or unsigned 64-bit: both bit patterns are accepted (partition hashes are unsigned). */
export function checkI64(v: bigint): void {
  if (typeof v !== 'bigint' || v < I64_MIN || v >= U64_END) throw encodeError('a 64-bit bigint', v);
}

export function checkBool(v: boolean): void {
  if (typeof v !== 'boolean') throw encodeError('a boolean', v);
}

export function checkString(v: string): void {
  if (typeof v !== 'string') throw encodeError('a string', v);
}

export function checkBytes(v: Uint8Array): void {
  if (!(v instanceof Uint8Array)) throw encodeError('a Uint8Array', v);
}
