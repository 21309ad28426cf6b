// The `node:diagnostics_channel` tracing channel of table operations (issue 15.6), the convention
// undici and newer drivers follow: subscribers of `tracing:pegasus-ts:call:start`, `:end`,
// `:asyncStart`, `:asyncEnd` and `:error` see every operation with its context. When nobody
// subscribes, an operation checks one boolean and allocates nothing for it.
import { tracingChannel } from 'node:diagnostics_channel';

/** The tracing channel's name: subscribe with `diagnostics_channel.tracingChannel('pegasus-ts:call')`. */
export const CALL_CHANNEL_NAME = 'pegasus-ts:call';

/**
 * The context object a `pegasus-ts:call` subscriber receives (the same object at start, end and
 * error). Node's `tracePromise` adds `result` when the operation resolves and `error` when it rejects.
 */
export interface CallTraceContext {
  /** the operation: `'get'`, `'set'`, `'multiGet'`... */
  op: string;
  /** the table's name */
  table: string;
  /** the resolved value, set at asyncEnd */
  result?: unknown;
  /** the rejection (a {@link PegasusError}), set at error */
  error?: unknown;
}

export const callChannel = tracingChannel<unknown, CallTraceContext>(CALL_CHANNEL_NAME);
