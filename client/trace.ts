// The real client's trace hook receives the trace format's own records (core/trace/format.ts,
// traces/README.md): `in` for every event fed to the core and `out` for every command it returned,
// `t` on the driver's monotonic clock (ms), values JSON-encoded ({ $bigint }, { $hex }), so they
// can be written to an NDJSON file as they come and drawn by `npm run replay -- --html`.
import type { Json, TraceIn, TraceOut } from '../core/trace/index.ts';

export type PlainValue = Json;
export type TraceRecord = TraceIn | TraceOut;
export type TraceHook = (record: TraceRecord) => void;

export { toJson as toPlain } from '../core/trace/index.ts';
