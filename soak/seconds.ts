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

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export class SecondBuckets {
  private readonly rows = new Map<
    number,
    { issued: number; ok: number; failed: number; lat: number[]; faults: string[] }
  >();

  private row(ms: number) {
    const sec = Math.floor(ms / 1000);
    let r = this.rows.get(sec);
    if (r === undefined) {
      r = { issued: 0, ok: 0, failed: 0, lat: [], faults: [] };
      this.rows.set(sec, r);
    }
    return r;
  }

  issued(ms: number): void {
    this.row(ms).issued++;
  }

  settled(ms: number, latencyMs: number, ok: boolean, _code: string | null): void {
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
      const r = this.rows.get(sec) ?? { issued: 0, ok: 0, failed: 0, lat: [], faults: [] };
      const sorted = [...r.lat].sort((a, b) => a - b);
      const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
      out.push({
        sec,
        issued: r.issued,
        ok: r.ok,
        failed: r.failed,
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        maxMs: round(sorted.length === 0 ? null : sorted[sorted.length - 1]!),
        faults: r.faults,
      });
    }
    return out;
  }
}
