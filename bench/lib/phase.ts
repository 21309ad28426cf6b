// What one measured phase (client or floor, one op, one depth) yields.
import { type LatencySummary, summarize } from './stats.ts';

export interface PhaseResult extends LatencySummary {
  ops: number;
  errors: number;
  elapsedMs: number;
  opsPerSec: number;
  /** this process's CPU time (user + system, all threads) during the phase, per completed op */
  cpuUsPerOp: number;
  /** the user-mode part: JavaScript and Node; the rest is mostly the kernel's loopback TCP work */
  cpuUserUsPerOp: number;
}

export interface PhaseLimits {
  depth: number;
  durationMs: number;
  /** hard cap on ops (also sizes the latency buffer) */
  maxOps: number;
}

/** ops capacity for a duration: generous for a 2-core loopback run, bounded in memory (8 B/op) */
export function maxOpsFor(durationMs: number): number {
  return Math.min(8_000_000, Math.max(10_000, Math.ceil(durationMs * 1000)));
}

/** a phase's figures from its counts, its CPU usage and the first `samples` latencies (ms) */
export function phaseResult(
  done: number,
  errors: number,
  elapsedMs: number,
  cpu: NodeJS.CpuUsage,
  latencies: Float64Array,
  samples: number,
): PhaseResult {
  return {
    ops: done,
    errors,
    elapsedMs,
    opsPerSec: (done / elapsedMs) * 1000,
    cpuUsPerOp: (cpu.user + cpu.system) / done,
    cpuUserUsPerOp: cpu.user / done,
    ...summarize(latencies, samples),
  };
}
