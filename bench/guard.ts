// `npm run bench:guard`: the regression guard of tests/bench-guard.test.ts by hand, repeated to
// measure its noise (--runs), or with a planted slowdown to show it fails (--plant-us).
import { appendFileSync } from 'node:fs';
import { numberArg, parseCli } from '../scripts/cli-args.ts';
import { plantedSlowdownUs, plantSlowdown } from './lib/call.ts';
import { formatSamples, GUARD_BOUNDS, GUARD_DEFAULTS, guardFailures, measureGuard } from './lib/guard.ts';
import { loadAvg1m } from './lib/machine.ts';

const USAGE = `usage: npm run bench:guard -- [--runs N] [--plant-us US] [--calls N] [--pairs N] [--ndjson FILE] [--json]

Runs the benchmark regression guard (client ÷ floor CPU µs/call and ops/s for get and set, measured
side by side on a onebox child) N times (default 1) and prints each run's ratios and verdict against
the bounds in bench/lib/guard.ts. --plant-us adds a busy loop of US µs to every client call (as
PEGASUS_BENCH_PLANT_US does for the test), to show a slower client fails the guard. --ndjson appends
one JSON line per run. --json prints only the samples of one run as JSON (for the test, which judges
them itself). Exits 1 when any run fails the bounds.`;

const { values } = parseCli(USAGE, {
  runs: { type: 'string' },
  'plant-us': { type: 'string' },
  calls: { type: 'string' },
  pairs: { type: 'string' },
  ndjson: { type: 'string' },
  json: { type: 'boolean' },
});
const runs = numberArg(USAGE, '--runs', values.runs, 1) ?? 1;
const plantUs = numberArg(USAGE, '--plant-us', values['plant-us'], 0);
if (plantUs !== undefined) plantSlowdown(plantUs);
const o = {
  ...GUARD_DEFAULTS,
  calls: numberArg(USAGE, '--calls', values.calls, 100) ?? GUARD_DEFAULTS.calls,
  pairs: numberArg(USAGE, '--pairs', values.pairs, 1) ?? GUARD_DEFAULTS.pairs,
};

if (values.json === true) {
  process.stdout.write(`${JSON.stringify(await measureGuard(o))}\n`);
  process.exit(0);
}

let failed = 0;
for (let i = 0; i < runs; i++) {
  const load = loadAvg1m();
  const samples = await measureGuard(o);
  const failures = guardFailures(samples);
  if (failures.length > 0) failed++;
  process.stdout.write(
    `run ${i + 1}/${runs} (load ${load}): ${formatSamples(samples)} -> ${failures.length === 0 ? 'pass' : `FAIL: ${failures.join('; ')}`}\n`,
  );
  if (values.ndjson !== undefined)
    appendFileSync(
      values.ndjson,
      `${JSON.stringify({ at: new Date().toISOString(), load, plantUs: plantedSlowdownUs(), options: o, samples, failures })}\n`,
    );
}
process.stdout.write(`${runs - failed} of ${runs} passed; bounds ${JSON.stringify(GUARD_BOUNDS)}\n`);
if (failed > 0) process.exitCode = 1;
