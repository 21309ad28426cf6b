// A client-only loop for profiling (the onebox runs in a child process, so the profile is the
// client's alone). The profiler runs only during the measured phase (node:inspector, after a
// warm-up), so start-up and module loading are not in it; the profile is written to
// /tmp/pegasus-prof and taken apart per call (bench/cpu-breakdown.ts).
//   npm run bench:profile -- [get|set] [ms] [depth]
//   npx tsx bench/profile-top.ts /tmp/pegasus-prof/<file>.cpuprofile --calls N   (functions and files)
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { numberArg, parseCli, usageError } from '../scripts/cli-args.ts';
import { breakdown, formatBreakdown, type Profile } from './cpu-breakdown.ts';
import { runClient } from './lib/client-loop.ts';
import { openContext } from './lib/context.ts';
import type { BenchOp } from './lib/keys.ts';
import { maxOpsFor } from './lib/phase.ts';

const USAGE = `usage: npm run bench:profile -- [get|set] [MS] [DEPTH] [--interval-us N]

Runs one client loop against a onebox in a child process, so the profile is the client's alone: a
warm-up, then get or set (default get) for MS ms (default 5000) with DEPTH calls in flight (default
64) under the V8 profiler (sampling every N µs, default 100). Writes the profile to
/tmp/pegasus-prof and prints where the time went, in µs per call, by category and by file.`;
const { values, positionals } = parseCli(USAGE, { 'interval-us': { type: 'string' } }, { positionals: 3 });
if (positionals[0] !== undefined && positionals[0] !== 'get' && positionals[0] !== 'set')
  usageError(USAGE, `the op must be get or set, got "${positionals[0]}"`);
const op: BenchOp = positionals[0] === 'set' ? 'set' : 'get';
const durationMs = numberArg(USAGE, 'MS', positionals[1], 1) ?? 5000;
const depth = numberArg(USAGE, 'DEPTH', positionals[2], 1) ?? 64;
const intervalUs = numberArg(USAGE, '--interval-us', values['interval-us'], 10) ?? 100;

const ctx = await openContext({ partitions: 8, replicas: 3, keyCount: 10_000, valueBytes: 100 });
const session = new Session();
session.connect();
try {
  const limits = { depth, durationMs, maxOps: maxOpsFor(durationMs) };
  if (op === 'get') await runClient(ctx.table, 'set', ctx.keys, ctx.value, { ...limits, durationMs: 500 });
  await runClient(ctx.table, op, ctx.keys, ctx.value, { ...limits, durationMs: 1000 }); // warm-up (JIT)
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  const r = await runClient(ctx.table, op, ctx.keys, ctx.value, limits);
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  mkdirSync('/tmp/pegasus-prof', { recursive: true });
  const file = `/tmp/pegasus-prof/client-${op}-${Date.now()}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  process.stdout.write(
    `${op} depth ${depth}: ${r.ops} calls, ${Math.round(r.opsPerSec)} ops/s, ${r.cpuUsPerOp.toFixed(1)} µs/op ` +
      `(user ${r.cpuUserUsPerOp.toFixed(1)}), p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms\n` +
      `profile: ${file}\n${formatBreakdown(breakdown(profile), r.ops)}`,
  );
} finally {
  session.disconnect();
  await ctx.close();
}
