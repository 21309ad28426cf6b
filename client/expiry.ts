// TTL seconds -> the absolute "Pegasus epoch" expiry the wire carries (docs/PROTOCOL.md 10.3).
// This is the one place that reads the wall clock: the core never does, and the server compares
// expiries against its own wall clock.
import { PEGASUS_EPOCH_UNIX_SEC } from '../core/wire/index.ts';
import { fail } from './validate.ts';

const INT32_MAX = 0x7fffffff;

/** 0 when there is no TTL; otherwise now + ttl in Pegasus-epoch seconds */
export function expireTsSeconds(ttlSeconds: number | undefined, nowUnixMs: number = Date.now()): number {
  if (ttlSeconds === undefined || ttlSeconds === 0) return 0;
  const ts = ttlSeconds + Math.floor(nowUnixMs / 1000) - PEGASUS_EPOCH_UNIX_SEC;
  if (ts > INT32_MAX) fail(`ttlSeconds ${ttlSeconds} puts the expiry beyond what the server can store (i32)`);
  return ts;
}

/**
 * incr's expiry field: 0 keeps the record's TTL, < 0 removes it, > 0 sets it.
 * Public meaning: omitted keeps, 0 means "never expires" (as for set), > 0 sets.
 */
export function incrExpireTsSeconds(ttlSeconds: number | undefined, nowUnixMs: number = Date.now()): number {
  if (ttlSeconds === undefined) return 0;
  if (ttlSeconds === 0) return -1;
  return expireTsSeconds(ttlSeconds, nowUnixMs);
}
