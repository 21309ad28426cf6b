// Client against the raw-wire floor, CPU per call and throughput, in many short alternated phases
// on one onebox: on a shared machine the load changes from second to second, and a ratio of
// neighbouring phases is steadier than either figure. Reports the median of the per-pair ratios.
//   npx tsx bench/cpu-ratio.ts [--pairs N] [--phase-ms MS] [--depth N] [--ops get,set]
import { numberArg, parseCli, usageError } from '../scripts/cli-args.ts';
import { runClient } from './lib/client-loop.ts';
import { openContext } from './lib/context.ts';
import { runFloor } from './lib/floor.ts';
import type { BenchOp } from './lib/keys.ts';
import { maxOpsFor, type PhaseResult } from './lib/phase.ts';

const USAGE = `usage: npx tsx bench/cpu-ratio.ts [--pairs N] [--phase-ms MS] [--depth N] [--ops get,set]

Alternates floor and client phases of MS ms (default 300), N pairs per op (default 15), DEPTH calls
in flight (default 64), against one onebox in a child process, and prints per op the median over
pairs of client/floor CPU µs per call and of client/floor ops/s (with their quartiles), beside the
median absolute figures.`;
const { values } = parseCli(USAGE, {
  pairs: { type: 'string' },
  'phase-ms': { type: 'string' },
  depth: { type: 'string' },
  ops: { type: 'string' },
});
const pairs = numberArg(USAGE, '--pairs', values.pairs, 1, 1000) ?? 15;
const phaseMs = numberArg(USAGE, '--phase-ms', values['phase-ms'], 50) ?? 300;
const depth = numberArg(USAGE, '--depth', values.depth, 1, 4096) ?? 64;
const ops = (values.ops ?? 'get,set').split(',') as BenchOp[];
for (const op of ops) if (op !== 'get' && op !== 'set') usageError(USAGE, `unknown op "${op}"`);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (xs: number[], digits = 2) =>
  `${quantile(xs, 0.5).toFixed(digits)} [${quantile(xs, 0.25).toFixed(digits)}-${quantile(xs, 0.75).toFixed(digits)}]`;

const ctx = await openContext({ partitions: 8, replicas: 3, keyCount: 10_000, valueBytes: 100 });
try {
  const limits = { depth, durationMs: phaseMs, maxOps: maxOpsFor(phaseMs) };
  await runClient(ctx.table, 'set', ctx.keys, ctx.value, { ...limits, durationMs: 500 }); // every key exists
  for (const op of ops) {
    await runClient(ctx.table, op, ctx.keys, ctx.value, { ...limits, durationMs: 500 }); // warm-up (JIT)
    await runFloor(ctx.floor[op], { ...limits, durationMs: 200 });
    const cpuRatio: number[] = [];
    const opsRatio: number[] = [];
    const clientCpu: number[] = [];
    const floorCpu: number[] = [];
    for (let i = 0; i < pairs; i++) {
      // alternate which goes first, so a trend in the load favours neither
      let floor: PhaseResult;
      let client: PhaseResult;
      if (i % 2 === 0) {
        floor = await runFloor(ctx.floor[op], limits);
        client = await runClient(ctx.table, op, ctx.keys, ctx.value, limits);
      } else {
        client = await runClient(ctx.table, op, ctx.keys, ctx.value, limits);
        floor = await runFloor(ctx.floor[op], limits);
      }
      cpuRatio.push(client.cpuUsPerOp / floor.cpuUsPerOp);
      opsRatio.push(client.opsPerSec / floor.opsPerSec);
      clientCpu.push(client.cpuUsPerOp);
      floorCpu.push(floor.cpuUsPerOp);
    }
    process.stdout.write(
      `${op} depth ${depth}, ${pairs} pairs of ${phaseMs} ms: CPU/call client/floor ${fmt(cpuRatio)}, ` +
        `ops/s client/floor ${fmt(opsRatio)}; CPU µs/call client ${fmt(clientCpu, 1)}, floor ${fmt(floorCpu, 1)}\n`,
    );
  }
} finally {
  await ctx.close();
}
