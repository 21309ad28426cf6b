// Per-second figures of a run: calls started and settled, latency percentiles, errors, faults.

export interface SecondStats {
  sec: number;
  issued: number;
  ok: number;
  failed: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  faults: string[];
}

type Percentiles = Pick<SecondStats, 'p50Ms' | 'p99Ms' | 'maxMs'>;

interface Row {
  issued: number;
  ok: number;
  failed: number;
  /** latencies of the second while it is open; summarised (and dropped) once it is past */
  lat: number[];
  summary?: Percentiles;
  faults: string[];
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

function summarise(lat: readonly number[]): Percentiles {
  const sorted = [...lat].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.length === 0 ? null : sorted[sorted.length - 1]!),
  };
}

const emptyRow = (): Row => ({ issued: 0, ok: 0, failed: 0, lat: [], faults: [] });

export class SecondBuckets {
  private readonly rows = new Map<number, Row>();
  /** seconds not summarised yet, ascending (a late settle may open an older second: rare, summarised at the end) */
  private readonly open: number[] = [];

  private row(ms: number): Row {
    const sec = Math.floor(ms / 1000);
    let r = this.rows.get(sec);
    if (r === undefined) {
      r = emptyRow();
      this.rows.set(sec, r);
      // seconds before the last one are complete: keep their percentiles, not every latency (a
      // soak of hours must not grow its own heap)
      while (this.open.length > 0 && this.open[0]! <= sec - 2) {
        const past = this.rows.get(this.open.shift()!)!;
        past.summary = summarise(past.lat);
        past.lat = [];
      }
      this.open.push(sec);
    }
    return r;
  }

  issued(ms: number): void {
    this.row(ms).issued++;
  }

  settled(ms: number, latencyMs: number, ok: boolean): void {
    const r = this.row(ms);
    if (ok) r.ok++;
    else r.failed++;
    r.lat.push(latencyMs);
  }

  fault(ms: number, kind: string): void {
    this.row(ms).faults.push(kind);
  }

  /** calls settled per second over the last 5 whole seconds */
  recentRate(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let n = 0;
    for (let s = sec - 5; s < sec; s++) {
      const r = this.rows.get(s);
      if (r !== undefined) n += r.ok + r.failed;
    }
    return Math.round(n / 5);
  }

  all(): SecondStats[] {
    const secs = [...this.rows.keys()].sort((a, b) => a - b);
    const first = secs[0] ?? 0;
    const last = secs[secs.length - 1] ?? -1;
    const out: SecondStats[] = [];
    for (let sec = first; sec <= last; sec++) {
      const r = this.rows.get(sec) ?? emptyRow();
      out.push({
        sec,
        issued: r.issued,
        ok: r.ok,
        failed: r.failed,
        ...(r.summary ?? summarise(r.lat)),
        faults: r.faults,
      });
    }
    return out;
  }
}
