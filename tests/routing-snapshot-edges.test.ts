// The routing reducer's edges that the case table (routing-snapshot.test.ts) does not reach, each
// pinned because a one-character change to core/routing/route-snapshot.ts survived without it
// (StrykerJS, docs/MUTANTS.md): the largest partition count, a cancelled split dropping the upper
// half, invalidating a partly invalid snapshot, and host:port names only when the address is empty.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyAnswer,
  invalidateAll,
  NO_ROUTES,
  type PartitionRoute,
  primaryOf,
  type RouteSnapshot,
} from '../core/routing/route-snapshot.ts';
import { answer, partitionConfiguration, routesOf, snapshotOf } from './helpers/route-answers.ts';

const A = '10.0.0.1:34801';
const B = '10.0.0.2:34801';

describe('routing snapshot: edges', () => {
  it('partition counts: the largest i32 is a count, one more is rejected', () => {
    const max = applyAnswer(NO_ROUTES, answer(1, 0x7fffffff, [[0, 1, A]]));
    assert.equal(max.kind, 'loaded');
    assert.equal(max.snapshot.partitionCount, 0x7fffffff);
    // only described entries are held: a huge announced count costs no memory, and invalidateAll
    // (every/map over the array) stays O(entries), not O(count)
    assert.equal(max.snapshot.partitions.length, 1);
    const over = applyAnswer(NO_ROUTES, answer(1, 0x80000000, [[0, 1, A]]));
    assert.equal(over.kind, 'rejected');
    assert.equal(over.snapshot, NO_ROUTES);
  });

  it('a cancelled split drops the upper half: nothing above the new count is kept or routed', () => {
    const four = snapshotOf(
      answer(1, 4, [
        [0, 3, A],
        [1, 3, A],
        [2, 3, B],
        [3, 3, B],
      ]),
    );
    const u = applyAnswer(four, answer(1, 2, [[0, 3, A]]));
    assert.equal(u.kind, 'cancelSplit');
    assert.equal(u.snapshot.partitions.length, 2, 'entries at or above the halved count are gone');
    assert.equal(u.snapshot.partitions[2], undefined);
    assert.deepEqual(routesOf(u.snapshot), ['3:10.0.0.1:34801', '3:10.0.0.1:34801']);
    // a split later describes partition 2 afresh: a low ballot is taken, nothing stale was kept
    const again = applyAnswer(u.snapshot, answer(1, 4, [[2, 1, A]]));
    assert.equal(again.kind, 'split');
    assert.deepEqual(again.changed, [2]);
    assert.equal(primaryOf(again.snapshot, 2), A);
  });

  it('invalidateAll invalidates the valid entries of a partly invalid snapshot, and skips empty ones', () => {
    const route = (primary: string, invalid: boolean): PartitionRoute => ({
      ballot: 1n,
      primary,
      secondaries: [],
      invalid,
    });
    const partly: RouteSnapshot = {
      appId: 1,
      partitionCount: 3,
      partitions: [route(A, true), undefined, route(B, false)],
    };
    const all = invalidateAll(partly);
    assert.notEqual(all, partly);
    assert.equal(primaryOf(all, 0), null);
    assert.equal(all.partitions[1], undefined, 'an empty entry stays empty');
    assert.equal(primaryOf(all, 2), null, 'the valid entry is invalidated');
    assert.equal(all.partitions[0], partly.partitions[0], 'an already invalid entry is kept as it is');
    const none: RouteSnapshot = { appId: 1, partitionCount: 2, partitions: [undefined, route(A, true)] };
    assert.equal(invalidateAll(none), none, 'nothing valid: the same snapshot');
  });

  it('host:port names the primary only when the address field is empty and the host:port is valid', () => {
    const withHp = (primary: string, type: number) => ({
      app_id: 1,
      partition_count: 1,
      partitions: [
        {
          ...partitionConfiguration(1, [0, 1, primary]),
          hp_primary: { host: 'replica-2.example', port: 34801, type },
        },
      ],
    });
    assert.equal(primaryOf(applyAnswer(NO_ROUTES, withHp(A, 1)).snapshot, 0), A, 'the address field wins');
    assert.equal(
      primaryOf(applyAnswer(NO_ROUTES, withHp('', 1)).snapshot, 0),
      'replica-2.example:34801',
      'an empty address: the host:port',
    );
    assert.equal(
      primaryOf(applyAnswer(NO_ROUTES, withHp('', 0)).snapshot, 0),
      null,
      'an invalid (type 0) host:port names no primary',
    );
  });
});
