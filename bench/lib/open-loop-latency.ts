// Open-loop latency of one op at each fixed rate: the floor, then the client, at the same rate
// (ascending rates), so both see the same offered load and the same machine.
import type { BenchContext } from './context.ts';
import { type FixedRateResult, runClientFixedRate, runFloorFixedRate } from './fixed-rate.ts';
import type { BenchOp, HeaderVersion } from './keys.ts';

const WARMUP_MS = 300;

export interface OpenLoopRow {
  headerVersion: HeaderVersion;
  op: BenchOp;
  /** percent of the client's measured saturation throughput (closed loop) */
  loadPercent: number;
  ratePerSec: number;
  durationMs: number;
  client: FixedRateResult;
  floor: FixedRateResult;
  /** client p99 ÷ floor p99 at this rate */
  p99Ratio: number;
}

export async function measureOpenLoop(
  ctx: BenchContext,
  op: BenchOp,
  saturationPerSec: number,
  loadsPercent: readonly number[],
  durationMs: number,
): Promise<OpenLoopRow[]> {
  const rows: OpenLoopRow[] = [];
  // untimed: JIT warm-up of both fixed-rate loops, so the first measured rate is not charged for it
  const warm = { ratePerSec: Math.max(1, Math.round(saturationPerSec / 4)), durationMs: WARMUP_MS };
  await runFloorFixedRate(ctx.floor[op], warm);
  await runClientFixedRate(ctx.table, op, ctx.keys, ctx.value, warm);
  for (const loadPercent of [...loadsPercent].sort((a, b) => a - b)) {
    const limits = {
      ratePerSec: Math.max(1, Math.round((saturationPerSec * loadPercent) / 100)),
      durationMs,
    };
    const floor = await runFloorFixedRate(ctx.floor[op], limits);
    const client = await runClientFixedRate(ctx.table, op, ctx.keys, ctx.value, limits);
    rows.push({
      headerVersion: ctx.headerVersion,
      op,
      loadPercent,
      ratePerSec: limits.ratePerSec,
      durationMs,
      client,
      floor,
      p99Ratio: client.p99Ms / floor.p99Ms,
    });
  }
  return rows;
}
