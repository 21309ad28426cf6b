// npm run properties [-- --minutes N] [--property NAME] [--explore-states N]
// The deep search: the scenario properties over fresh random seeds until the time budget is spent,
// then the exhaustive explorer on the larger scope (2 faults and a held stream) up to a state budget.
// Every seed is printed before it runs, so any run can be repeated with PROPERTY_SEED=<seed>;
// a failure saves its counterexample under traces/ (see traces/README.md) and exits 1.
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { scanScenarioSpec } from '../properties/scan-arbitraries.ts';
import {
  hedgedScenarioSpec,
  hungPrimarySpec,
  OPS_WITH_CAM,
  scenarioSpec,
  singleFailoverSpec,
  topologySpec,
} from '../properties/scenario-arbitraries.ts';
import { assertScenarioProperty } from '../properties/trace-files.ts';
import { explore } from '../sim/explore/explorer.ts';
import { formatResult } from '../sim/explore/report.ts';
import { largeNetworkMetaScope, largeScope, largeTopologyScope } from '../sim/explore/scope.ts';
import { runScanScenario, type ScanScenarioSpec } from '../sim/scan-scenario.ts';
import type { ScenarioSpec } from '../sim/scenario.ts';
import { numberArg, parseCli, usageError } from './cli-args.ts';

const SCANS = 'simulation-scans';
const SEARCHES: Array<{
  property:
    | 'simulation-safety'
    | 'transparent-failover'
    | 'convergence-and-load'
    | 'hedged-reads'
    | 'hedged-hang'
    | 'topology';
  arb: () => fc.Arbitrary<ScenarioSpec>;
}> = [
  { property: 'simulation-safety', arb: () => scenarioSpec({ maxCalls: 20, maxFaults: 5, horizonMs: 5000 }) },
  {
    property: 'simulation-safety',
    arb: () => scenarioSpec({ maxCalls: 20, maxFaults: 5, horizonMs: 5000, ops: OPS_WITH_CAM }),
  },
  { property: 'transparent-failover', arb: () => singleFailoverSpec() },
  {
    property: 'convergence-and-load',
    arb: () => scenarioSpec({ maxFaults: 5 }).map((s) => ({ ...s, probeMs: 1500 })),
  },
  { property: 'topology', arb: () => topologySpec({ maxCalls: 20 }) },
  { property: 'hedged-reads', arb: () => hedgedScenarioSpec({ maxFaults: 5 }) },
  { property: 'hedged-hang', arb: () => hungPrimarySpec() },
];

const USAGE = `usage: npm run properties -- [--minutes N] [--property NAME] [--batch N] [--explore-states N]

The deep property search: the simulation properties over fresh random seeds until the time is spent,
then the exhaustive explorer on the larger scope up to a state budget. Every seed is printed, so a run
can be repeated with PROPERTY_SEED=<seed>; a counterexample is saved under traces/ and exits 1.

  --minutes N          time budget of the whole run, search and exploration together (default 5);
                       the run ends within it plus a few seconds of start-up and reporting
  --property NAME      only this property: ${[...new Set([...SEARCHES.map((s) => s.property), SCANS])].join(', ')}
                       (and no exploration)
  --batch N            scenarios per seed (default 500)
  --explore-states N   state budget of the exhaustive explorer, 0 to skip it (default 300000)
  --help               this text`;

const { values } = parseCli(USAGE, {
  minutes: { type: 'string' },
  property: { type: 'string' },
  batch: { type: 'string' },
  'explore-states': { type: 'string' },
});
const minutes = numberArg(USAGE, '--minutes', values.minutes, 0) ?? 5;
const only = values.property;
if (only !== undefined && only !== SCANS && !SEARCHES.some((s) => s.property === only))
  usageError(USAGE, `--property: unknown property "${only}"`);
const batch = numberArg(USAGE, '--batch', values.batch, 1) ?? 500;
const exploreStates = numberArg(USAGE, '--explore-states', values['explore-states'], 0) ?? 300_000;
const exploring = exploreStates > 0 && only === undefined;

/**
 * One batch of scan scenarios (properties/simulation-scans.test.ts) at a fresh seed; a counterexample
 * is saved as its spec (traces/scans/simulation-scans-seed<N>.json, replayed by tests/scan-traces.test.ts).
 */
