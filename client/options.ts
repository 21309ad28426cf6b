// Options of the public client and of each call. Every options object is checked for unknown keys
// (a misspelt `ttl` for `ttlSeconds` must not silently write a record that never expires): the key
// lists below are records over each type's keys, so a new option fails to compile until it is listed.
import type { CoreOptions, CoreOptionsInput } from '../core/client/index.ts';
import type { MeterProviderLike } from './metrics.ts';
import type { TraceHook } from './trace.ts';

/**
 * Options of {@link PegasusClient.connect}. Only `metaServers` is required. Every duration is in
 * milliseconds; the defaults suit a production client talking to a healthy cluster.
 */
export interface PegasusClientOptions {
  /** The meta servers, as `"host:port"` (the default meta port is 34601). At least one. */
  metaServers: string[];
  /**
   * Default deadline of a call, retries included, when the call gives no `timeoutMs`.
   * @defaultValue 1000
   */
  timeoutMs?: number;
  /**
   * Deadline of {@link PegasusClient.openTable} (connect and meta query, with retries) when it gives
   * no `timeoutMs`.
   * @defaultValue 5000
   */
  openTimeoutMs?: number;
  /**
   * Timeout of one attempt; an attempt never outlives its call's deadline. An attempt that times
   * out marks its node `suspect` and refreshes routing.
   * @defaultValue 400
   */
  attemptTimeoutMs?: number;
  /**
   * First back-off before retrying a call the server rejected with a retriable error; it doubles per
   * attempt up to `retryBackoffCapMs`.
   * @defaultValue 10
   */
  retryBackoffMs?: number;
  /**
   * Longest back-off between two attempts of one call.
   * @defaultValue 200
   */
  retryBackoffCapMs?: number;
  /**
   * How long a TCP connect may take before the node counts as down.
   * @defaultValue 1000
   */
  connectTimeoutMs?: number;
  /**
   * First delay before reconnecting to a node that went down; it doubles (jittered) up to
   * `reconnectBackoffCapMs`, so a restarted node is used again within about that cap.
   * @defaultValue 50
   */
  reconnectBackoffMs?: number;
  /**
   * Longest delay before reconnecting to a node that is down.
   * @defaultValue 1000
   */
  reconnectBackoffCapMs?: number;
  /**
   * First delay between meta queries while calls wait for a primary; it doubles (jitter only
   * lengthens it) up to `pollCapMs`. Must not exceed `pollCapMs`.
   * @defaultValue 80
   */
  pollStartMs?: number;
  /**
   * Longest delay between meta queries while calls wait: a promotion is seen within it, and at
   * most about 1000 / `pollCapMs` queries per second go out.
   * @defaultValue 200
   */
  pollCapMs?: number;
  /**
   * Minimum spacing of routing refreshes nobody is waiting for; the poll schedule restarts from
   * `pollStartMs` only after this long without queries.
   * @defaultValue 1000
   */
  quietMs?: number;
  /**
   * First back-off after a failed meta query (timeout, refused, not active); it doubles (jittered) up
   * to `metaBackoffCapMs`.
   * @defaultValue 100
   */
  metaBackoffMs?: number;
  /**
   * Longest back-off after failed meta queries.
   * @defaultValue 1000
   */
  metaBackoffCapMs?: number;
  /**
   * Timeout of one meta query; the next meta server is tried after it.
   * @defaultValue 1000
   */
  metaQueryTimeoutMs?: number;
  /**
   * How many `ERR_FORWARD_TO_OTHERS` redirects (meta follower to leader) one query may follow
   * before backing off.
   * @defaultValue 3
   */
  maxForwardHops?: number;
  /**
   * Request header version: 1 for servers since the 2.x line, 0 for older clusters.
   * @defaultValue 1
   */
  headerVersion?: 0 | 1;
  /**
   * Largest response frame accepted, in bytes; a larger one closes its connection with a protocol
   * error (its calls are re-routed or failed). At least 1024.
   * @defaultValue 67108864 (64 MiB)
   */
  maxFrameBytes?: number;
  /**
   * Largest request body a write (set, multiSet, del, multiDel, incr, checkAndSet) may have, in bytes:
   * a larger one is refused with {@link PegasusWriteTooLargeError} before anything is sent. The
   * default is the server's own default limit (`max_allowed_write_size`); raise it only with the
   * server's. Counted without encoding: the key and value lengths bound it, and an exact count runs
   * only near the limit. Each {@link PegasusClient.openTable} may set its own.
   * @defaultValue 1048576 (1 MiB)
   */
  maxWriteBytes?: number;
  /**
   * Seeds the jitter of back-offs and polls (the client holds no other randomness).
   * @defaultValue 1
   */
  seed?: number;
  /**
   * Not for applications: replaces the state machine definitions the client runs (a mutant in
   * tests, the `npm start` demo's "timeout only" policy). Left out of the API reference.
   * @defaultValue the machines of `machines/` in this package
   * @internal
   */
  machines?: CoreOptions['machines'];
  /**
   * Where the client's OpenTelemetry metrics go: a `MeterProvider` (e.g. from
   * `@opentelemetry/sdk-metrics`), or `'global'` for the one registered with `@opentelemetry/api`
   * (an optional peer dependency, loaded only then). Instruments: operation duration (histogram,
   * seconds, by op), errors by code, retries by reason, servers by health state, meta queries and
   * routing changes; see {@link METRIC_NAMES}. Omitted: nothing is recorded, at no cost.
   * @defaultValue none
   */
  meterProvider?: MeterProviderLike | 'global';
  /**
   * Receives every event fed to the client core and every command it returned, as plain JSON
   * values (the NDJSON trace format); a hook that throws is reported as a warning, not rethrown.
   */
  trace?: TraceHook;
}

