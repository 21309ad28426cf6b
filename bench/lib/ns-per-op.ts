// Timing a function in a tight loop, for the micro-benchmarks (executor, wire codec): double the
// iteration count until one pass takes calibrateMs, size a round to roundMs, then report the median
// ns per operation over `rounds` rounds.
export interface NsPerOpOptions {
  rounds: number;
  roundMs: number;
  calibrateMs: number;
  /** operations one call of `fn` performs */
  opsPerCall?: number;
}

export function nsPerOp(fn: () => void, o: NsPerOpOptions): number {
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > o.calibrateMs) {
      n = Math.max(1, Math.round((n * o.roundMs) / ms));
      break;
    }
    n *= 2;
  }
  const res: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    res.push(Number(process.hrtime.bigint() - t0) / (n * (o.opsPerCall ?? 1)));
  }
  res.sort((a, b) => a - b);
  return res[Math.floor(res.length / 2)]!;
}
