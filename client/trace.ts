// Trace records: every event fed to the core and every command it returned, on the driver's
// monotonic clock. Records are plain JSON values so they can be written to a file as they come:
// a bigint becomes { $bigint: "123" } and bytes become { $hex: "0a0b" }.

export type PlainValue =
  | null
  | boolean
  | number
  | string
  | { $bigint: string }
  | { $hex: string }
  | PlainValue[]
  | { [key: string]: PlainValue };

export type TraceRecord =
  | { atMs: number; kind: 'event'; event: PlainValue }
  | { atMs: number; kind: 'command'; command: PlainValue };

export type TraceHook = (record: TraceRecord) => void;

export function toPlain(v: unknown): PlainValue {
  switch (typeof v) {
    case 'bigint':
      return { $bigint: v.toString() };
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    case 'undefined':
      return null;
    case 'object': {
      if (v === null) return null;
      if (v instanceof Uint8Array)
        return { $hex: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
      if (Array.isArray(v)) return v.map(toPlain);
      if (v instanceof Map) return [...v.entries()].map(([k, x]) => [toPlain(k), toPlain(x)]);
      const out: { [key: string]: PlainValue } = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toPlain(x);
      return out;
    }
    default:
      return String(v);
  }
}
