// checkAndMutate under faults: the safety property of properties/simulation-safety.test.ts over
// workloads that also run checkAndMutate ("overwrite the value if it exists") on the same register
// as set / del / get.
//
// Property. For every scenario S as in simulation-safety, with calls drawn from get, set, del, incr,
// ttl, check-and-set and check-and-mutate, R = run(S) satisfies every invariant of that property,
// and in particular (linearizable): the completed single-key operations, check-and-mutate included,
// have a linearization against the register model, where a check-and-mutate that failed may have
// been applied at most once, anywhere after its invocation, or not at all (it is never resent after
// an ambiguous outcome: at most once), and one that succeeded or answered "check failed" took effect
// exactly as answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runScenario } from '../sim/scenario.ts';
import { OPS_WITH_CAM, scenarioSpec } from './scenario-arbitraries.ts';
import { assertScenarioProperty } from './trace-files.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 120);

describe('simulation safety with checkAndMutate', () => {
  it(`holds on ${RUNS} random fault schedules (seed ${SEED})`, () => {
    assertScenarioProperty('simulation-safety', scenarioSpec({ ops: OPS_WITH_CAM }), {
      seed: SEED,
      numRuns: RUNS,
    });
  });

  it('reaches every outcome of checkAndMutate: applied, check failed, and unknown', () => {
    const seen = new Set<string>();
    for (const spec of fc.sample(scenarioSpec({ ops: OPS_WITH_CAM }), { seed: SEED, numRuns: 40 })) {
      for (const c of runScenario(spec).calls) {
        if (c.op !== 'cam' || c.ok === null) continue;
        const error = (c.result as { error?: number } | undefined)?.error;
        seen.add(c.ok ? `answered ${error}` : c.outcomeUnknown ? 'unknown' : 'rejected');
      }
    }
    for (const outcome of ['answered 0', 'answered 13', 'unknown'])
      assert.ok(seen.has(outcome), `${outcome} never seen: ${[...seen]}`);
  });
});
