// Transition coverage of the four machines.
//
// Property. Let T(M) be every transition candidate of machine M (transitionsOf: each `on`, `after`,
// `always` entry of each state node and the root, guarded candidates separately).
//   (graph)  Let P(M) be the @xstate/graph paths of M: the shortest path to every abstract state,
//            extended by each edge leaving it. Replaying every path of P(M) on the compiled executor
//            (core/executor, the code the core runs) gives the same state values as xstate, and the
//            candidates taken cover T(M) entirely.
//   (core)   Running the kill suite (scripted core scenarios and the fixed simulation batch) on the
//            real ClientCore covers T(M) entirely.
// Candidates taken are recorded by an instrumented copy of each machine (trace.ts); the copy is
// checked to leave the core's behaviour unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMachine } from '../core/executor/index.ts';
import { MACHINES } from '../machines/index.ts';
import { runScenario } from '../sim/scenario.ts';
import { graphPaths } from '../tests/fixtures/machines/graph-paths.ts';
import { simBatch } from '../tests/fixtures/machines/kill-sim.ts';
import { killSuite } from '../tests/fixtures/machines/kill-suite.ts';
import { recordTransitions, TRACED } from '../tests/fixtures/machines/trace.ts';
import { transitionsOf } from '../tests/fixtures/machines/transitions.ts';

const KEYS = ['request', 'nodeHealth', 'routingRefresh', 'scanner', 'hedge'] as const;

function report(label: string, taken: Set<string>) {
  for (const k of KEYS) {
    const all = transitionsOf(MACHINES[k]);
    const missed = all.filter((t) => !taken.has(t.id)).map((t) => t.id);
    console.log(`  ${label} ${k}: ${all.length - missed.length}/${all.length} transitions`);
    assert.deepEqual(missed, [], `${label}: ${k} transitions not covered`);
  }
}

describe('machine transition coverage', () => {
  it('graph paths replayed on the compiled executor agree with xstate and cover every transition', () => {
    const taken = new Set<string>();
    for (const k of KEYS) {
      const exec = compileMachine(TRACED[k]);
      for (const p of graphPaths(k)) {
        const seen = recordTransitions(() => {
          let [s] = exec.initial(p.input as never);
          p.events.forEach((e, i) => {
            s = exec.transition(s, e as never)[0];
            assert.deepEqual(s.value, p.values[i], `${k}: ${p.events.map((x) => x.type).join(' ')}`);
          });
        });
        for (const id of seen) taken.add(id);
      }
    }
    report('executor (graph paths)', taken);
  });

  it('the kill suite on the real core covers every transition', () => {
    const taken = new Set<string>();
    for (const check of killSuite()) {
      for (const id of recordTransitions(() => check.run(TRACED))) taken.add(id);
    }
    report('core (kill suite)', taken);
  });

  it('the instrumented machines behave like the originals in the core', () => {
    for (const spec of simBatch(6, 2)) {
      const [a, b] = [MACHINES, TRACED].map((machines) => runScenario({ ...spec, client: { machines } }));
      assert.deepEqual(
        b!.calls.map((c) => [c.settleMs, c.ok, c.code, c.outcomeUnknown]),
        a!.calls.map((c) => [c.settleMs, c.ok, c.code, c.outcomeUnknown]),
      );
      assert.equal(b!.eventCount, a!.eventCount);
      assert.deepEqual(b!.metaQueryTimesMs, a!.metaQueryTimesMs);
    }
  });
});
