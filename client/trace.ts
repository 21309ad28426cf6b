// Trace records of the real client: every event fed to the core and every command it returned, on
// the driver's monotonic clock. Values use the trace format's JSON encoding (core/trace), so a
// bigint becomes { $bigint: "123" } and bytes become { $hex: "0a0b" }, and records can be written
// to a file as they come.
import type { Json } from '../core/trace/index.ts';

export type PlainValue = Json;

export type TraceRecord =
  | { atMs: number; kind: 'event'; event: PlainValue }
  | { atMs: number; kind: 'command'; command: PlainValue };

export type TraceHook = (record: TraceRecord) => void;

export { toJson as toPlain } from '../core/trace/index.ts';
