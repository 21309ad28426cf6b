// Safety of the real client core under random crash / restart / hang / core-dump / partition /
// slow / busy / meta-leader schedules, in the deterministic simulation (sim/scenario.ts).
//
// Property. For every scenario S = (seed, 1..3 metas, 3 replicas, 1|2|4 partitions, up to 12 calls
// of get/set/del/ttl/incr/check-and-set on 4 keys at random times with random deadlines, up to 3
// faults of any kind on any node), let R = run(S). Then:
//   (no-wait-after-death)  at every step where the core learns a connection is lost, no call
//                          waits on that address (zero simulated time);
//   (settles-once)         every call settles exactly once;
//   (by-deadline)          settle time <= start + timeoutMs + SETTLE_SLACK_MS;
//   (single-flight)        at most one meta query per table is in flight at any step;
//   (ballots-monotone)     no partition's route goes back to an older ballot (same app id);
//   (nothing-leaks)        after close(): no pending call, timer or connection;
//   (linearizable)         the history of completed single-key operations is linearizable against
//                          a register / counter / write-once model, failed writes being optional;
//                          so no success is reported for a write the cluster did not apply.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scenarioSpec } from './scenario-arbitraries.ts';
import { assertScenarioProperty } from './trace-files.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261126);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 400);

describe('simulation safety', () => {
  it(`holds on ${RUNS} random fault schedules (seed ${SEED})`, () => {
    let scenarios = 0;
    const counted = scenarioSpec().map((s) => {
      scenarios++;
      return s;
    });
    assertScenarioProperty('simulation-safety', counted, { seed: SEED, numRuns: RUNS });
    assert.ok(scenarios >= RUNS, `only ${scenarios} scenarios generated`);
  });
});
