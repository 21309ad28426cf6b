// Exhaustive small-scope exploration (sim/explore): the real client core against the onebox on the
// explorer's network, every interleaving of deliveries, timer instants and faults within the scope,
// each distinct state visited once.
//
// Scopes (sim/explore/scope.ts): 1 meta, 3 replicas, 1 or 2 partitions; calls set(k0) and incr(k0)
// (or incr(k1) on the other partition) issued together at t = 0 with 1500 ms deadlines; faults from
// {crash, hang 500 ms, restart} on any replica at any step up to 400 ms; budgets per path:
//   small       2 faults, no late packets
//   small-2p    2 faults, no late packets, 2 partitions (the calls on different primaries)
//   small-late  1 fault, 1 late stream (one connection direction held across any timer instants)
//   small-net-meta  2 metas, 1 partition, the set and the incr; up to 2 of {client-link partition of
//               any replica for 300 ms, crash of the primary, meta leader change (either meta, not
//               ready 100 ms), either meta down (crash, restart after 300 ms)} within 400 ms
//   small-topology  1 partition, set(k0) at 0, get(k0) at 160 ms, set(k0) at 320 ms (k0 moves to
//               the split child), up to 2 of {split, cancel split, drop, recreate} within 300 ms
//
// On topology paths also (sim/topology.ts): answered-by-owner (every success came from a partition
// that owned its key at some moment of the call), linearizable per incarnation (app id), and
// dropped-fails-fast (a call started while the table is dropped, ending before it is created
// again, fails ERR_APP_NOT_EXIST within 400 ms).
//
// Properties. Let R be the set of states reachable within the scope and P the set of complete paths
// (ending when every call settled). For every s in R:
//   no-wait-on-down     no call is attached to a node whose health is down or closed;
//   no-wait-after-death after the core handles connectionLost(a), no call waits on a;
//   single-flight       at most one query_cfg of the table is in flight;
//   settles-once        no call settles twice;
//   by-deadline         no call settles after deadline + 1 ms, and none is unsettled past it;
//   ballots-monotone    no route goes back to an older ballot of the same app id;
//   at-most-once        no replica's counter exceeds the number of incr calls issued.
// For every p in P, at its end:
//   every call settled exactly once; after close(), no pending call, timer or connection;
//   linearizable        the history is linearizable (register, counter), failed writes optional;
// and, on paths with no late packet:
//   fault-free-success  without faults, every call succeeds;
//   failover-success    when every fault hit one replica, an idempotent call whose deadline is at
//                       least recoveryBoundMs (1000 ms) after the last fault succeeds (crash, hang
//                       and restart; a partition or a meta fault promises no failover).
// The test also requires the search to be complete, to visit at least a floor of distinct states and
// to reach key machine states (so an explorer that explores nothing fails), and shows that two
// planted bugs are found with a choice sequence that replays to the same violation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Choice, formatPath } from '../sim/explore/choice.ts';
import { type ExploreResult, explore } from '../sim/explore/explorer.ts';
import { MUTANTS } from '../sim/explore/mutants.ts';
import { replay } from '../sim/explore/replay.ts';
import { formatResult } from '../sim/explore/report.ts';
import { type ExploreScope, SMALL_SCOPES, smallScope, smallTopologyScope } from '../sim/explore/scope.ts';
import { ExploreSystem } from '../sim/explore/system.ts';

/** about 70% of what each scope explores today: a broken explorer (or scope) falls below */
const STATE_FLOORS: Record<string, number> = {
  small: 10_000,
  'small-2p': 24_000,
  'small-late': 50_000,
  'small-topology': 540,
  'small-net-meta': 15_000,
};

const MUST_COVER = [
  'call:awaiting',
  'call:awaitingLate',
  'call:waitingRoute',
  'node:down',
  'node:suspect',
  'routing:polling',
  'settle:incr:ok',
  'settle:set:ok',
  'fault:crash',
  'fault:hang',
  'fault:restart',
];

/** the topology scope: every change, the split's two rejections and the table-gone verdict */
const MUST_COVER_TOPOLOGY = [
  'fault:split',
  'fault:cancelSplit',
  'fault:drop',
  'fault:recreate',
  'attempt:ERR_SPLITTING',
  'attempt:ERR_PARENT_PARTITION_MISUSED',
  'routing:gone',
  'settle:get:ERR_APP_NOT_EXIST',
  'settle:set:ok',
  'settle:get:ok',
];

/** network and meta faults: each kind injected, and both calls still succeed on some path */
const MUST_COVER_NET_META = [
  'fault:partition',
  'fault:crash',
  'fault:leader',
  'fault:meta-crash',
  'node:suspect',
  'node:down',
  'routing:backoff',
  'settle:incr:ok',
  'settle:set:ok',
];

const MUST_COVER_BY_SCOPE: Record<string, string[]> = {
  'small-topology': MUST_COVER_TOPOLOGY,
  'small-net-meta': MUST_COVER_NET_META,
};

const clock = () => performance.now();

