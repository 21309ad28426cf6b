// Command-line options of `npm run bench`. A full run takes ~1.5 min; --quick ~20 s.
import { parseArgs } from 'node:util';
import type { FailoverOptions } from './failover.ts';
import type { BenchOp } from './keys.ts';

export interface BenchOptions {
  quick: boolean;
  ops: BenchOp[];
  /** pipelining depth of the headline numbers */
  depth: number;
  /** length of one measured phase (one loop, one op) */
  durationMs: number;
  /** floor/client pairs per op at the headline depth */
  rounds: number;
  warmupMs: number;
  /** other depths, one pair each with half-length phases */
  sweep: number[];
  partitions: number;
  replicas: number;
  keyCount: number;
  valueBytes: number;
  failover: FailoverOptions;
  out: string;
}

export const USAGE = `usage: npm run bench -- [options]   (or: npx tsx bench/run.ts [options])
  --quick               ~20 s smoke run (1 s phases, 1 round, no sweep, 2 failover runs)
  --duration-ms MS      length of one measured phase (default 3000; quick 1000)
  --rounds N            floor/client pairs per op at the headline depth (default 3; quick 1)
  --depth N             calls in flight at the headline depth (default 64)
  --sweep LIST          other depths, comma-separated, '' for none (default 1,16,256; quick none)
  --ops LIST            get,set (default both)
  --failover-runs N     repeated runs of the failover scenario, 0 to skip (default 5; quick 2)
  --detect-ms MS        onebox failure detection in the failover runs (default 1500)
  --hang-ms MS          silence before the crash of the core dump (default 1000)
  --out FILE            JSON results (default bench/results/latest.json)`;

function int(v: string | undefined, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      'duration-ms': { type: 'string' },
      rounds: { type: 'string' },
      depth: { type: 'string' },
      sweep: { type: 'string' },
      ops: { type: 'string' },
      'failover-runs': { type: 'string' },
      'detect-ms': { type: 'string' },
      'hang-ms': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (v.help === true) return 'help';
  const quick = v.quick === true;
  const ops = (v.ops ?? 'get,set').split(',').filter((s) => s !== '');
  for (const op of ops) if (op !== 'get' && op !== 'set') throw new Error(`--ops: unknown op ${op}`);
  const sweep = (v.sweep ?? (quick ? '' : '1,16,256'))
    .split(',')
    .filter((s) => s !== '')
    .map((s) => int(s, 'sweep', 0, 1));
  const durationMs = int(v['duration-ms'], 'duration-ms', quick ? 1000 : 3000, 100);
  return {
    quick,
    ops: ops as BenchOp[],
    depth: int(v.depth, 'depth', 64, 1),
    durationMs,
    rounds: int(v.rounds, 'rounds', quick ? 1 : 3, 1),
    warmupMs: Math.min(1000, Math.ceil(durationMs / 3)),
    sweep,
    partitions: 8,
    replicas: 3,
    keyCount: 10_000,
    valueBytes: 100,
    failover: {
      runs: int(v['failover-runs'], 'failover-runs', quick ? 2 : 5),
      detectMs: int(v['detect-ms'], 'detect-ms', 1500, 1),
      hangMs: int(v['hang-ms'], 'hang-ms', 1000),
      partitions: 4,
      ratePerSec: 200,
      timeoutMs: 2000,
      faultAtMs: 1000,
      afterMs: 800,
    },
    out: v.out ?? 'bench/results/latest.json',
  };
}
