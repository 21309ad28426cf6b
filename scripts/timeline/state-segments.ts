// Turns the per-event snapshots of `states` records into one run of segments per machine: a new
// segment starts only when a machine's state changes, so long quiet stretches stay one element.
import type { StateSegment } from './model.ts';

export class SegmentBuilder {
  private readonly open = new Map<string, { start: number; state: string }>();
  private readonly done = new Map<string, StateSegment[]>();

  /** the state of every machine of one kind at time t; machines absent from `states` have ended */
  sample(t: number, states: Record<string, string>): void {
    for (const [key, cur] of this.open) {
      const next = states[key];
      if (next === cur.state) continue;
      this.close(key, t);
    }
    for (const [key, state] of Object.entries(states)) {
      if (!this.open.has(key)) this.open.set(key, { start: t, state });
    }
  }

  /** closes every open segment at the end of the trace */
  finish(end: number): Map<string, StateSegment[]> {
    for (const key of [...this.open.keys()]) this.close(key, end);
    return this.done;
  }

  keys(): string[] {
    return [...new Set([...this.done.keys(), ...this.open.keys()])];
  }

  private close(key: string, t: number): void {
    const cur = this.open.get(key);
    if (cur === undefined) return;
    this.open.delete(key);
    const list = this.done.get(key) ?? [];
    list.push({ start: cur.start, end: t, state: cur.state });
    this.done.set(key, list);
  }
}