describe('exhaustive small scope', () => {
  for (const make of SMALL_SCOPES) {
    const scope = make();
    it(`${scope.name}: every invariant in every state, liveness on every path`, () => {
      const r = explore(scope, { elapsedMs: clock });
      console.log(formatResult(r));
      assert.equal(r.counterexample, null, formatResult(r));
      assert.ok(r.complete, 'the search stopped early');
      assert.ok(r.states >= STATE_FLOORS[scope.name]!, `only ${r.states} states explored`);
      assert.ok(r.transitions >= r.states - 1);
      assert.ok(r.slowestRecoveryMs < scope.recoveryBoundMs);
      const mustCover = MUST_COVER_BY_SCOPE[scope.name] ?? MUST_COVER;
      for (const c of mustCover) assert.ok(r.coverage.includes(c), `never reached ${c}`);
    });
  }

  /** a planted bug's counterexample is the expected outcome: its printout says so */
  const printPlanted = (r: ExploreResult) =>
    console.log(formatResult(r).replace(/^(\s*)VIOLATION /gm, '$1planted bug found as expected: '));

  const plant = (mutant: string, s: ExploreScope = smallScope()): ExploreScope => ({
    ...s,
    name: `${s.name}+${mutant}`,
    client: { ...s.client, machines: MUTANTS[mutant]!() },
  });

  it('finds a planted double apply (incr treated as idempotent) and replays it', () => {
    const scope = plant('idempotent-always');
    const r = explore(scope, { elapsedMs: clock });
    printPlanted(r);
    const cx = r.counterexample;
    assert.ok(cx !== null, 'the planted bug was not found');
    assert.match(cx.violation.invariant, /at-most-once|linearizable/);
    const again = replay(scope, formatPath(cx.path));
    assert.deepEqual(
      again.violations.map((v) => v.invariant),
      cx.violations.map((v) => v.invariant),
    );
  });

  it('finds a planted liveness bug (get/set not failed over) and replays it', () => {
    const scope = plant('idempotent-never');
    const r = explore(scope, { elapsedMs: clock });
    printPlanted(r);
    const cx = r.counterexample;
    assert.ok(cx !== null, 'the planted bug was not found');
    assert.equal(cx.violation.invariant, 'failover-success');
    const again = replay(scope, formatPath(cx.path));
    assert.equal(again.terminal, true);
    assert.equal(again.violations[0]?.invariant, 'failover-success');
  });

  it('honours a state budget: never more states than it, and the search says it is incomplete', () => {
    const r = explore(smallScope(), { maxStates: 300 });
    assert.equal(r.states, 300);
    assert.equal(r.complete, false);
    assert.equal(r.counterexample, null);
  });

  it('honours a time bound: it stops within 16 steps of the bound, incomplete', () => {
    // a clock that advances 1 ms each time it is read: the bound is reached after a fixed number of
    // reads, whatever the machine's load
    let now = 0;
    let readsAfterBound = 0;
    const r = explore(smallScope(), {
      maxElapsedMs: 40,
      elapsedMs: () => {
        if (now >= 40) readsAfterBound++;
        return now++;
      },
    });
    assert.equal(r.complete, false);
    // the reading that stops the search and the one the result's elapsed time comes from
    assert.ok(readsAfterBound <= 2, `${readsAfterBound} clock reads after the bound`);
    assert.ok(r.states < 13_000, `${r.states} states: the bound did not stop the search`);
  });

  it('the cached state text (client and cluster parts kept across steps that cannot change them) explores exactly what fresh text does', () => {
    const a = explore(smallTopologyScope());
    const b = explore(smallTopologyScope(), { cacheText: false });
    for (const k of ['states', 'transitions', 'terminalPaths', 'maxDepth', 'replaySteps'] as const)
      assert.equal(a[k], b[k], k);
    assert.deepEqual(a.coverage, b.coverage);
    // and a planted core bug is found the same way, on the same path, with and without it
    const withCache = explore(plant('idempotent-always'));
    const without = explore(plant('idempotent-always'), { cacheText: false });
    assert.ok(withCache.counterexample !== null && without.counterexample !== null);
    assert.equal(formatPath(withCache.counterexample.path), formatPath(without.counterexample.path));
    assert.equal(withCache.states, without.states);
  });

  it('a planted bug in the cache (a server->client delivery that keeps the client text) fails the search', () => {
    // The bug: the client's text is not invalidated by a server->client delivery, so states that
    // differ only on the client side hash alike and are merged. The explorer's replay check (every
    // rebuilt state's fresh text against the cached text it was reached by) must catch it.
    const original = ExploreSystem.prototype.apply;
    ExploreSystem.prototype.apply = function (this: ExploreSystem, choice: Choice, check?: boolean) {
      // biome-ignore lint/complexity/useLiteralKeys: the planted bug reaches a private field
      const kept = this['clientText'];
      original.call(this, choice, check);
      // biome-ignore lint/complexity/useLiteralKeys: the planted bug reaches a private field
      if (choice.type === 'deliver' && choice.dir !== 'c2s') this['clientText'] = kept;
    };
    try {
      assert.throws(() => explore(smallScope()), /replay of .* is not deterministic/);
    } finally {
      ExploreSystem.prototype.apply = original;
    }
  });

  it('a replay of a step that is not enabled is refused', () => {
    assert.throws(() => replay(smallScope(), 'd1> d9<'), /not enabled/);
  });
});
