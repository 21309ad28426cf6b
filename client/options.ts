// Options of the public client and of each call.
import type { CoreOptionsInput } from '../core/client/index.ts';
import type { TraceHook } from './trace.ts';

/**
 * `metaServers` ("host:port" list) is required. Every tunable of the core may be given (all
 * durations in ms; see core/client/options.ts): `timeoutMs` is the default deadline of a call.
 * `machines` (advanced, leave it unset in applications) replaces the machine definitions the core
 * runs, e.g. a mutant in tests or the `npm start` demo's "timeout only" policy.
 */
export type PegasusClientOptions = CoreOptionsInput & {
  /** default deadline of openTable (connect + meta query, with retries); default 5000 ms */
  openTimeoutMs?: number;
  /** receives every event fed to the core and every command it returned, as plain JSON values */
  trace?: TraceHook;
};

export const DEFAULT_OPEN_TIMEOUT_MS = 5000;

export interface CallOptions {
  /** deadline of this call, retries included; default: the client's `timeoutMs` */
  timeoutMs?: number;
  /** aborting settles the call with PegasusAbortError (an already aborted signal sends nothing) */
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** seconds until the record expires; 0 or omitted: never */
  ttlSeconds?: number;
}

export interface IncrOptions extends CallOptions {
  /** omitted: keep the record's TTL; 0: remove it; > 0: expire that many seconds from now */
  ttlSeconds?: number;
}

export interface CheckAndSetOptions extends CallOptions {
  /** TTL of the written record; 0 or omitted: never expires */
  ttlSeconds?: number;
  /** also return the checked value as it was before the write */
  returnCheckValue?: boolean;
}

export interface OpenTableOptions {
  timeoutMs?: number;
}
