// Splitting the exhaustive search (scripts/explore-parallel.ts): the fault-free part, then every
// state after a first fault explored from its choice sequence, all sharing one visited set, covers
// exactly the states one search covers; and the shared-memory visited set behaves as a set.
//
// Property: for a scope S, let V be the fingerprints one search of S visits. The split search
// (frontierFaults 1, then each frontier root explored with `root`, one shared set) visits exactly
// V: nothing is lost (every path passes through its first fault's state) and nothing is counted
// twice (the set is shared). Checked on the topology scope (frontier items whose subtrees overlap:
// a drop now and a drop a step later reach the same states).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachSharedVisited, createSharedVisited } from '../scripts/shared-visited.ts';
import { hash128 } from '../sim/canon.ts';
import { explore, visitedSet } from '../sim/explore/explorer.ts';
import { MUTANTS } from '../sim/explore/mutants.ts';
import { smallScope, smallTopologyScope } from '../sim/explore/scope.ts';

describe('split exhaustive search', () => {
  it('the fault-free part plus every first-fault root, on one visited set, is the whole search', () => {
    const whole = visitedSet();
    const one = explore(smallTopologyScope(), { visited: whole });
    assert.equal(one.frontier.length, 0);

    const shared = createSharedVisited(10_000);
    const first = explore(smallTopologyScope(), { frontierFaults: 1, visited: shared });
    assert.ok(first.frontier.length >= 10, `${first.frontier.length} frontier states`);
    assert.ok(first.states < one.states / 2, 'the first part should stop at the first faults');
    // the roots are handed out in reverse here: the order must not matter
    let transitions = first.transitions;
    const coverage = new Set(first.coverage);
    for (const root of [...first.frontier].reverse()) {
      const r = explore(smallTopologyScope(), { root, visited: shared });
      assert.equal(r.counterexample, null);
      assert.ok(r.complete);
      transitions += r.transitions;
      for (const c of r.coverage) coverage.add(c);
    }
    assert.equal(shared.size(), one.states);
    for (const fp of whole.fingerprints) assert.ok(shared.has(fp));
    assert.equal(transitions, one.transitions);
    assert.deepEqual([...coverage].sort(), one.coverage);
  });

  it('finds a planted core bug (incr treated as idempotent) in the part after the first fault', () => {
    const scope = () => ({
      ...smallScope(),
      client: { ...smallScope().client, machines: MUTANTS['idempotent-always']!() },
    });
    const shared = createSharedVisited(100_000);
    const first = explore(scope(), { frontierFaults: 1, visited: shared });
    assert.equal(first.counterexample, null, 'the bug needs a fault');
    let found: string | null = null;
    for (const root of first.frontier) {
      const r = explore(scope(), { root, visited: shared });
      if (r.counterexample !== null) {
        found = r.counterexample.violation.invariant;
        break;
      }
    }
    assert.match(found ?? 'not found', /at-most-once|linearizable/);
  });

  it('a root whose state the set holds already (handed out by the first part) is still explored', () => {
    const shared = createSharedVisited(10_000);
    const first = explore(smallTopologyScope(), { frontierFaults: 1, visited: shared });
    const r = explore(smallTopologyScope(), { root: first.frontier[0]!, visited: shared });
    assert.ok(r.states >= 1);
    assert.ok(r.transitions >= 1);
  });
});

describe('shared visited set', () => {
  it('adds each fingerprint once, finds it from another view of the buffer, and refuses to overfill', () => {
    const a = createSharedVisited(1000);
    const b = attachSharedVisited(a.buffer);
    const fps = Array.from({ length: 700 }, (_, i) => hash128(`state ${i}`));
    for (const fp of fps) assert.equal(a.add(fp), true);
    for (const fp of fps) assert.equal(b.add(fp), false, 'added twice');
    for (const fp of fps) assert.equal(b.has(fp), true);
    assert.equal(b.has(hash128('another')), false);
    assert.equal(a.size(), 700);
    // 1000 asked for: 2048 slots, three quarters of them usable
    assert.throws(() => {
      for (let i = 0; i < 2000; i++) a.add(hash128(`more ${i}`));
    }, /over 1536 states/);
  });

  it('tells apart fingerprints that share their probe word (collisions in the table are resolved)', () => {
    const s = createSharedVisited(100);
    // same second word (the probe start), different others
    const x = String.fromCharCode(1, 2, 3, 4, 5, 6, 7, 8);
    const y = String.fromCharCode(9, 2, 3, 4, 5, 6, 7, 8);
    const z = String.fromCharCode(1, 2, 3, 4, 5, 6, 7, 9);
    assert.equal(s.add(x), true);
    assert.equal(s.add(y), true);
    assert.equal(s.add(z), true);
    assert.equal(s.has(x) && s.has(y) && s.has(z), true);
    assert.equal(s.size(), 3);
  });
});
