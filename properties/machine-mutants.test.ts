// Mutation testing of the machines: the checks must notice every change to a transition.
//
// Property. For each machine M and each transition candidate t of M, each mutant M' of M (t dropped;
// t retargeted to each other state at its target's level; each action of t removed; see mutate.ts)
// is either killed, i.e. some check of the kill suite fails (an assertion, the core throwing, or the
// event budget running out) when the ClientCore runs M' in place of M, or listed in EQUIVALENT with
// the reason no client behaviour can tell M' from M. Also: the kill suite passes on the originals,
// and every listed equivalent mutant indeed survives (a killed one would not be equivalent).
// Score = killed / (total - equivalent); the goal is 1.
//
// The full set runs by default (about 10 s). MUTANTS=<n> runs a deterministic sample of n.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES } from '../machines/index.ts';
import { EQUIVALENT } from '../tests/fixtures/machines/equivalent.ts';
import { judge, killSuite } from '../tests/fixtures/machines/kill-suite.ts';
import type { MachineSet } from '../tests/fixtures/machines/kill-world.ts';
import { type Mutant, mutantsOf } from '../tests/fixtures/machines/mutate.ts';

const KEYS = ['request', 'nodeHealth', 'routingRefresh', 'scanner', 'hedge'] as const;

function selected(all: Mutant[]): Mutant[] {
  const n = Number(process.env.MUTANTS ?? 'NaN');
  if (!Number.isInteger(n) || n <= 0 || n >= all.length) return all;
  const step = all.length / n;
  return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]!);
}

describe('machine mutants', () => {
  const checks = killSuite();

  it('the kill suite passes on the original machines', () => {
    const v = judge(checks, MACHINES);
    assert.equal(v.killed, false, `${v.by}: ${v.reason}`);
  });

  it('every non-equivalent mutant is killed', () => {
    const all = KEYS.flatMap((k) => mutantsOf(k, MACHINES[k]));
    const mutants = selected(all);
    const survivors: string[] = [];
    let killed = 0;
    let equivalent = 0;
    const perMachine = new Map<string, [number, number]>();
    for (const mu of mutants) {
      const machines = { ...MACHINES, [mu.machineKey]: mu.build() } as MachineSet;
      const v = judge(checks, machines);
      const [k0, n0] = perMachine.get(mu.machineKey) ?? [0, 0];
      perMachine.set(mu.machineKey, [k0 + (v.killed ? 1 : 0), n0 + 1]);
      const isEquivalent = Object.hasOwn(EQUIVALENT, mu.id);
      if (isEquivalent) {
        equivalent++;
        assert.equal(v.killed, false, `${mu.id} is listed equivalent but ${v.by} kills it: ${v.reason}`);
      } else if (v.killed) killed++;
      else survivors.push(mu.id);
    }
    for (const [k, [kd, n]] of perMachine) console.log(`  ${k}: ${n} mutants, ${kd} killed`);
    const score = killed / (mutants.length - equivalent);
    console.log(
      `  total ${mutants.length}${mutants.length < all.length ? ` (sample of ${all.length})` : ''}, ` +
        `killed ${killed}, equivalent ${equivalent}, survived ${survivors.length}, score ${(score * 100).toFixed(1)} %`,
    );
    assert.deepEqual(survivors, [], 'surviving mutants: add a check or justify equivalence');
    // a listed id that no longer names a mutant is stale
    const ids = new Set(all.map((m) => m.id));
    assert.deepEqual(
      Object.keys(EQUIVALENT).filter((id) => !ids.has(id)),
      [],
      'EQUIVALENT lists mutants that no longer exist',
    );
  });
});
