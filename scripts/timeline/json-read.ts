// Narrow reads of untyped JSON from trace records (events and commands are stored as plain JSON).
import type { Json } from '../../core/trace/index.ts';

export type JsonObject = { [key: string]: Json };

export function asObject(v: Json | undefined): JsonObject | null {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

export function str(o: JsonObject | null, key: string): string | null {
  const v = o?.[key];
  return typeof v === 'string' ? v : null;
}

export function num(o: JsonObject | null, key: string): number | null {
  const v = o?.[key];
  return typeof v === 'number' ? v : null;
}

export function bool(o: JsonObject | null, key: string): boolean | null {
  const v = o?.[key];
  return typeof v === 'boolean' ? v : null;
}

export function list(o: JsonObject | null, key: string): Json[] {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
}

/** a bigint written as { $bigint } (ballots), or a plain number, as display text */
export function bigText(v: Json | undefined): string {
  const o = asObject(v);
  if (o !== null && typeof o.$bigint === 'string') return o.$bigint;
  return v === undefined || v === null ? '?' : String(v);
}

export function hexBytes(v: Json | undefined): Buffer | null {
  const o = asObject(v);
  return o !== null && typeof o.$hex === 'string' ? Buffer.from(o.$hex, 'hex') : null;
}

/** a call id as the key `states` records use */
export function idText(v: Json | undefined): string | null {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : null;
}
