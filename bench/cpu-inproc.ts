// The client's own CPU per call, end to end through the public Table API (validation, plan, promise,
// driver loop, core, encode, decode, settle), with the sockets replaced by an in-memory server: no
// kernel, no second process, so the figure barely moves with the load of a shared machine (the TCP
// bench's ratios swing by 2x under load). The server answers every request of a turn in one data
// event on the next turn (setImmediate), from a pre-encoded reply with its seqid patched; what that
// costs is measured alone and subtracted.
//   npx tsx bench/cpu-inproc.ts [--depth N] [--rounds N] [--ms MS]
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { NodeDriver } from '../client/node-driver.ts';
import { Table } from '../client/table.ts';
import { numberArg, parseCli } from '../scripts/cli-args.ts';
import { breakdown, formatBreakdown, type Profile } from './cpu-breakdown.ts';
import { runClient } from './lib/client-loop.ts';
import { type BenchOp, makeKeys } from './lib/keys.ts';
import { answer, MEM_META, MEM_VALUE, memNetwork, requestFrameOf } from './lib/mem-network.ts';
import { maxOpsFor } from './lib/phase.ts';

const USAGE = `usage: npx tsx bench/cpu-inproc.ts [--depth N] [--rounds N] [--ms MS] [--calls N] [--profile]

The client's CPU per call through the public API with an in-memory server instead of sockets (no
kernel, no other process): get and set of 100 B values, DEPTH calls in flight (default 64), ROUNDS
phases of MS ms each (defaults 7 and 500); prints the median µs of CPU per call, the in-memory
server's own share (measured alone) already subtracted. --calls N: rounds of N calls each instead
of MS ms (the warm-ups N/2). --profile: the rounds run under the V8
profiler, and where their time went is printed per call (bench/cpu-breakdown.ts).`;
const { values } = parseCli(USAGE, {
  depth: { type: 'string' },
  rounds: { type: 'string' },
  ms: { type: 'string' },
  profile: { type: 'boolean' },
  calls: { type: 'string' },
});
const depth = numberArg(USAGE, '--depth', values.depth, 1, 4096) ?? 64;
const rounds = numberArg(USAGE, '--rounds', values.rounds, 1, 101) ?? 7;
const phaseMs = numberArg(USAGE, '--ms', values.ms, 50) ?? 500;
/** a fixed number of calls per round (and half as many per warm-up) instead of a duration */
const fixedCalls = numberArg(USAGE, '--calls', values.calls, 1);

/** every call made (bench/cpu-alloc.ts divides by it) */
export let callsMade = 0;

/** what the in-memory server costs per call: answer() and one concat per DEPTH replies */
function serverUsPerCall(op: BenchOp): number {
  const frame = requestFrameOf(op === 'get' ? 'RPC_RRDB_RRDB_GET' : 'RPC_RRDB_RRDB_PUT');
  const n = 200_000;
  const run = () => {
    for (let i = 0; i < n; i += depth) {
      const out: Buffer[] = [];
      for (let j = 0; j < depth; j++) answer(frame, out);
      Buffer.concat(out);
    }
  };
  run();
  const cpu0 = process.cpuUsage();
  run();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

const session = new Session();
async function startProfile(): Promise<void> {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
async function stopProfile(): Promise<Profile> {
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();
  return profile;
}

const driver = new NodeDriver({ metaServers: [MEM_META] }, {}, memNetwork);
const opened = await driver.openTable('bench', 5000);
if (!opened.ok) throw new Error(`open failed: ${opened.failure.code}`);
const table = new Table(driver, 'bench', opened.appId, opened.partitionCount);
const keys = makeKeys(10_000, opened.partitionCount);
try {
  const limitsOf = (ms: number, calls: number | undefined) =>
    calls === undefined
      ? { depth, durationMs: ms, maxOps: maxOpsFor(ms) }
      : { depth, durationMs: 600_000, maxOps: Math.max(depth, Math.round(calls)) };
  const run = async (op: BenchOp, limits: ReturnType<typeof limitsOf>) => {
    const r = await runClient(table, op, keys, MEM_VALUE, limits);
    if (r.errors > 0) throw new Error(`${r.errors} ${op} calls failed`);
    callsMade += r.ops;
    return r;
  };
  const warmCalls = fixedCalls === undefined ? undefined : fixedCalls / 2;
  await run('set', limitsOf(300, warmCalls)); // every key exists
  for (const op of ['get', 'set'] as const) {
    await run(op, limitsOf(500, warmCalls)); // warm-up (JIT)
    const server = serverUsPerCall(op);
    const totals: number[] = [];
    let calls = 0;
    if (values.profile === true) await startProfile();
    for (let i = 0; i < rounds; i++) {
      const r = await run(op, limitsOf(phaseMs, fixedCalls));
      totals.push(r.cpuUsPerOp);
      calls += r.ops;
    }
    if (values.profile === true) {
      const profile = await stopProfile();
      mkdirSync('/tmp/pegasus-prof', { recursive: true });
      const file = `/tmp/pegasus-prof/inproc-${op}-${Date.now()}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      process.stdout.write(`profile: ${file}\n${formatBreakdown(breakdown(profile), calls)}`);
    }
    totals.sort((a, b) => a - b);
    const total = totals[totals.length >> 1]!;
    process.stdout.write(
      `${op} depth ${depth}: client ${(total - server).toFixed(2)} µs CPU per call ` +
        `(median of ${rounds} rounds of ${fixedCalls === undefined ? `${phaseMs} ms` : `${fixedCalls} calls`}: ${total.toFixed(2)} with the in-memory server, whose own share is ${server.toFixed(2)})\n`,
    );
  }
} finally {
  await driver.close();
}