function searchScans(n: number, limitMs: number): number {
  const seed = randomInt(1, 2 ** 31 - 1);
  console.log(
    `${SCANS}: seed ${seed} (repeat: PROPERTY_SEED=${seed} npx tsx --test properties/simulation-scans.test.ts)`,
  );
  const t0 = performance.now();
  let failing: ScanScenarioSpec | null = null;
  const details = fc.check(
    fc.property(scanScenarioSpec({ maxFaults: 5 }), (spec) => {
      const ok = runScanScenario(spec).violations.length === 0;
      if (!ok) failing = spec;
      return ok;
    }),
    // a batch stops at the deadline, like the other searches
    { seed, numRuns: n, endOnFailure: true, interruptAfterTimeLimit: Math.max(1, limitMs) },
  );
  if (details.failed) {
    const file = `traces/scans/${SCANS}-seed${seed}.json`;
    const violations = runScanScenario(failing!).violations;
    const found = {
      description: `found by npm run properties at seed ${seed}`,
      property: violations[0]?.property,
      spec: failing,
    };
    writeFileSync(file, `${JSON.stringify(found, null, 2)}\n`);
    throw new Error(
      `${SCANS}: counterexample at seed ${seed}, saved to ${file}: ${JSON.stringify(runScanScenario(failing!).violations)}`,
    );
  }
  const ran = details.numRuns;
  console.log(
    `  ${ran} scenarios passed, ${((ran / (performance.now() - t0)) * 1000).toFixed(0)} scenarios/s`,
  );
  return ran;
}
const started = performance.now();
// one bound for the whole run: three quarters for the random search when the explorer runs after it
const endOfRun = started + minutes * 60_000;
const deadline = started + minutes * 60_000 * (exploring ? 0.75 : 1);
let scenarios = 0;
console.log(`deep property search for ${minutes} min, batches of ${batch} scenarios`);
try {
  while (performance.now() < deadline) {
    for (const s of SEARCHES) {
      if (only !== undefined && s.property !== only) continue;
      if (performance.now() >= deadline) break;
      const seed = randomInt(1, 2 ** 31 - 1);
      console.log(`${s.property}: seed ${seed} (repeat: PROPERTY_SEED=${seed})`);
      const t0 = performance.now();
      // a batch stops at the deadline, so the bound holds whatever the batch size
      const ran = assertScenarioProperty(s.property, s.arb(), {
        seed,
        numRuns: batch,
        interruptAfterTimeLimit: Math.max(1, deadline - performance.now()),
      });
      scenarios += ran;
      const perSec = (ran / (performance.now() - t0)) * 1000;
      console.log(`  ${ran} scenarios passed, ${perSec.toFixed(0)} scenarios/s`);
    }
    if ((only === undefined || only === SCANS) && performance.now() < deadline) {
      scenarios += searchScans(batch, deadline - performance.now());
    }
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
const secs = (performance.now() - started) / 1000;
console.log(
  `random search done: ${scenarios} scenarios in ${secs.toFixed(0)} s (${(scenarios / secs).toFixed(0)} scenarios/s on one core), no counterexample`,
);

// The larger exhaustive scope does not finish in reasonable time (over 4 million states); explore a
// budget of it. A cut-short search is reported as such, not as a pass of the whole scope.
if (exploring) {
  // the topology scope (splits, drops, recreates, leader changes) and the network-and-meta scope
  // (client-link partitions, leader changes, meta down) get a quarter of the budget each, and of
  // the time: every exploration ends by the end of the run
  const quarter = Math.floor(exploreStates / 4);
  const scopes = [
    [largeScope(), exploreStates - 2 * quarter, 1 / 2],
    [largeTopologyScope(), quarter, 1 / 2],
    [largeNetworkMetaScope(), quarter, 1],
  ] as const;
  for (const [scope, budget, shareOfTimeLeft] of scopes) {
    const t0 = performance.now();
    const maxElapsedMs = Math.max(0, (endOfRun - t0) * shareOfTimeLeft);
    const r = explore(scope, { maxStates: budget, maxElapsedMs, elapsedMs: () => performance.now() - t0 });
    console.log(formatResult(r));
    if (r.counterexample !== null) process.exit(1);
    if (!r.complete) {
      const by =
        r.states >= budget ? 'the state budget' : `the time bound (${Math.round(maxElapsedMs / 1000)} s)`;
      console.log(
        `(${scope.name} scope cut short at ${r.states} states by ${by}; no violation in what was explored)`,
      );
    }
  }
}