export const DEFAULT_OPEN_TIMEOUT_MS = 5000;
/** the server's default `max_allowed_write_size` (docs/PROTOCOL.md 10.2) */
export const DEFAULT_MAX_WRITE_BYTES = 1024 * 1024;

/** Options every table operation takes. */
export interface CallOptions {
  /**
   * Deadline of this call, retries included.
   * @defaultValue the client's `timeoutMs`
   */
  timeoutMs?: number;
  /**
   * Aborting settles the call at once with {@link PegasusAbortError} (an already aborted signal
   * sends nothing). A write whose request was sent may still be applied.
   */
  signal?: AbortSignal;
}

/** Options of {@link Table.set} and {@link Table.multiSet}. */
export interface WriteOptions extends CallOptions {
  /**
   * Seconds until the record expires; 0 means never.
   * @defaultValue 0
   */
  ttlSeconds?: number;
}

/** Options of {@link Table.incr}. */
export interface IncrOptions extends CallOptions {
  /**
   * Omitted: keep the record's TTL; 0: remove it; above 0: expire that many seconds from now.
   * @defaultValue keep the record's TTL
   */
  ttlSeconds?: number;
}

/** Options of {@link Table.checkAndSet}. */
export interface CheckAndSetOptions extends CallOptions {
  /**
   * TTL of the written record in seconds; 0 means never expires.
   * @defaultValue 0
   */
  ttlSeconds?: number;
  /**
   * Also return the checked value as it was before the write.
   * @defaultValue false
   */
  returnCheckValue?: boolean;
}

/** Options of {@link PegasusClient.openTable}. */
export interface OpenTableOptions {
  /**
   * Deadline of the open (connect and meta query, with retries).
   * @defaultValue the client's `openTimeoutMs`
   */
  timeoutMs?: number;
  /** Aborting rejects the open at once with {@link PegasusAbortError}. */
  signal?: AbortSignal;
  /**
   * Largest request body of a write on this table, in bytes (see the client's `maxWriteBytes`).
   * @defaultValue the client's `maxWriteBytes`
   */
  maxWriteBytes?: number;
}

/** An options object's valid keys, in the order error messages list them. */
export type KeyList = readonly string[] & { readonly set: ReadonlySet<string> };

export function keyList<T>(keys: Record<keyof T, true>): KeyList {
  const list = Object.keys(keys);
  return Object.assign(list, { set: new Set(list) });
}

export const CLIENT_OPTION_KEYS = keyList<PegasusClientOptions>({
  metaServers: true,
  timeoutMs: true,
  openTimeoutMs: true,
  attemptTimeoutMs: true,
  retryBackoffMs: true,
  retryBackoffCapMs: true,
  connectTimeoutMs: true,
  reconnectBackoffMs: true,
  reconnectBackoffCapMs: true,
  pollStartMs: true,
  pollCapMs: true,
  quietMs: true,
  metaBackoffMs: true,
  metaBackoffCapMs: true,
  metaQueryTimeoutMs: true,
  maxForwardHops: true,
  headerVersion: true,
  maxFrameBytes: true,
  maxWriteBytes: true,
  seed: true,
  machines: true,
  meterProvider: true,
  trace: true,
});

const CALL_KEYS = { timeoutMs: true, signal: true } as const;
export const CALL_OPTION_KEYS = keyList<CallOptions>(CALL_KEYS);
export const WRITE_OPTION_KEYS = keyList<WriteOptions>({ ...CALL_KEYS, ttlSeconds: true });
export const INCR_OPTION_KEYS = keyList<IncrOptions>({ ...CALL_KEYS, ttlSeconds: true });
export const CHECK_AND_SET_OPTION_KEYS = keyList<CheckAndSetOptions>({
  ...CALL_KEYS,
  ttlSeconds: true,
  returnCheckValue: true,
});
export const OPEN_TABLE_OPTION_KEYS = keyList<OpenTableOptions>({
  timeoutMs: true,
  signal: true,
  maxWriteBytes: true,
});

/** The client options the core does not take. */
type ClientOnlyKey = 'openTimeoutMs' | 'maxWriteBytes' | 'meterProvider' | 'trace';

/**
 * Compile-time: the public option list and the core's tunables are the same set, so a tunable
 * added to the core fails to compile here until it is documented above.
 */
type AssertNever<T extends never> = T;
export type PublicOptionsMatchCore = AssertNever<
  | Exclude<keyof CoreOptionsInput, keyof PegasusClientOptions>
  | Exclude<keyof PegasusClientOptions, keyof CoreOptionsInput | ClientOnlyKey>
>;

/** the core's part of the client options (typed, so a type mismatch fails to compile) */
export function coreOptionsOf(o: Omit<PegasusClientOptions, ClientOnlyKey>): CoreOptionsInput {
  return o;
}
