import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionStore } from '../onebox/storage/index.ts';
import { b, drain, k, newStore, put, s, scanAll, scanHash } from './onebox-storage-helpers.ts';

const keyText = (hash: string, sort: string) => s(k(hash, sort));

function many(n: number, hashKeys = ['h']): PartitionStore {
  const store = newStore();
  for (const hk of hashKeys) {
    store.multiPut(
      {
        hash_key: b(hk),
        kvs: Array.from({ length: n }, (_, i) => ({ key: b(String(i).padStart(4, '0')), value: b(`v${i}`) })),
        expire_ts_seconds: 0,
      },
      0,
    );
  }
  return store;
}

describe('onebox storage: get_scanner / scan paging', () => {
  it('pages through many batches, each with a new context id, then -1', () => {
    const store = many(1000);
    const out = drain(store, scanHash('h', { batch_size: 37 }));
    assert.equal(out.keys.length, 1000);
    assert.equal(out.keys[0], keyText('h', '0000'));
    assert.equal(out.keys.at(-1), keyText('h', '0999'));
    assert.equal(out.values[5], 'v5');
    assert.equal(out.batches, Math.ceil(1000 / 37));
    assert.equal(new Set(out.ids).size, out.ids.length, 'ids never reused');
    assert.equal(store.openScanners, 0);
  });

  it('a used context id is gone: scanning it again is NotFound', () => {
    const store = many(10);
    const first = store.getScanner(scanHash('h', { batch_size: 3 }), 0);
    assert.ok(first.context_id >= 0n);
    const second = store.scan({ context_id: first.context_id }, 0);
    assert.equal(second.error, 0);
    assert.notEqual(second.context_id, first.context_id);
    const stale = store.scan({ context_id: first.context_id }, 0);
    assert.equal(stale.error, 1);
    assert.equal(stale.kvs.length, 0);
    assert.equal(store.scan({ context_id: 12345n }, 0).error, 1);
  });

  it('clear_scanner drops a context; unknown ids are ignored', () => {
    const store = many(10);
    const r = store.getScanner(scanHash('h', { batch_size: 3 }), 0);
    store.clearScanner(r.context_id);
    store.clearScanner(999n);
    assert.equal(store.openScanners, 0);
    assert.equal(store.scan({ context_id: r.context_id }, 0).error, 1);
  });

  it('batch_size <= 0 or above the server cap uses the cap (1000)', () => {
    const store = many(1500);
    assert.equal(store.getScanner(scanHash('h', { batch_size: 0 }), 0).kvs.length, 1000);
    assert.equal(store.getScanner(scanHash('h', { batch_size: 5000 }), 0).kvs.length, 1000);
    const small = new PartitionStore({
      appId: 1,
      partitionIndex: 0,
      partitionCount: 1,
      limits: { scanMaxIterationCount: 7 },
    });
    put(small, 'h', 'a', 'v');
    assert.equal(small.limits.scanMaxIterationCount, 7);
  });

  it('a full-table scan crosses hash keys in key order (length prefix first)', () => {
    const store = newStore();
    put(store, 'bb', 'x', '1');
    put(store, 'a', 'y', '2');
    put(store, 'c', '', '3');
    const out = drain(store, scanAll({ batch_size: 2 }));
    assert.deepEqual(out.keys, [keyText('a', 'y'), keyText('c', ''), keyText('bb', 'x')]);
  });

  it('range flags on full keys', () => {
    const store = many(5);
    const r = (si: boolean, ti: boolean) =>
      drain(
        store,
        scanAll({
          start_key: k('h', '0001'),
          stop_key: k('h', '0003'),
          start_inclusive: si,
          stop_inclusive: ti,
        }),
      ).keys;
    assert.deepEqual(
      r(true, true),
      ['0001', '0002', '0003'].map((x) => keyText('h', x)),
    );
    assert.deepEqual(r(false, false), [keyText('h', '0002')]);
    const point = drain(
      store,
      scanAll({ start_key: k('h', '0002'), stop_key: k('h', '0002'), stop_inclusive: true }),
    );
    assert.deepEqual(point.keys, [keyText('h', '0002')]);
  });

  it('an empty range answers Ok, no rows, context -1', () => {
    const store = many(5);
    const r = store.getScanner(scanAll({ start_key: k('h', '0003'), stop_key: k('h', '0001') }), 0);
    assert.deepEqual([r.error, r.kvs.length, r.context_id], [0, 0, -1n]);
    const same = store.getScanner(scanAll({ start_key: k('h', '0003'), stop_key: k('h', '0003') }), 0);
    assert.equal(same.context_id, -1n);
  });

  it('unsupported filter types are InvalidArgument', () => {
    const store = many(5);
    assert.equal(store.getScanner(scanAll({ hash_key_filter_type: 4 }), 0).error, 4);
    assert.equal(store.getScanner(scanAll({ sort_key_filter_type: -1 }), 0).error, 4);
  });

  it('hash-key and sort-key filters', () => {
    const store = newStore();
    for (const hk of ['user1', 'user2', 'admin', 'xuser'])
      for (const sk of ['a_x', 'b_y']) put(store, hk, sk, 'v');
    const keys = (over = {}) => drain(store, scanAll({ batch_size: 3, ...over })).keys;
    assert.deepEqual(keys({ hash_key_filter_type: 2, hash_key_filter_pattern: b('user') }), [
      keyText('user1', 'a_x'),
      keyText('user1', 'b_y'),
      keyText('user2', 'a_x'),
      keyText('user2', 'b_y'),
    ]);
    assert.equal(keys({ hash_key_filter_type: 1, hash_key_filter_pattern: b('user') }).length, 6);
    assert.deepEqual(keys({ hash_key_filter_type: 3, hash_key_filter_pattern: b('min') }), [
      keyText('admin', 'a_x'),
      keyText('admin', 'b_y'),
    ]);
    assert.deepEqual(
      keys({
        sort_key_filter_type: 3,
        sort_key_filter_pattern: b('_y'),
        hash_key_filter_type: 2,
        hash_key_filter_pattern: b('x'),
      }),
      [keyText('xuser', 'b_y')],
    );
  });

  it('filtered rows count against a scan batch (not against get_scanner)', () => {
    const store = many(20);
    const req = scanHash('h', { batch_size: 5, sort_key_filter_type: 3, sort_key_filter_pattern: b('0') });
    // get_scanner may visit up to the server cap (1000) to fill its batch: both matches, done.
    const whole = store.getScanner(req, 0);
    assert.deepEqual(
      whole.kvs.map((kv) => s(kv.key)),
      [keyText('h', '0000'), keyText('h', '0010')],
    );
    assert.equal(whole.context_id, -1n);
    // With batch_size 1, get_scanner stops at 0000; each scan then visits only one row, so the
    // filtered rows come back as empty batches that still carry a context.
    const first = store.getScanner({ ...req, batch_size: 1 }, 0);
    assert.deepEqual(
      first.kvs.map((kv) => s(kv.key)),
      [keyText('h', '0000')],
    );
    const second = store.scan({ context_id: first.context_id }, 0);
    assert.deepEqual([second.error, second.kvs.length, second.context_id >= 0n], [0, 0, true]);
    store.clearScanner(second.context_id);
    const out = drain(store, { ...req, batch_size: 1 });
    assert.deepEqual(out.keys, [keyText('h', '0000'), keyText('h', '0010')]);
    assert.equal(out.batches, 20);
  });

  it('no_value, return_expire_ts and only_return_count', () => {
    const store = newStore();
    put(store, 'h', 'a', 'v1', 500);
    put(store, 'h', 'b', 'v2');
    const r = store.getScanner(scanHash('h', { no_value: true, return_expire_ts: true }), 10);
    assert.deepEqual(
      r.kvs.map((kv) => [s(kv.key), kv.value.length, kv.expire_ts_seconds]),
      [
        [keyText('h', 'a'), 0, 500],
        [keyText('h', 'b'), 0, 0],
      ],
    );
    const plain = store.getScanner(scanHash('h'), 10);
    assert.equal('expire_ts_seconds' in plain.kvs[0]!, false);
    assert.equal(plain.kv_count, undefined);
    const counted = store.getScanner(scanHash('h', { only_return_count: true }), 10);
    assert.deepEqual([counted.kvs.length, counted.kv_count, counted.context_id], [0, 2, -1n]);
  });

  it('only_return_count pages too: kv_count per batch', () => {
    const store = many(25);
    let r = store.getScanner(scanHash('h', { only_return_count: true, batch_size: 10 }), 0);
    let total = 0;
    for (;;) {
      total += r.kv_count ?? 0;
      assert.equal(r.kvs.length, 0);
      if (r.context_id < 0n) break;
      r = store.scan({ context_id: r.context_id }, 0);
    }
    assert.equal(total, 25);
  });

  it('expired rows are skipped, judged at each batch time', () => {
    const store = newStore();
    put(store, 'h', 'a', '1', 100);
    put(store, 'h', 'b', '2', 100);
    put(store, 'h', 'c', '3');
    const first = store.getScanner(scanHash('h', { batch_size: 1 }), 50);
    assert.deepEqual(
      first.kvs.map((kv) => s(kv.value)),
      ['1'],
    );
    const second = store.scan({ context_id: first.context_id }, 100);
    assert.deepEqual(
      second.kvs.map((kv) => s(kv.value)),
      [],
    );
    const third = store.scan({ context_id: second.context_id }, 100);
    assert.deepEqual(
      third.kvs.map((kv) => s(kv.value)),
      ['3'],
    );
  });

  it('a scanner sees the data as of get_scanner (snapshot)', () => {
    const store = many(6);
    const first = store.getScanner(scanHash('h', { batch_size: 2 }), 0);
    store.remove(k('h', '0003'), 0);
    put(store, 'h', '0002x', 'new');
    const rest: string[] = [];
    let r = first;
    while (r.context_id >= 0n) {
      r = store.scan({ context_id: r.context_id }, 0);
      rest.push(...r.kvs.map((kv) => s(kv.key)));
    }
    assert.deepEqual(
      rest,
      ['0002', '0003', '0004', '0005'].map((x) => keyText('h', x)),
    );
  });

  it('ending exactly at the batch boundary with rows beyond the range costs one empty round, like the server', () => {
    const store = many(4, ['g', 'h']);
    const r = store.getScanner(scanHash('g', { batch_size: 4 }), 0);
    assert.equal(r.kvs.length, 4);
    assert.ok(r.context_id >= 0n);
    const last = store.scan({ context_id: r.context_id }, 0);
    assert.deepEqual([last.error, last.kvs.length, last.context_id], [0, 0, -1n]);
    const tail = store.getScanner(scanHash('h', { batch_size: 4 }), 0);
    assert.equal(tail.context_id, -1n, 'nothing after the last row of the partition');
  });

  it('validate_partition_hash drops rows of other partitions (default on) and follows setPartitionCount', () => {
    // crc64 mod 8: "a" -> 4, "pegasus" -> 4, "s" -> 7, "hashkey" -> 2; mod 4: "a" 0, "s" 3, "hashkey" 2, "pegasus" 0
    const store = new PartitionStore({ appId: 1, partitionIndex: 4, partitionCount: 8 });
    for (const hk of ['a', 'pegasus', 's', 'hashkey']) put(store, hk, 'x', hk);
    const values = (over = {}) => drain(store, scanAll(over)).values.sort();
    assert.deepEqual(values(), ['a', 'pegasus']);
    assert.deepEqual(values({ validate_partition_hash: true }), ['a', 'pegasus']);
    assert.deepEqual(values({ validate_partition_hash: false }), ['a', 'hashkey', 'pegasus', 's']);
    store.setPartitionCount(16);
    // mod 16: "a" -> 12, "pegasus" -> 4
    assert.deepEqual(values(), ['pegasus']);
    assert.throws(() => store.setPartitionCount(0), RangeError);
  });

  it('an empty hash key hashes its sort key', () => {
    const store = new PartitionStore({ appId: 1, partitionIndex: 4, partitionCount: 8 });
    put(store, '', 'a', 'yes'); // crc64("a") mod 8 = 4
    put(store, '', 's', 'no'); // crc64("s") mod 8 = 7
    assert.deepEqual(drain(store, scanAll()).values, ['yes']);
  });

  it('contextIdBase offsets ids', () => {
    const store = new PartitionStore({
      appId: 1,
      partitionIndex: 0,
      partitionCount: 1,
      contextIdBase: 5n << 32n,
    });
    for (const sk of ['a', 'b', 'c']) put(store, 'h', sk, 'v');
    assert.equal(store.getScanner(scanHash('h', { batch_size: 1 }), 0).context_id, 5n << 32n);
  });
});
