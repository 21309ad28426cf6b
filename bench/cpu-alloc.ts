// Bytes allocated per call: runs bench/core-only.ts (the core alone) or bench/cpu-inproc.ts (the
// whole client through its public API, over an in-memory server whose own allocations are left out)
// under V8's sampling heap profiler, counting objects later collected too, and prints the bytes per
// call by allocating function (and its caller). Garbage collection is a fifth of the client's CPU
// profile; this says where the garbage comes from, in a figure the machine's load does not move.
// `npx tsx bench/cpu-alloc.ts [core|client] [TOP]`
import { Session } from 'node:inspector/promises';
import { numberArg, parseCli, usageError } from '../scripts/cli-args.ts';

const USAGE = `usage: npx tsx bench/cpu-alloc.ts [core|client] [TOP]

Runs bench/core-only.ts (core, the default: get and set, one round each) or bench/cpu-inproc.ts
(client: the public API over an in-memory server, 20k calls of get and of set after warm-ups)
under the sampling heap profiler (including objects collected since) and prints the bytes
allocated per call: in total and by the TOP (default 30) allocating functions with their callers.`;
const { positionals } = parseCli(USAGE, {}, { positionals: 2 });
const mode = positionals[0] ?? 'core';
if (mode !== 'core' && mode !== 'client') usageError(USAGE, `the mode must be core or client, got "${mode}"`);
const top = numberArg(USAGE, 'TOP', positionals[1], 1) ?? 30;

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
let calls: number;
if (mode === 'core') {
  process.argv.splice(2, process.argv.length, '--rounds', '1', '--depth', '64');
  await import('./core-only.ts');
  // core-only.ts: per op, a 20k-call warm-up and one round of ceil(50k / 64) * 64 calls
  calls = 2 * (20_000 + Math.ceil(50_000 / 64) * 64);
} else {
  process.argv.splice(2, process.argv.length, '--rounds', '1', '--calls', '20000');
  calls = (await import('./cpu-inproc.ts')).callsMade;
}
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
session.disconnect();

const bySite = new Map<string, number>();
let total = 0;
const name = (n: HeapNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(core|client|machines|bench|node_modules)\//, '$1/')}`;
// the in-memory server's replies (answer(), and the concatenation of a turn's replies) are not the client's
const isServer = (n: HeapNode) =>
  n.callFrame.url.endsWith('bench/cpu-inproc.ts') &&
  (n.callFrame.functionName === 'answer' || n.callFrame.functionName === 'serverUsPerCall');
const isServerConcat = (n: HeapNode, caller: HeapNode | null) =>
  n.callFrame.functionName === 'concat' && caller?.callFrame.functionName === 'deliver';
const walk = (n: HeapNode, caller: string, parent: HeapNode | null = null) => {
  if (isServer(n) || isServerConcat(n, parent)) return;
  const self = name(n);
  total += n.selfSize;
  const k = `${self}  <- ${caller}`;
  bySite.set(k, (bySite.get(k) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, self, n);
};
walk(profile.head, '');
process.stdout.write(
  `${mode}: allocated ${(total / calls).toFixed(0)} bytes per call (module loading included)\n`,
);
for (const [k, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${(bytes / calls).toFixed(0).padStart(6)}  ${k}\n`);
