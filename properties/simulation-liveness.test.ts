// Liveness and load of the real client core in the deterministic simulation.
//
// Let B = attemptTimeoutMs + pollCapMs + 100 ms (700 ms with the defaults): one attempt timeout for
// a call stuck on a hung node to notice, one poll cap for the refresh that sees the change, and a
// margin for round trips and the reconnect.
//
// Property 1 (transparent failover). For every scenario with exactly one replica fault F of kind
// crash, core dump (hang then crash) or endless hang, and every idempotent call c (get/set/del/ttl)
// with timeoutMs >= B on partition p, let U_p be the moment p is usable again according to meta's
// history: the promotion of another primary if the faulty node was p's primary at F; for writes, the
// removal of the faulty node if it was a secondary (writes wait for every member); F otherwise.
// If U_p exists and c.deadline >= max(c.start, U_p) + B, then c succeeded. (A call that ended
// before F is judged from its start.) With no fault at all, every call with timeoutMs >= B succeeds.
//
// Property 2 (routing converges). For every scenario (any faults), after the run one get per
// partition is issued; 1500 ms later the client routes every partition to meta's current primary.
//
// Property 3 (bounded load). For every scenario: in any 1000 ms window, at most 8 meta queries per
// table and at most 8 connection attempts per address (whatever is down: no spinning).
//
// All safety invariants of simulation-safety.test.ts are checked on these runs too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBoundedLoad, checkTransparentFailover, maxInWindow } from '../sim/liveness.ts';
import { runScenario } from '../sim/scenario.ts';
import { scenarioSpec, singleFailoverSpec } from './scenario-arbitraries.ts';
import { assertScenarioProperty } from './trace-files.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261127);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

describe('simulation liveness', () => {
  it(`transparent failover after one crash / core dump / hang, or none (${RUNS} runs, seed ${SEED})`, () => {
    assertScenarioProperty('transparent-failover', singleFailoverSpec(), { seed: SEED, numRuns: RUNS });
  });

  it(`routing converges and load stays bounded under random faults (${RUNS} runs, seed ${SEED + 1})`, () => {
    assertScenarioProperty(
      'convergence-and-load',
      scenarioSpec().map((s) => ({ ...s, probeMs: 1500 })),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('no spinning when every replica is down: retries and polls stay within the load bounds', () => {
    const calls = Array.from({ length: 20 }, (_, i) => ({
      atMs: 100 + i * 150,
      op: 'get' as const,
      key: i % 4,
      value: 0,
      timeoutMs: 2000,
    }));
    const r = runScenario({
      seed: 99,
      metas: 1,
      replicas: 3,
      partitions: 4,
      detectMs: 300,
      calls,
      faults: [0, 1, 2].map((node) => ({ atMs: 50, node, kind: 'crash' as const })),
      runMs: 6000,
    });
    assert.deepEqual(r.violations, []);
    assert.deepEqual(checkBoundedLoad(r), []);
    assert.ok(
      r.calls.every((c) => c.ok === false && c.code === 'ERR_TIMEOUT'),
      'every call fails by its deadline',
    );
    // over the whole 6 s: polls at most ~5/s while calls wait, reconnects on the capped back-off
    assert.ok(r.metaQueryTimesMs.length <= 6 * 8, `${r.metaQueryTimesMs.length} meta queries`);
    for (const [address, times] of r.connectTimesMs) {
      assert.ok(maxInWindow(times, 1000) <= 8, `${address}: ${times.length} connects`);
    }
  });

  it('the checks can fail: a core that never refreshes routing loses transparent failover', () => {
    // a deliberately broken configuration: polls so slow that promotions are seen too late
    const spec = {
      seed: 5,
      metas: 1,
      replicas: 3,
      partitions: 1,
      detectMs: 300,
      calls: [{ atMs: 200, op: 'get' as const, key: 0, value: 0, timeoutMs: 2500 }],
      faults: [{ atMs: 100, node: 0, kind: 'crash' as const }],
      runMs: 4000,
      client: { pollStartMs: 5000, pollCapMs: 5000, quietMs: 5000, attemptTimeoutMs: 3000 },
    };
    const r = runScenario(spec);
    assert.notDeepEqual(checkTransparentFailover(spec, r), []);
  });
});
