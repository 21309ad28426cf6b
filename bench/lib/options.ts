// Command-line options of `npm run bench`. A full run takes ~3.5 min; --quick ~40 s.
import { parseArgs } from 'node:util';
import type { FailoverOptions } from './failover.ts';
import { BENCH_OPS, type BenchOp, type HeaderVersion } from './keys.ts';

export interface BenchOptions {
  quick: boolean;
  ops: BenchOp[];
  /** header versions, each with its own client and floor frames; the first sets the open-loop rates */
  headers: HeaderVersion[];
  /** pipelining depth of the saturation figures */
  depth: number;
  /** length of one measured saturation phase (one loop, one op) */
  durationMs: number;
  /** floor/client pairs per op at the saturation depth */
  rounds: number;
  warmupMs: number;
  /** other depths, one pair each with half-length phases */
  sweep: number[];
  /** open-loop arrival rates, percent of the client's measured saturation */
  loadsPercent: number[];
  /** length of one open-loop phase */
  openMs: number;
  /** calls pending in the memory measurement, 0 to skip it */
  memoryCalls: number;
  partitions: number;
  replicas: number;
  keyCount: number;
  valueBytes: number;
  failover: FailoverOptions;
  out: string;
  plot: string;
  /** redraw the plot and tables from this results file instead of measuring */
  render: string | null;
}

export const USAGE = `usage: npm run bench -- [options]   (or: npx tsx bench/run.ts [options])
For get, set and multiGet (10 sort keys), header v1 and v0, on one onebox in a child process:
saturation (closed loop) of the client and of the raw-wire floor, open-loop latency at fixed
rates, memory per 10k calls in flight, and the failover scenario. ~3.5 min; --quick ~40 s.
  --quick               smoke run (0.5 s phases, 1 round, no sweep, 1 failover run)
  --ops LIST            get,set,multiGet (default all three)
  --headers LIST        request header versions, 1,0 (default both; the first sets the open-loop rates)
  --duration-ms MS      length of one saturation phase (default 2000; quick 500)
  --rounds N            floor/client pairs per op at the saturation depth (default 3; quick 1)
  --depth N             calls in flight in the saturation phases (default 64)
  --sweep LIST          other depths, comma-separated (default none)
  --loads LIST          open-loop rates in percent of saturation (default 25,50,75)
  --open-ms MS          length of one open-loop phase (default 2000; quick 500)
  --memory-calls N      calls pending in the memory measurement, 0 to skip (default 10000)
  --failover-runs N     repeated runs of the failover scenario, 0 to skip (default 5; quick 1)
  --detect-ms MS        onebox failure detection in the failover runs (default 1500)
  --hang-ms MS          silence before the crash of the core dump (default 1000)
  --out FILE            JSON results (default bench/results/latest.json)
  --plot FILE           SVG plot of the open-loop latencies (default: --out with .svg)
  --render FILE         no measuring: print the tables of a results file and redraw its plot
Environment: PEGASUS_BENCH_PLANT_US=N adds a busy loop of N µs to every client call (guard proof).`;

function int(v: string | undefined, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

function list(v: string | undefined, fallback: string): string[] {
  return (v ?? fallback).split(',').filter((s) => s !== '');
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      ops: { type: 'string' },
      headers: { type: 'string' },
      'duration-ms': { type: 'string' },
      rounds: { type: 'string' },
      depth: { type: 'string' },
      sweep: { type: 'string' },
      loads: { type: 'string' },
      'open-ms': { type: 'string' },
      'memory-calls': { type: 'string' },
      'failover-runs': { type: 'string' },
      'detect-ms': { type: 'string' },
      'hang-ms': { type: 'string' },
      out: { type: 'string' },
      plot: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (v.help === true) return 'help';
  const quick = v.quick === true;
  const ops = list(v.ops, BENCH_OPS.join(','));
  for (const op of ops)
    if (!(BENCH_OPS as readonly string[]).includes(op)) throw new Error(`--ops: unknown op ${op}`);
  const headers = list(v.headers, '1,0').map((s) => {
    if (s !== '0' && s !== '1') throw new Error(`--headers: a header version is 0 or 1, got ${s}`);
    return Number(s) as HeaderVersion;
  });
  const durationMs = int(v['duration-ms'], 'duration-ms', quick ? 500 : 2000, 100);
  const loadsPercent = list(v.loads, '25,50,75').map((s) => int(s, 'loads', 0, 1));
  if (loadsPercent.some((p) => p > 200)) throw new Error('--loads: at most 200 (% of saturation)');
  const out = v.out ?? v.render ?? 'bench/results/latest.json';
  return {
    quick,
    ops: ops as BenchOp[],
    headers,
    depth: int(v.depth, 'depth', 64, 1),
    durationMs,
    rounds: int(v.rounds, 'rounds', quick ? 1 : 3, 1),
    warmupMs: Math.min(1000, Math.ceil(durationMs / 3)),
    sweep: list(v.sweep, '').map((s) => int(s, 'sweep', 0, 1)),
    loadsPercent,
    openMs: int(v['open-ms'], 'open-ms', quick ? 500 : 2000, 100),
    memoryCalls: int(v['memory-calls'], 'memory-calls', 10_000),
    partitions: 8,
    replicas: 3,
    keyCount: 10_000,
    valueBytes: 100,
    failover: {
      runs: int(v['failover-runs'], 'failover-runs', quick ? 1 : 5),
      detectMs: int(v['detect-ms'], 'detect-ms', 1500, 1),
      hangMs: int(v['hang-ms'], 'hang-ms', 1000),
      partitions: 4,
      ratePerSec: 200,
      timeoutMs: 2000,
      faultAtMs: 1000,
      afterMs: 800,
    },
    out,
    plot: v.plot ?? `${out.replace(/\.json$/, '')}.svg`,
    render: v.render ?? null,
  };
}
