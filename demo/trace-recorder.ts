// Turns what the real client reports through its `trace` option into trace-format records
// (core/trace/format.ts), so a demo run can be drawn by the same timeline as a simulation, and adds
// the onebox's side: injected faults and meta's configuration changes.
// Times are ms since the recorder started, on the same monotonic clock (performance.now) the client
// and the onebox both use; attempt times inside settles are shifted the same way.
import { performance } from 'node:perf_hooks';
import type { TraceRecord as ClientTraceRecord } from '../client/index.ts';
import type { Json, TraceRecord, TraceStates } from '../core/trace/index.ts';
import { toJson } from '../core/trace/index.ts';
import type { ConfigChange } from '../onebox/index.ts';

export type MachineStates = Omit<TraceStates, 'type' | 't'>;

export class TraceRecorder {
  readonly records: TraceRecord[] = [];
  readonly baseMs = performance.now();
  private readStates: (() => MachineStates) | null = null;
  /** time of the last step fed to the core: its resulting states are written before anything later */
  private stepT: number | null = null;
  private lastStates = '';

  constructor(spec: Json) {
    this.records.push({ type: 'header', format: 'pegasus-ts-trace', version: 1, source: 'client', spec });
  }

  /** ms since the recorder started */
  now(): number {
    return performance.now() - this.baseMs;
  }

  /** rebases an absolute performance.now() reading */
  at(absMs: number): number {
    return absMs - this.baseMs;
  }

  /** where to read every machine's state between two steps of the core */
  statesFrom(read: () => MachineStates): void {
    this.readStates = read;
  }

  /** the client's trace hook */
  readonly hook = (r: ClientTraceRecord): void => {
    const t = this.at(r.t);
    if (r.type === 'in') {
      this.flushStates();
      this.records.push({ type: 'in', t, event: r.event as Json });
      this.stepT = t;
    } else {
      this.records.push({ type: 'out', t, cmd: this.rebaseAttempts(r.cmd as Json) });
    }
  };

  fault(node: string, kind: string, ms: number | undefined): void {
    this.flushStates();
    this.records.push({ type: 'fault', t: this.now(), node, kind, ...(ms === undefined ? {} : { ms }) });
  }

  config(change: ConfigChange): void {
    this.flushStates();
    this.records.push({
      type: 'config',
      t: this.at(change.atMs),
      partition: change.partitionIndex,
      ballot: toJson(change.config.ballot),
      primary: change.config.primary,
      secondaries: [...change.config.secondaries],
      reason: change.reason,
    });
  }

  /** the states after the last step; call once the client is closed */
  finish(): void {
    this.flushStates();
  }

  private flushStates(): void {
    const t = this.stepT;
    if (this.readStates === null || t === null) return;
    this.stepT = null;
    const states = this.readStates();
    // Unchanged snapshots (timer ticks, replies to other calls) add nothing to the timeline.
    const key = JSON.stringify(states);
    if (key === this.lastStates) return;
    this.lastStates = key;
    this.records.push({ type: 'states', t, ...states });
  }

  /** settle commands carry absolute attempt times: shift them like every other time */
  private rebaseAttempts(cmd: Json): Json {
    const c = obj(cmd);
    if (c === null || c.type !== 'settle') return cmd;
    const shift = (attempts: Json | undefined): Json =>
      Array.isArray(attempts)
        ? attempts.map((a) => {
            const o = obj(a);
            if (o === null) return a;
            const out = { ...o };
            if (typeof o.sentAtMs === 'number') out.sentAtMs = this.at(o.sentAtMs);
            if (typeof o.endedAtMs === 'number') out.endedAtMs = this.at(o.endedAtMs);
            return out;
          })
        : (attempts ?? null);
    const out = { ...c };
    if (c.attempts !== undefined) out.attempts = shift(c.attempts);
    const f = obj(c.failure);
    if (f !== null) out.failure = { ...f, attempts: shift(f.attempts) };
    return out;
  }
}

const obj = (v: Json | undefined): { [key: string]: Json } | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
