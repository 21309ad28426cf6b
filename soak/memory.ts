// Memory and handle samples of the client process, and their trend after warm-up.
import { performance } from 'node:perf_hooks';

export interface MemorySample {
  tSec: number;
  rssMb: number;
  heapMb: number;
  /** active libuv resources (sockets, timers, ...) from process.getActiveResourcesInfo() */
  handles: number;
  timers: number;
}

export interface Trend {
  /** least-squares slope after warm-up, per hour */
  perHour: number;
  first: number;
  last: number;
  max: number;
}

export function sampleMemory(originMs: number): MemorySample {
  const m = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  return {
    tSec: Math.round((performance.now() - originMs) / 100) / 10,
    rssMb: Math.round((m.rss / 2 ** 20) * 10) / 10,
    heapMb: Math.round((m.heapUsed / 2 ** 20) * 10) / 10,
    handles: resources.length,
    timers: resources.filter((r) => r === 'Timeout').length,
  };
}

/** least-squares slope of y over x (units of y per unit of x); 0 for fewer than 2 points */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Trend of one field after warm-up. For the heap, the floor of each 30 s window (what survives
 * GC) is fitted, not every sample: the sawtooth between collections is not growth.
 */
export function trend(
  samples: readonly MemorySample[],
  warmupSec: number,
  field: keyof MemorySample,
  floorWindowSec = 0,
): Trend {
  const after = samples.filter((s) => s.tSec >= warmupSec);
  let pts: Array<[number, number]> = after.map((s) => [s.tSec, s[field]]);
  if (floorWindowSec > 0) {
    const floors = new Map<number, [number, number]>();
    for (const [t, v] of pts) {
      const w = Math.floor(t / floorWindowSec);
      const cur = floors.get(w);
      if (cur === undefined || v < cur[1]) floors.set(w, [t, v]);
    }
    pts = [...floors.values()];
  }
  const values = after.map((s) => s[field]);
  return {
    perHour: Math.round(slope(pts) * 3600 * 10) / 10,
    first: values[0] ?? 0,
    last: values[values.length - 1] ?? 0,
    max: values.length === 0 ? 0 : Math.max(...values),
  };
}
