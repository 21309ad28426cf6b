// Where the client process did not run: event-loop stalls and GC pauses, as time intervals on the
// performance.now() clock, so that a call settling late can be judged net of the time its process
// was not scheduled (a busy shared machine, a GC pause, the soak's own synchronous work).
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

/**
 * A 2 ms heartbeat: a block that starts just after a tick is seen only once it outlasts the next
 * one, so the tick bounds what goes unseen (a 10 ms tick hid 11 ms blocks). About 500 wake-ups a
 * second, a fraction of a percent of a core.
 */
const TICK_MS = 2;
/** a tick this much later than planned counts as a stall (below it: timer jitter) */
const STALL_THRESHOLD_MS = 1;
/** resolution of the event-loop delay histogram (perf_hooks) */
const HISTOGRAM_RESOLUTION_MS = 10;

export interface StallSummary {
  /** event-loop delay percentiles from perf_hooks.monitorEventLoopDelay (10 ms resolution) */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  stalls: number;
  stalledMs: number;
  longestStallMs: number;
  gcPauses: number;
  gcPausedMs: number;
  longestGcMs: number;
}

export class StallTracker {
  /** [startMs, endMs] (since originMs) of each stall or GC pause, merged, in time order; old ones are trimmed */
  private intervals: Array<[number, number]> = [];
  private readonly histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
  private readonly gc: PerformanceObserver;
  private timer: NodeJS.Timeout | undefined;
  private lastTickMs = performance.now();
  private stalls = 0;
  private stalledMs = 0;
  private longestStallMs = 0;
  private gcPauses = 0;
  private gcPausedMs = 0;
  private longestGcMs = 0;
  /** per-second buckets of stalled ms, for the report's plot */
  readonly stalledMsBySecond = new Map<number, number>();

  /** every raw stall and GC pause as it is recorded (the run writes them to stalls.ndjson) */
  onRecord: ((kind: 'tick' | 'gc', startMs: number, endMs: number) => void) | undefined;

  constructor(private readonly originMs: number) {
    this.gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gcPauses++;
        this.gcPausedMs += e.duration;
        this.longestGcMs = Math.max(this.longestGcMs, e.duration);
        this.add(e.startTime - this.originMs, e.startTime + e.duration - this.originMs);
        this.onRecord?.('gc', e.startTime - this.originMs, e.startTime + e.duration - this.originMs);
      }
    });
  }

  start(): void {
    this.histogram.enable();
    this.gc.observe({ entryTypes: ['gc'] });
    this.lastTickMs = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const planned = this.lastTickMs + TICK_MS;
      const lateMs = now - planned;
      if (lateMs > STALL_THRESHOLD_MS) {
        this.stalls++;
        this.stalledMs += lateMs;
        this.longestStallMs = Math.max(this.longestStallMs, lateMs);
        // from the previous tick: the loop stopped somewhere after it, and a timer due anywhere
        // in between (a call's deadline) could not run before now either
        this.add(this.lastTickMs - this.originMs, now - this.originMs);
        this.onRecord?.('tick', this.lastTickMs - this.originMs, now - this.originMs);
        const sec = Math.floor((now - this.originMs) / 1000);
        this.stalledMsBySecond.set(sec, (this.stalledMsBySecond.get(sec) ?? 0) + lateMs);
      }
      this.lastTickMs = now;
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
    this.gc.disconnect();
  }

  /**
   * Inserts [start, end] in start order and merges it with every interval it overlaps. GC entries
   * arrive after the stalls they caused were recorded, so an interval may start before the last one.
   */
  add(start: number, end: number): void {
    const xs = this.intervals;
    let i = xs.length;
    while (i > 0 && xs[i - 1]![0] > start) i--;
    xs.splice(i, 0, [start, end]);
    if (i > 0 && xs[i - 1]![1] >= start) {
      xs[i - 1]![1] = Math.max(xs[i - 1]![1], end);
      xs.splice(i, 1);
      i--;
    }
    while (i + 1 < xs.length && xs[i + 1]![0] <= xs[i]![1]) {
      xs[i]![1] = Math.max(xs[i]![1], xs[i + 1]![1]);
      xs.splice(i + 1, 1);
    }
  }

  /** milliseconds of [fromMs, toMs] covered by a recorded stall or GC pause */
  stalledWithin(fromMs: number, toMs: number): number {
    let total = 0;
    for (let i = this.intervals.length - 1; i >= 0; i--) {
      const [s, e] = this.intervals[i]!;
      if (e < fromMs) break;
      total += Math.max(0, Math.min(e, toMs) - Math.max(s, fromMs));
    }
    return total;
  }

  /** drops intervals that ended before `ms` (no call still pending can overlap them) */
  trimBefore(ms: number): void {
    let n = 0;
    while (n < this.intervals.length && this.intervals[n]![1] < ms) n++;
    if (n > 0) this.intervals.splice(0, n);
  }

  summary(): StallSummary {
    const ns = (v: number) => Math.round((v / 1e6) * 10) / 10;
    return {
      loopDelayP50Ms: ns(this.histogram.percentile(50)),
      loopDelayP99Ms: ns(this.histogram.percentile(99)),
      loopDelayMaxMs: ns(this.histogram.max),
      stalls: this.stalls,
      stalledMs: Math.round(this.stalledMs),
      longestStallMs: Math.round(this.longestStallMs),
      gcPauses: this.gcPauses,
      gcPausedMs: Math.round(this.gcPausedMs),
      longestGcMs: Math.round(this.longestGcMs * 10) / 10,
    };
  }
}
