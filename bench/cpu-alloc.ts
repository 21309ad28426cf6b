// Bytes allocated per call in the sans-I/O core: runs bench/core-only.ts (one round of get and set)
// under V8's sampling heap profiler, counting objects later collected too, and prints the bytes per
// call by allocating function (and its caller). Garbage collection is a fifth of the client's CPU
// profile; this says where the garbage comes from. `npx tsx bench/cpu-alloc.ts [TOP]`
import { Session } from 'node:inspector/promises';
import { numberArg, parseCli } from '../scripts/cli-args.ts';

const USAGE = `usage: npx tsx bench/cpu-alloc.ts [TOP]

Runs bench/core-only.ts (get and set, one round each) under the sampling heap profiler (including
objects collected since) and prints the bytes allocated per call: in total and by the TOP (default
30) allocating functions with their callers.`;
const { positionals } = parseCli(USAGE, {}, { positionals: 1 });
const top = numberArg(USAGE, 'TOP', positionals[0], 1) ?? 30;

interface HeapNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapNode[];
}

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as never);
process.argv.splice(2, process.argv.length, '--rounds', '1', '--depth', '64');
await import('./core-only.ts');
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
session.disconnect();

// core-only.ts: per op, a 20k-call warm-up and one round of ceil(50k / 64) * 64 calls
const calls = 2 * (20_000 + Math.ceil(50_000 / 64) * 64);
const bySite = new Map<string, number>();
let total = 0;
const name = (n: HeapNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(core|client|machines|bench|node_modules)\//, '$1/')}`;
const walk = (n: HeapNode, caller: string) => {
  const self = name(n);
  total += n.selfSize;
  const k = `${self}  <- ${caller}`;
  bySite.set(k, (bySite.get(k) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, self);
};
walk(profile.head, '');
process.stdout.write(`allocated: ${(total / calls).toFixed(0)} bytes per call (module loading included)\n`);
for (const [k, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${(bytes / calls).toFixed(0).padStart(6)}  ${k}\n`);
