// The real client core under topology changes in the deterministic simulation: splits, cancelled
// splits, drops and recreates of the table, now and then with a meta leader change or a replica
// crash (sim/scenario.ts, sim/topology.ts).
//
// Property ('topology', sim/properties.ts). For every scenario S = (seed, 1..3 metas, 3 replicas,
// 1|2|4 partitions, children registering 300 ms after a split starts, up to 14 calls of
// get/set/del/ttl/incr/check-and-set on 4 keys, 1..4 topology changes at random times, and with
// probability 1/4 one leader change or replica crash), let R = run(S). Then:
//   every safety invariant of properties/simulation-safety.test.ts holds, and
//   (answered-by-owner)   every successful call was answered by a partition of a live incarnation
//                         that owned the call's key at some moment between its start and settle;
//   (linearizable)        per incarnation (app id) of the table, which starts empty: the calls it
//                         answered and the failed calls running while it existed are linearizable
//                         (at-most-once of incr is part of it, and of the per-state check);
//   (routes-converge, routing-converges)  after the run, the client holds meta's app id and
//                         partition count, and one get per partition is routed to meta's primary;
//   (dropped-fails-fast)  with topology changes only, a call that starts while the table is dropped
//                         and ends before it is created again fails with ERR_APP_NOT_EXIST within
//                         400 ms (the poll cap, a meta round trip, slack), never by its timeout.
// Fixed schedules make every kind of change happen in every run of the file; the random ones look
// for orders nobody wrote down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROPERTIES } from '../sim/properties.ts';
import { runScenario, type ScenarioSpec } from '../sim/scenario.ts';
import type { SimCall, SimFault } from '../sim/workload.ts';
import { topologySpec } from './scenario-arbitraries.ts';
import { assertScenarioProperty } from './trace-files.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

/** a steady mix on 4 keys every 25 ms from 0 to 2500 ms */
function steadyCalls(): SimCall[] {
  const ops = ['set', 'get', 'incr', 'get', 'del', 'casAbsent', 'ttl'] as const;
  return Array.from({ length: 100 }, (_, i) => ({
    atMs: i * 25,
    op: ops[i % ops.length]!,
    key: i % 4,
    value: 1000 + i,
    timeoutMs: 1000,
  }));
}

function spec(faults: SimFault[], extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    seed: 7,
    metas: 3,
    replicas: 3,
    partitions: 2,
    detectMs: 800,
    splitMs: 300,
    calls: steadyCalls(),
    faults,
    runMs: 5500,
    probeMs: 1500,
    ...extra,
  };
}

const FIXED: Array<[string, ScenarioSpec, (r: ReturnType<typeof runScenario>) => void]> = [
  [
    'split 2 -> 4 under load: nothing fails, the client ends with 4 partitions',
    spec([{ atMs: 500, node: 0, kind: 'split' }]),
    (r) => {
      assert.deepEqual(
        r.calls.filter((c) => c.ok !== true).map((c) => `${c.callId} ${c.code}`),
        [],
      );
      assert.equal(r.client.core.routeTable('sim')?.partitionCount, 4);
    },
  ],
  [
    'split, then cancel before the children register: the client ends with 2 partitions',
    spec([
      { atMs: 500, node: 0, kind: 'split' },
      { atMs: 650, node: 0, kind: 'cancelSplit' },
    ]),
    (r) => assert.equal(r.client.core.routeTable('sim')?.partitionCount, 2),
  ],
  [
    'drop and recreate under load: gap calls fail ERR_APP_NOT_EXIST, later ones succeed on the new app id',
    spec([
      { atMs: 600, node: 0, kind: 'drop' },
      { atMs: 1400, node: 0, kind: 'recreate' },
    ]),
    (r) => {
      assert.equal(r.incarnations.length, 2);
      // once meta said the table is gone (within the poll cap of the drop), every call fails at
      // once, or after one meta round trip when the verdict has expired
      const gap = r.calls.filter((c) => c.atMs >= 800 && c.atMs < 1400);
      assert.ok(gap.length > 20);
      for (const c of gap) {
        assert.equal(c.code, 'ERR_APP_NOT_EXIST', `call ${c.callId}`);
        assert.ok(c.settleMs! - c.atMs < 5, `call ${c.callId} took ${c.settleMs! - c.atMs} ms`);
      }
      const late = r.calls.filter((c) => c.atMs >= 1800);
      assert.ok(late.length > 5 && late.every((c) => c.ok === true), 'calls after the recreate succeed');
      assert.equal(r.client.core.routeTable('sim')?.appId, r.incarnations[1]!.appId);
    },
  ],
  [
    'a meta leader change during a split, and a split of a recreated table',
    spec([
      { atMs: 300, node: 0, kind: 'split' },
      { atMs: 450, node: 1, kind: 'leader', ms: 200 },
      { atMs: 1200, node: 0, kind: 'drop' },
      { atMs: 1300, node: 0, kind: 'recreate' },
      { atMs: 1600, node: 0, kind: 'split' },
    ]),
    (r) => assert.equal(r.client.core.routeTable('sim')?.partitionCount, 4),
  ],
];

describe('simulation under topology changes', () => {
  for (const [name, s, extra] of FIXED) {
    it(name, () => {
      const r = runScenario(s);
      assert.deepEqual(PROPERTIES.topology!(s, r), []);
      extra(r);
    });
  }

  it(`the topology property holds on ${RUNS} random schedules (seed ${SEED})`, () => {
    assertScenarioProperty('topology', topologySpec(), { seed: SEED, numRuns: RUNS });
  });
});
