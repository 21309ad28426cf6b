// Command line of the exhaustive explorer (`npm run explore`, and `npm run explore:deep`; `npm run
// properties` runs the explorer from scripts/deep-properties.ts). See USAGE.
//
// This entry point is the one place in sim/ that touches the process (argv, stdout, exit code) and
// a wall clock (for the report and the time bound only); the exploration itself takes no time or
// randomness from it. (sim/ may not import scripts/cli-args.ts, hence the small parser here.)
import { explore } from './explorer.ts';
import { MUTANTS } from './mutants.ts';
import { replay } from './replay.ts';
import { formatResult } from './report.ts';
import { type ExploreScope, SCOPES } from './scope.ts';

const GROUPS: Record<string, string[]> = {
  'all-small': ['small', 'small-2p', 'small-late', 'small-topology', 'small-net-meta'],
  'all-large': ['large', 'large-2p', 'large-topology', 'large-net-meta'],
};

const USAGE = `usage: npm run explore -- [--scope NAME] [--max-states N] [--max-seconds N] [--faults N]
                           [--delays N] [--mutant NAME] [--replay "<choices>"]

Exhaustive exploration of a scope (sim/explore/scope.ts): every interleaving of deliveries, timer
instants and faults, each distinct state once. Prints per scope the distinct states, transitions,
terminal paths, max depth, time, states/s, and "no violation" or the violation with its replayable
choice sequence. Exit 1 on a violation or when a budget cut the search short.

  --scope NAME       ${[...Object.keys(SCOPES), ...Object.keys(GROUPS)].join(', ')}
                     (default all-small)
  --max-states N     stop after N distinct states (per scope)
  --max-seconds N    stop after N seconds of exploring (per scope; checked every few steps)
  --faults N         override the scope's fault budget per path
  --delays N         override the scope's late-stream budget per path
  --mutant NAME      explore with a planted machine bug: ${Object.keys(MUTANTS).join(', ')}
  --replay CHOICES   replay one choice sequence (as a violation prints it) and print its log
  --help             this text

npm run explore:deep explores the large scope up to 10^6 distinct states on worker threads.`;

const FLAGS = new Set(['scope', 'max-states', 'max-seconds', 'faults', 'delays', 'mutant', 'replay']);

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (!FLAGS.has(name)) usageError(`unknown argument "${a}"`);
    const value = argv[++i];
    if (value === undefined) usageError(`${a} needs a value`);
    out.set(name, value);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));

function count(name: string, min: number): number | undefined {
  const raw = args.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min)
    usageError(`--${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

function scopeNamed(name: string): ExploreScope {
  const make = SCOPES[name];
  if (make === undefined) usageError(`unknown scope ${name}`);
  const s = make();
  const faults = count('faults', 0);
  const delays = count('delays', 0);
  if (faults !== undefined) s.maxFaults = faults;
  if (delays !== undefined) s.maxDelays = delays;
  const mutant = args.get('mutant');
  if (mutant !== undefined) {
    const m = MUTANTS[mutant];
    if (m === undefined) usageError(`unknown mutant ${mutant}`);
    s.client = { ...s.client, machines: m() };
    s.name = `${s.name}+${mutant}`;
  }
  return s;
}

function main(): number {
  const name = args.get('scope') ?? 'all-small';
  const names = GROUPS[name] ?? [name];
  for (const n of names) if (SCOPES[n] === undefined) usageError(`unknown scope ${n}`);
  const path = args.get('replay');
  if (path !== undefined) {
    const r = replay(scopeNamed(names[0]!), path);
    for (const line of r.log) console.log(line);
    for (const v of r.violations) console.log(`VIOLATION ${v.invariant} at ${v.atMs} ms: ${v.detail}`);
    if (r.violations.length === 0)
      console.log(r.terminal ? 'no violation (terminal)' : 'no violation so far');
    return r.violations.length === 0 ? 0 : 1;
  }
  const maxStates = count('max-states', 1);
  const maxSeconds = count('max-seconds', 0);
  let status = 0;
  for (const scopeName of names) {
    const r = explore(scopeNamed(scopeName), {
      elapsedMs: () => performance.now(),
      ...(maxStates === undefined ? {} : { maxStates }),
      ...(maxSeconds === undefined ? {} : { maxElapsedMs: maxSeconds * 1000 }),
      onProgress: (s) =>
        console.log(`  ... ${s.states} states, ${s.transitions} transitions, ${s.elapsedMs | 0} ms`),
      progressEvery: 250_000,
    });
    console.log(formatResult(r));
    if (r.counterexample !== null || !r.complete) status = 1;
  }
  return status;
}

process.exitCode = main();
