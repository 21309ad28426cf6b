// What one measured phase (client or floor, one op, one depth) yields.
import type { LatencySummary } from './stats.ts';

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
