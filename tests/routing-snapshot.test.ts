// The routing reducer (core/routing/route-snapshot.ts), case by case: each row gives the snapshot
// before (built from earlier answers), meta's answer, and what must come out: the kind of change,
// the partitions whose calls move, and every route after. docs/PROTOCOL.md 7.4 and 7.5 state the rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyAnswer,
  invalidateAll,
  invalidatePartition,
  isLoaded,
  NO_ROUTES,
  partitionOf,
  primaryOf,
  type RouteAnswer,
  type RouteChangeKind,
  type RouteSnapshot,
} from '../core/routing/route-snapshot.ts';
import { answer, partitionConfiguration, routesOf, snapshotOf } from './helpers/route-answers.ts';

const A = '10.0.0.1:34801';
const B = '10.0.0.2:34801';
const C = '10.0.0.3:34801';

interface Row {
  name: string;
  before: RouteSnapshot;
  answer: RouteAnswer;
  kind: RouteChangeKind;
  changed: number[];
  moveAll: boolean;
  appId: number;
  routes: string[];
}

const two = snapshotOf(
  answer(1, 2, [
    [0, 3, A],
    [1, 4, B],
  ]),
);
const four = snapshotOf(
  answer(1, 4, [
    [0, 3, A],
    [1, 4, B],
    [2, 5, C],
    [3, 5, A],
  ]),
);

const ROWS: Row[] = [
  {
    name: 'the first answer loads what it describes',
    before: NO_ROUTES,
    answer: answer(7, 2, [
      [0, 1, A],
      [1, 2, B],
    ]),
    kind: 'loaded',
    changed: [0, 1],
    moveAll: false,
    appId: 7,
    routes: [`1:${A}`, `2:${B}`],
  },
  {
    name: 'a partial first answer leaves the rest undescribed',
    before: NO_ROUTES,
    answer: answer(1, 4, [[2, 1, A]]),
    kind: 'loaded',
    changed: [2],
    moveAll: false,
    appId: 1,
    routes: ['_', '_', `1:${A}`, '_'],
  },
  {
    name: 'a greater ballot replaces the cached entry',
    before: two,
    answer: answer(1, 2, [[0, 4, B]]),
    kind: 'ballots',
    changed: [0],
    moveAll: false,
    appId: 1,
    routes: [`4:${B}`, `4:${B}`],
  },
  {
    name: 'a smaller ballot (a late answer to an older query) is ignored',
    before: two,
    answer: answer(1, 2, [
      [0, 2, C],
      [1, 3, C],
    ]),
    kind: 'ballots',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'an equal ballot changes nothing',
    before: two,
    answer: answer(1, 2, [[0, 3, C]]),
    kind: 'ballots',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'an equal ballot restores an invalidated entry',
    before: invalidatePartition(two, 1),
    answer: answer(1, 2, [[1, 4, C]]),
    kind: 'ballots',
    changed: [1],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'a smaller ballot leaves an invalidated entry invalid',
    before: invalidateAll(two),
    answer: answer(1, 2, [[1, 2, C]]),
    kind: 'ballots',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}:invalid`, `4:${B}:invalid`],
  },
  {
    name: 'the same index twice in one answer: the greater ballot wins',
    before: two,
    answer: answer(1, 2, [
      [0, 5, B],
      [0, 6, C],
      [0, 5, A],
    ]),
    kind: 'ballots',
    changed: [0, 0],
    moveAll: false,
    appId: 1,
    routes: [`6:${C}`, `4:${B}`],
  },
  {
    name: 'indexes outside the partition count are ignored',
    before: two,
    answer: answer(1, 2, [
      [-1, 9, C],
      [2, 9, C],
    ]),
    kind: 'ballots',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'a split doubles the count: parents kept, children arrive with ballot -1',
    before: two,
    answer: answer(1, 4, [
      [0, 3, A],
      [1, 4, B],
      [2, -1, ''],
      [3, -1, ''],
    ]),
    kind: 'split',
    changed: [2, 3],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`, '-1:', '-1:'],
  },
  {
    name: 'a cancelled split halves the count: the children are dropped',
    before: four,
    answer: answer(1, 2, [
      [0, 3, A],
      [1, 4, B],
    ]),
    kind: 'cancelSplit',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'a count that is neither equal, double nor half: recreated, ballots discarded',
    before: two,
    answer: answer(1, 6, [[0, 1, C]]),
    kind: 'recreated',
    changed: [0],
    moveAll: true,
    appId: 1,
    routes: [`1:${C}`, '_', '_', '_', '_', '_'],
  },
  {
    name: 'a quarter of the count is no cancelled split: recreated',
    before: four,
    answer: answer(1, 1, [[0, 1, B]]),
    kind: 'recreated',
    changed: [0],
    moveAll: true,
    appId: 1,
    routes: [`1:${B}`],
  },
  {
    name: 'another app_id with the same count: recreated, a smaller ballot is taken',
    before: two,
    answer: answer(2, 2, [
      [0, 1, C],
      [1, 1, C],
    ]),
    kind: 'recreated',
    changed: [0, 1],
    moveAll: true,
    appId: 2,
    routes: [`1:${C}`, `1:${C}`],
  },
  {
    name: 'another app_id with a doubled count is a recreation, not a split',
    before: two,
    answer: answer(2, 4, [[3, 1, C]]),
    kind: 'recreated',
    changed: [3],
    moveAll: true,
    appId: 2,
    routes: ['_', '_', '_', `1:${C}`],
  },
  {
    name: 'a partition count of 0 is rejected; nothing changes',
    before: two,
    answer: answer(1, 0, [[0, 9, C]]),
    kind: 'rejected',
    changed: [],
    moveAll: false,
    appId: 1,
    routes: [`3:${A}`, `4:${B}`],
  },
  {
    name: 'a negative partition count is rejected, even as the first answer',
    before: NO_ROUTES,
    answer: answer(1, -4, [[0, 9, C]]),
    kind: 'rejected',
    changed: [],
    moveAll: false,
    appId: 0,
    routes: [],
  },
];

