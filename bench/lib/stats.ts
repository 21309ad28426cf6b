// Small statistics helpers: latency percentiles, medians of repeated measurements.

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** nearest-rank p50 / p99 / max of the first `n` samples (ms); sorts a copy once */
export function summarize(samples: Float64Array, n: number): LatencySummary {
  if (n === 0) return { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN };
  const sorted = samples.slice(0, n).sort();
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  return { p50Ms: at(50), p99Ms: at(99), maxMs: sorted[n - 1]! };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function worst(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}
