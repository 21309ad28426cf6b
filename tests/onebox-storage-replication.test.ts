import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionStore } from '../onebox/storage/index.ts';
import { b, k, newStore, put, s, scanHash } from './onebox-storage-helpers.ts';

describe('onebox storage: clone / dump / replication support', () => {
  it('clone copies data and decree; afterwards the two are independent', () => {
    const store = newStore();
    put(store, 'h', 'a', '1', 100);
    put(store, 'h', 'b', '2');
    const copy = store.clone();
    assert.equal(copy.lastDecree, 2n);
    assert.deepEqual(copy.dump(0), store.dump(0));

    put(copy, 'h', 'c', 'only in copy');
    store.remove(k('h', 'a'), 0);
    assert.equal(store.get(k('h', 'c'), 0).error, 1);
    assert.equal(s(copy.get(k('h', 'a'), 0).value), '1');
    assert.equal(copy.ttl(k('h', 'a'), 40).ttl_seconds, 60);
    assert.deepEqual([store.lastDecree, copy.lastDecree], [3n, 3n]);
    assert.notDeepEqual(copy.dump(0), store.dump(0));
  });

  it('mutating a dump or a read result does not reach either replica', () => {
    const store = newStore();
    put(store, 'h', 'a', 'abc');
    const copy = store.clone();
    const dumped = store.dump(0)[0]!;
    dumped.value[0] = 0x7a;
    dumped.key[2] = 0x7a;
    assert.equal(s(store.get(k('h', 'a'), 0).value), 'abc');
    assert.equal(s(copy.get(k('h', 'a'), 0).value), 'abc');
  });

  it('scanner contexts are not cloned, and the clone does not re-issue ids', () => {
    const store = newStore();
    for (const sk of ['a', 'b', 'c']) put(store, 'h', sk, 'v');
    const open = store.getScanner(scanHash('h', { batch_size: 1 }), 0);
    assert.ok(open.context_id >= 0n);
    const copy = store.clone();
    assert.equal(copy.openScanners, 0);
    assert.equal(copy.scan({ context_id: open.context_id }, 0).error, 1);
    const fresh = copy.getScanner(scanHash('h', { batch_size: 1 }), 0);
    assert.ok(fresh.context_id > open.context_id);
    assert.equal(store.scan({ context_id: open.context_id }, 0).error, 0, 'the original still has it');
  });

  it('clone keeps identity, partition count and limits', () => {
    const store = new PartitionStore({
      appId: 9,
      partitionIndex: 3,
      partitionCount: 4,
      limits: { scanMaxIterationCount: 5 },
    });
    store.setPartitionCount(8);
    const copy = store.clone();
    assert.equal(copy.partitionCount, 8);
    assert.equal(copy.limits.scanMaxIterationCount, 5);
    const r = copy.get(k('x'), 0);
    assert.deepEqual([r.app_id, r.partition_index], [9, 3]);
  });

  it('dump is sorted, hides expired rows and reports the stored expiry', () => {
    const store = newStore();
    put(store, 'b', 'x', '1');
    put(store, 'a', 'y', '2', 30);
    put(store, 'a', 'x', '3', 10);
    const rows = store.dump(10).map((r) => [s(r.key), s(r.value), r.expireTsSeconds]);
    assert.deepEqual(rows, [
      [s(k('a', 'y')), '2', 30],
      [s(k('b', 'x')), '1', 0],
    ]);
    assert.equal(store.dump(0).length, 3);
  });

  it('an i32 negative expiry on put is stored as the server does (uint32), i.e. practically never', () => {
    const store = newStore();
    store.put({ key: k('h', 'n'), value: b('v'), expire_ts_seconds: -1 }, 0);
    assert.equal(store.get(k('h', 'n'), 1_000_000).error, 0);
    assert.equal(store.dump(0)[0]!.expireTsSeconds, 0xffffffff);
  });
});