describe('routing reducer: one answer at a time', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const before = structuredClone(row.before);
      const u = applyAnswer(row.before, row.answer);
      assert.equal(u.kind, row.kind);
      assert.deepEqual(u.changed, row.changed);
      assert.equal(u.moveAll, row.moveAll);
      assert.equal(u.snapshot.appId, row.appId);
      assert.deepEqual(routesOf(u.snapshot), row.routes);
      assert.deepEqual(row.before, before, 'the snapshot before was changed');
      if (row.kind === 'rejected') assert.equal(u.snapshot, row.before);
    });
  }
});

describe('routing reducer: reading a snapshot', () => {
  it('a primary is routed to only when present and not invalidated', () => {
    const s = snapshotOf(
      answer(1, 3, [
        [0, 3, A],
        [1, 2, ''],
      ]),
    );
    assert.equal(primaryOf(s, 0), A);
    assert.equal(primaryOf(s, 1), null, 'ballot >= 0 without a primary routes nothing');
    assert.equal(primaryOf(s, 2), null, 'an undescribed partition routes nothing');
    assert.equal(primaryOf(invalidatePartition(s, 0), 0), null);
    assert.equal(primaryOf(invalidateAll(s), 0), null);
  });

  it('a node named only by host and port (hp_primary) is the primary', () => {
    const pc = {
      ...partitionConfiguration(1, [0, 2, '']),
      hp_primary: { type: 1, host: 'replica-1.example', port: 34801 },
    };
    const u = applyAnswer(NO_ROUTES, { app_id: 1, partition_count: 1, partitions: [pc] });
    assert.equal(primaryOf(u.snapshot, 0), 'replica-1.example:34801');
  });

  it('a key of a split child not yet registered goes to its parent (index - count/2)', () => {
    const split = applyAnswer(two, answer(1, 4, [[3, -1, '']])).snapshot;
    assert.equal(partitionOf(split, 3n), 1, 'child 3 (ballot -1) -> parent 1');
    assert.equal(partitionOf(split, 2n), 2, 'child 2 was never described: no redirection');
    const registered = applyAnswer(split, answer(1, 4, [[3, 0, C]])).snapshot;
    assert.equal(partitionOf(registered, 3n), 3, 'ballot 0 is a registered child');
    assert.equal(partitionOf(registered, 5n), 1);
  });

  it('invalidation keeps the ballot, returns a new snapshot and leaves the old one alone', () => {
    const one = invalidatePartition(two, 0);
    assert.notEqual(one, two);
    assert.deepEqual(routesOf(one), [`3:${A}:invalid`, `4:${B}`]);
    assert.deepEqual(routesOf(two), [`3:${A}`, `4:${B}`]);
    assert.equal(invalidatePartition(one, 0), one, 'invalidating twice changes nothing');
    assert.equal(invalidatePartition(two, 5), two, 'no entry, nothing to invalidate');
    const all = invalidateAll(two);
    assert.deepEqual(routesOf(all), [`3:${A}:invalid`, `4:${B}:invalid`]);
    assert.equal(invalidateAll(all), all);
  });

  it('nothing is loaded before the first answer', () => {
    assert.equal(isLoaded(NO_ROUTES), false);
    assert.equal(isLoaded(two), true);
  });
});
