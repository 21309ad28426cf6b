// Command line of the exhaustive explorer (the coordinator wires `npm run properties` to it):
//   tsx sim/explore/cli.ts [--scope small|small-2p|small-late|small-topology|large|large-2p|
//                           large-topology|all-small|all-large]
//                          [--faults N] [--delays N] [--max-states N] [--mutant NAME]
//                          [--replay "<choices>"]
// Prints, per scope: distinct states, transitions, terminal paths, max depth, time, states/s, and
// either "no violation" or the violation with its replayable choice sequence. Exit code 1 on a
// violation or an incomplete search.
//
// This entry point is the one place in sim/ that touches the process (argv, stdout, exit code) and
// a wall clock (for the report only); the exploration itself takes no time or randomness from it.
import { explore } from './explorer.ts';
import { MUTANTS } from './mutants.ts';
import { replay } from './replay.ts';
import { formatResult } from './report.ts';
import { type ExploreScope, SCOPES } from './scope.ts';

const GROUPS: Record<string, string[]> = {
  'all-small': ['small', 'small-2p', 'small-late', 'small-topology'],
  'all-large': ['large', 'large-2p', 'large-topology'],
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function scopeNamed(name: string): ExploreScope {
  const make = SCOPES[name];
  if (make === undefined) throw new Error(`unknown scope ${name}; known: ${Object.keys(SCOPES).join(', ')}`);
  const s = make();
  const faults = arg('faults');
  const delays = arg('delays');
  if (faults !== undefined) s.maxFaults = Number(faults);
  if (delays !== undefined) s.maxDelays = Number(delays);
  const mutant = arg('mutant');
  if (mutant !== undefined) {
    const m = MUTANTS[mutant];
    if (m === undefined)
      throw new Error(`unknown mutant ${mutant}; known: ${Object.keys(MUTANTS).join(', ')}`);
    s.client = { ...s.client, machines: m() };
    s.name = `${s.name}+${mutant}`;
  }
  return s;
}

function main(): number {
  const name = arg('scope') ?? 'all-small';
  const path = arg('replay');
  if (path !== undefined) {
    const r = replay(scopeNamed(name), path);
    for (const line of r.log) console.log(line);
    for (const v of r.violations) console.log(`VIOLATION ${v.invariant} at ${v.atMs} ms: ${v.detail}`);
    if (r.violations.length === 0)
      console.log(r.terminal ? 'no violation (terminal)' : 'no violation so far');
    return r.violations.length === 0 ? 0 : 1;
  }
  const maxStates = arg('max-states');
  let status = 0;
  for (const scopeName of GROUPS[name] ?? [name]) {
    const r = explore(scopeNamed(scopeName), {
      elapsedMs: () => performance.now(),
      ...(maxStates === undefined ? {} : { maxStates: Number(maxStates) }),
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
