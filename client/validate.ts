// Argument checks run before anything reaches the core: a bad argument never costs a round trip and
// never leaves the process half-sent. Each check names the argument in its message.
import { MAX_HASH_KEY_LENGTH } from '../core/routing/index.ts';
import { PegasusArgumentError } from './errors.ts';
import type { KeyList } from './options.ts';

/** A key or a value: bytes as given (not copied: do not change them until the call settles), strings as UTF-8. */
export type Bytes = Buffer | Uint8Array | string;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 0x7fffffff;
/** setTimeout cannot wait longer (Node clamps bigger delays to 1 ms) */
export const MAX_TIMEOUT_MS = INT32_MAX;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return String(v);
  return typeof v;
}

export function fail(message: string): never {
  throw new PegasusArgumentError(message);
}

/** A view of the caller's bytes (no copy: do not mutate a buffer until its call settles). */
export function toBytes(name: string, v: unknown): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return v;
  return fail(`${name} must be a Buffer, Uint8Array or string, got ${describe(v)}`);
}

/**
 * Hash keys: shorter than 0xFFFF bytes (the full key stores the length in a u16, docs/PROTOCOL.md 7.1).
 * Empty is allowed only where the op addresses one record (the sort key then picks the partition).
 */
export function toHashKey(v: unknown, allowEmpty: boolean): Uint8Array {
  const b = toBytes('hashKey', v);
  if (b.length > MAX_HASH_KEY_LENGTH)
    fail(`hashKey is ${b.length} bytes; it must be shorter than 65535 bytes`);
  if (!allowEmpty && b.length === 0)
    fail('hashKey must not be empty for this operation: its sort keys must share one partition');
  return b;
}

export function toBytesList(name: string, v: unknown): Uint8Array[] {
  if (!Array.isArray(v)) return fail(`${name} must be an array, got ${describe(v)}`);
  if (v.length === 0) fail(`${name} must not be empty`);
  return v.map((x, i) => toBytes(`${name}[${i}]`, x));
}

/** TTL in seconds: a non-negative integer; 0 means "never expires" */
export function checkTtlSeconds(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32_MAX)
    fail(`ttlSeconds must be an integer from 0 to ${INT32_MAX}, got ${describe(v)}`);
  return v;
}

/** incr delta: an integer within int64 */
export function checkDelta(v: unknown): bigint {
  if (typeof v === 'bigint') {
    if (v < INT64_MIN || v > INT64_MAX) fail(`delta ${v} is outside the int64 range`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail(`delta must be a safe integer or a bigint, got ${v}`);
    return BigInt(v);
  }
  return fail(`delta must be a bigint or an integer number, got ${describe(v)}`);
}

export function checkTimeoutMs(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMEOUT_MS)
    fail(`${name} must be a positive finite number of ms up to ${MAX_TIMEOUT_MS}, got ${describe(v)}`);
  return v;
}

/** a byte count: an integer from 1 up to 2^31 - 1 (a frame's length is an i32) */
export function checkByteCount(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > INT32_MAX)
    fail(`${name} must be an integer number of bytes from 1 to ${INT32_MAX}, got ${describe(v)}`);
  return v;
}

export function checkSignal(v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof AbortSignal)) fail(`signal must be an AbortSignal, got ${describe(v)}`);
  return v;
}

/** multiGet limits: a positive i32, or omitted for "no client limit" (server caps still apply) */
export function checkLimit(name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > INT32_MAX)
    fail(`${name} must be an integer from 1 to ${INT32_MAX}, got ${describe(v)}`);
  return v;
}

export function checkBoolean(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(`${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** the options object of a call made without one: shared, never written to */
const NO_OPTIONS = Object.freeze({});

/**
 * An options object: absent, or a plain object whose own keys are all in `keys`. A misspelt key is
 * refused rather than ignored (`{ ttl: 5 }` for `ttlSeconds` would write a record that never
 * expires). Only an object that is given is looked at: the common no-options call pays nothing.
 */
export function checkOptions<T extends object>(name: string, v: unknown, keys: KeyList): Partial<T> {
  if (v === undefined) return NO_OPTIONS as Partial<T>;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(`${name} must be an object, got ${describe(v)}`);
  for (const k in v) {
    if (!keys.set.has(k)) unknownKey(name, k, keys);
  }
  return v as Partial<T>;
}

function unknownKey(name: string, key: string, keys: KeyList): never {
  const near = keys.find((k) => isNear(key, k));
  const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
  return fail(`${name} has an unknown key "${key}"${hint}; valid keys: ${keys.join(', ')}`);
}

/** a likely misspelling: one is a prefix of the other, or at most two edits apart */
function isNear(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.length >= 3 && (y.startsWith(x) || x.startsWith(y))) return true;
  return editDistance(x, y) <= 2;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export function checkName(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) fail(`${name} must be a non-empty string, got ${describe(v)}`);
  return v;
}
