// A client-only loop for profiling (the onebox runs in a child process, so the profile is the
// client's alone):
//   node --cpu-prof --cpu-prof-dir=/tmp/pegasus-prof --import tsx bench/profile-client.ts [get|set] [ms] [depth]
//   npx tsx bench/profile-top.ts /tmp/pegasus-prof/<largest file>.cpuprofile   (the other one is tsx's loader thread)
import { numberArg, parseCli, usageError } from '../scripts/cli-args.ts';
import { runClient } from './lib/client-loop.ts';
import { openContext } from './lib/context.ts';
import type { BenchOp } from './lib/keys.ts';
import { maxOpsFor } from './lib/phase.ts';

const USAGE = `usage: npm run bench:profile -- [get|set] [MS] [DEPTH]

Runs one client loop against a onebox in a child process under node --cpu-prof, so the profile
(in /tmp/pegasus-prof) is the client's alone: get or set (default get) for MS ms (default 5000)
with DEPTH calls in flight (default 64). Summarise it with npx tsx bench/profile-top.ts <file>.`;
const { positionals } = parseCli(USAGE, {}, { positionals: 3 });
if (positionals[0] !== undefined && positionals[0] !== 'get' && positionals[0] !== 'set')
  usageError(USAGE, `the op must be get or set, got "${positionals[0]}"`);
const op: BenchOp = positionals[0] === 'set' ? 'set' : 'get';
const durationMs = numberArg(USAGE, 'MS', positionals[1], 1) ?? 5000;
const depth = numberArg(USAGE, 'DEPTH', positionals[2], 1) ?? 64;

const ctx = await openContext({ partitions: 8, replicas: 3, keyCount: 10_000, valueBytes: 100 });
try {
  const limits = { depth, durationMs, maxOps: maxOpsFor(durationMs) };
  if (op === 'get') await runClient(ctx.table, 'set', ctx.keys, ctx.value, { ...limits, durationMs: 500 });
  const r = await runClient(ctx.table, op, ctx.keys, ctx.value, limits);
  process.stdout.write(
    `${op} depth ${depth}: ${Math.round(r.opsPerSec)} ops/s, ${r.cpuUsPerOp.toFixed(1)} µs/op ` +
      `(user ${r.cpuUserUsPerOp.toFixed(1)}), p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms\n`,
  );
} finally {
  await ctx.close();
}
