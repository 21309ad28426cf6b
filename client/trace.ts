// The real client's trace hook receives the trace format's own records (core/trace/format.ts,
// traces/README.md): `in` for every event fed to the core and `out` for every command it returned,
// `t` on the driver's monotonic clock (ms), values JSON-encoded ({ $bigint }, { $hex }), so they
// can be written to an NDJSON file as they come and drawn by `npm run replay -- --html`.
import type { TraceIn, TraceOut } from '../core/trace/index.ts';

export type { Json as PlainValue, TraceIn, TraceOut } from '../core/trace/index.ts';

/** One record of the client's trace: an event fed to the core, or a command it returned. */
export type TraceRecord = TraceIn | TraceOut;

/**
 * The `trace` option: called synchronously with every record. Keep it cheap (it runs inside the
 * client's event loop); a hook that throws is reported as a warning, not rethrown.
 */
export type TraceHook = (record: TraceRecord) => void;

export { toJson as toPlain } from '../core/trace/index.ts';
