// One op at one depth: floor and client phases alternated (floor, client, floor, client, ...) so
// machine noise hits both; the ratio is median client ops/s over median floor ops/s. The server's
// own CPU (another process) is sampled around each phase to show how busy it was.
import { runClient } from './client-loop.ts';
import type { BenchContext } from './context.ts';
import { runFloor } from './floor.ts';
import type { BenchOp, HeaderVersion } from './keys.ts';
import { maxOpsFor, type PhaseResult } from './phase.ts';
import { median } from './stats.ts';

export interface SidedPhase extends PhaseResult {
  /** server CPU time / wall time during the phase (1 = one core busy) */
  serverCpuShare: number;
  serverCpuUsPerOp: number;
}

export interface ThroughputResult {
  headerVersion: HeaderVersion;
  op: BenchOp;
  depth: number;
  durationMs: number;
  client: SidedPhase[];
  floor: SidedPhase[];
  summary: {
    clientOpsPerSec: number;
    floorOpsPerSec: number;
    /** client ops/s ÷ floor ops/s */
    ratio: number;
    /** client CPU µs/op ÷ floor CPU µs/op */
    cpuRatio: number;
    clientCpuUsPerOp: number;
    floorCpuUsPerOp: number;
    clientCpuUserUsPerOp: number;
    /** what the client adds over the floor, per op: client CPU minus floor CPU */
    clientOverheadUsPerOp: number;
    floorCpuUserUsPerOp: number;
    clientP50Ms: number;
    clientP99Ms: number;
    floorP50Ms: number;
    floorP99Ms: number;
    serverCpuShareClient: number;
    serverCpuShareFloor: number;
    errors: number;
  };
}

async function withServerCpu(ctx: BenchContext, run: () => Promise<PhaseResult>): Promise<SidedPhase> {
  const before = await ctx.server.cpu();
  const r = await run();
  const after = await ctx.server.cpu();
  const serverUs = after.user + after.system - before.user - before.system;
  return {
    ...r,
    serverCpuShare: serverUs / ((after.at - before.at) * 1000),
    serverCpuUsPerOp: serverUs / r.ops,
  };
}

export async function measureThroughput(
  ctx: BenchContext,
  op: BenchOp,
  depth: number,
  durationMs: number,
  rounds: number,
  /** a fixed number of calls per phase instead of what durationMs allows (durationMs stays a cap) */
  calls?: number,
): Promise<ThroughputResult> {
  const limits = { depth, durationMs, maxOps: calls ?? maxOpsFor(durationMs) };
  const client: SidedPhase[] = [];
  const floor: SidedPhase[] = [];
  for (let r = 0; r < rounds; r++) {
    floor.push(await withServerCpu(ctx, () => runFloor(ctx.floor[op], limits)));
    client.push(await withServerCpu(ctx, () => runClient(ctx.table, op, ctx.keys, ctx.value, limits)));
  }
  const m = (xs: SidedPhase[], f: (p: SidedPhase) => number) => median(xs.map(f));
  const clientOpsPerSec = m(client, (p) => p.opsPerSec);
  const floorOpsPerSec = m(floor, (p) => p.opsPerSec);
  const clientCpu = m(client, (p) => p.cpuUsPerOp);
  const floorCpu = m(floor, (p) => p.cpuUsPerOp);
  return {
    headerVersion: ctx.headerVersion,
    op,
    depth,
    durationMs,
    client,
    floor,
    summary: {
      clientOpsPerSec,
      floorOpsPerSec,
      ratio: clientOpsPerSec / floorOpsPerSec,
      cpuRatio: clientCpu / floorCpu,
      clientCpuUsPerOp: clientCpu,
      floorCpuUsPerOp: floorCpu,
      clientCpuUserUsPerOp: m(client, (p) => p.cpuUserUsPerOp),
      clientOverheadUsPerOp: clientCpu - floorCpu,
      floorCpuUserUsPerOp: m(floor, (p) => p.cpuUserUsPerOp),
      clientP50Ms: m(client, (p) => p.p50Ms),
      clientP99Ms: m(client, (p) => p.p99Ms),
      floorP50Ms: m(floor, (p) => p.p50Ms),
      floorP99Ms: m(floor, (p) => p.p99Ms),
      serverCpuShareClient: m(client, (p) => p.serverCpuShare),
      serverCpuShareFloor: m(floor, (p) => p.serverCpuShare),
      errors: [...client, ...floor].reduce((n, p) => n + p.errors, 0),
    },
  };
}

/** untimed runs of both loops so JIT warm-up is not charged to whichever runs first */
export async function warmUp(
  ctx: BenchContext,
  op: BenchOp,
  depth: number,
  durationMs: number,
  calls?: number,
): Promise<void> {
  const limits = { depth, durationMs, maxOps: calls ?? maxOpsFor(durationMs) };
  await runFloor(ctx.floor[op], limits);
  await runClient(ctx.table, op, ctx.keys, ctx.value, limits);
}
