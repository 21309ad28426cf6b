import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionStore } from '../onebox/storage/index.ts';
import { b, k, mg, newStore, put, s } from './onebox-storage-helpers.ts';

describe('onebox storage: get / put / remove', () => {
  it('get finds a put value and echoes the store identity', () => {
    const store = new PartitionStore({ appId: 7, partitionIndex: 2, partitionCount: 4 });
    const w = store.put({ key: k('h', 's'), value: b('v'), expire_ts_seconds: 0 }, 100);
    assert.deepEqual(w, { error: 0, app_id: 7, partition_index: 2, server: '', decree: 1n });
    const r = store.get(k('h', 's'), 100);
    assert.equal(r.error, 0);
    assert.equal(s(r.value), 'v');
    assert.equal(r.app_id, 7);
    assert.equal(r.partition_index, 2);
    assert.equal(r.server, '');
  });

  it('get of a missing key is NotFound with an empty value', () => {
    const r = newStore().get(k('h', 'nope'), 0);
    assert.equal(r.error, 1);
    assert.equal(r.value.length, 0);
  });

  it('put overwrites value and expiry; empty values are values', () => {
    const store = newStore();
    put(store, 'h', 's', 'one', 50);
    put(store, 'h', 's', '', 0);
    const r = store.get(k('h', 's'), 1000);
    assert.equal(r.error, 0);
    assert.equal(r.value.length, 0);
    assert.equal(store.ttl(k('h', 's'), 1000).ttl_seconds, -1);
  });

  it('the store copies request buffers', () => {
    const store = newStore();
    const value = b('abc');
    store.put({ key: k('h', 's'), value, expire_ts_seconds: 0 }, 0);
    value[0] = 0x7a;
    const got = store.get(k('h', 's'), 0).value;
    assert.equal(s(got), 'abc');
    got[0] = 0x7a;
    assert.equal(s(store.get(k('h', 's'), 0).value), 'abc');
  });

  it('remove deletes and succeeds even for a missing key', () => {
    const store = newStore();
    put(store, 'h', 's', 'v');
    assert.equal(store.remove(k('h', 's'), 0).error, 0);
    assert.equal(store.get(k('h', 's'), 0).error, 1);
    const again = store.remove(k('h', 's'), 0);
    assert.equal(again.error, 0);
    assert.equal(again.decree, 3n);
  });

  it('a malformed full key is refused with InvalidArgument but consumes a decree', () => {
    const store = newStore();
    const r = store.put({ key: Buffer.from([0, 5, 1]), value: b('v'), expire_ts_seconds: 0 }, 0);
    assert.equal(r.error, 4);
    assert.equal(store.lastDecree, 1n);
    assert.equal(store.dump(0).length, 0);
  });

  it('keys compare as unsigned bytes', () => {
    const store = newStore();
    store.put({ key: Buffer.from([0, 1, 0x80]), value: b('hi'), expire_ts_seconds: 0 }, 0);
    store.put({ key: Buffer.from([0, 1, 0x7f]), value: b('lo'), expire_ts_seconds: 0 }, 0);
    assert.deepEqual(
      store.dump(0).map((r) => s(r.value)),
      ['lo', 'hi'],
    );
  });
});

describe('onebox storage: TTL', () => {
  it('records are invisible once expire <= now and ttl counts down', () => {
    const store = newStore();
    put(store, 'h', 's', 'v', 100);
    assert.deepEqual([store.ttl(k('h', 's'), 40).error, store.ttl(k('h', 's'), 40).ttl_seconds], [0, 60]);
    assert.equal(store.ttl(k('h', 's'), 99).ttl_seconds, 1);
    assert.equal(store.get(k('h', 's'), 99).error, 0);
    assert.equal(store.get(k('h', 's'), 100).error, 1);
    assert.equal(store.ttl(k('h', 's'), 100).error, 1);
    assert.equal(store.get(k('h', 's'), 5000).error, 1);
    assert.equal(store.dump(100).length, 0);
    assert.equal(store.dump(99).length, 1);
  });

  it('ttl is -1 without expiry and NotFound when absent', () => {
    const store = newStore();
    put(store, 'h', 's', 'v');
    assert.deepEqual([store.ttl(k('h', 's'), 9).error, store.ttl(k('h', 's'), 9).ttl_seconds], [0, -1]);
    assert.equal(store.ttl(k('h', 'x'), 9).error, 1);
  });

  it('an expired record can be overwritten into a live one', () => {
    const store = newStore();
    put(store, 'h', 's', 'old', 10);
    put(store, 'h', 's', 'new', 0, 20);
    assert.equal(s(store.get(k('h', 's'), 20).value), 'new');
  });
});

describe('onebox storage: multi_put / multi_remove / batch_get / sortkey_count', () => {
  it('multi_put writes every pair with the request expiry (kv expiry ignored)', () => {
    const store = newStore();
    const r = store.multiPut(
      {
        hash_key: b('h'),
        kvs: [
          { key: b('a'), value: b('1'), expire_ts_seconds: 999 },
          { key: b('b'), value: b('2') },
          { key: b('a'), value: b('3') },
        ],
        expire_ts_seconds: 50,
      },
      0,
    );
    assert.equal(r.error, 0);
    assert.equal(r.decree, 1n);
    assert.equal(s(store.get(k('h', 'a'), 0).value), '3', 'later duplicate wins');
    assert.equal(store.ttl(k('h', 'b'), 10).ttl_seconds, 40);
    assert.equal(store.ttl(k('h', 'a'), 10).ttl_seconds, 40);
  });

  it('multi_put with no kvs is InvalidArgument and still takes a decree', () => {
    const store = newStore();
    const r = store.multiPut({ hash_key: b('h'), kvs: [], expire_ts_seconds: 0 }, 0);
    assert.equal(r.error, 4);
    assert.equal(r.decree, 1n);
    assert.equal(store.lastDecree, 1n);
  });

  it('multi_remove deletes and reports the number of requested sort keys (server behaviour)', () => {
    const store = newStore();
    put(store, 'h', 'a', '1');
    put(store, 'h', 'b', '2');
    const r = store.multiRemove({ hash_key: b('h'), sort_keys: [b('a'), b('zz')], max_count: 0n }, 0);
    assert.equal(r.error, 0);
    assert.equal(r.count, 2n);
    assert.equal(r.decree, 3n);
    assert.equal(store.get(k('h', 'a'), 0).error, 1);
    assert.equal(store.get(k('h', 'b'), 0).error, 0);
    const empty = store.multiRemove({ hash_key: b('h'), sort_keys: [], max_count: 0n }, 0);
    assert.equal(empty.error, 4);
    assert.equal(empty.count, 0n);
  });

  it('batch_get returns only found live keys, in request order', () => {
    const store = newStore();
    put(store, 'h1', 'a', '1');
    put(store, 'h2', 'b', '2', 10);
    put(store, 'h3', 'c', '3');
    const r = store.batchGet(
      {
        keys: [
          { hash_key: b('h3'), sort_key: b('c') },
          { hash_key: b('h1'), sort_key: b('zz') },
          { hash_key: b('h2'), sort_key: b('b') },
          { hash_key: b('h1'), sort_key: b('a') },
        ],
      },
      10,
    );
    assert.equal(r.error, 0);
    assert.deepEqual(
      r.data.map((d) => `${s(d.hash_key)}/${s(d.sort_key)}=${s(d.value)}`),
      ['h3/c=3', 'h1/a=1'],
    );
    assert.equal(store.batchGet({ keys: [] }, 0).error, 4);
  });

  it('sortkey_count counts live sort keys of exactly one hash key', () => {
    const store = newStore();
    put(store, 'h', '', 'empty sort key');
    put(store, 'h', 'a', '1');
    put(store, 'h', 'b', '2', 5);
    put(store, 'h\u0000', 'x', 'other hash key');
    put(store, 'hh', 'x', 'other hash key');
    put(store, 'g', 'x', 'other hash key');
    assert.equal(store.sortKeyCount(b('h'), 0).count, 3n);
    assert.equal(store.sortKeyCount(b('h'), 5).count, 2n);
    assert.equal(store.sortKeyCount(b('none'), 5).count, 0n);
    assert.equal(store.sortKeyCount(b('h'), 5).error, 0);
  });

  it('sortkey_count answers -1 when the (simulated) iteration budget runs out', () => {
    const store = newStore({ sortKeyCountMaxIterationCount: 2 });
    for (const sk of ['a', 'b', 'c']) put(store, 'h', sk, 'v');
    assert.equal(store.sortKeyCount(b('h'), 0).count, -1n);
    assert.equal(store.sortKeyCount(b('g'), 0).count, 0n);
  });
});

describe('onebox storage: incr', () => {
  const incr = (store: PartitionStore, sk: string, by: bigint, expire = 0, now = 0) =>
    store.incr({ key: k('h', sk), increment: by, expire_ts_seconds: expire }, now);

  it('absent counts as 0 and the result is stored as decimal text', () => {
    const store = newStore();
    const r = incr(store, 'n', 5n);
    assert.deepEqual([r.error, r.new_value, r.decree], [0, 5n, 1n]);
    assert.equal(incr(store, 'n', -7n).new_value, -2n);
    assert.equal(s(store.get(k('h', 'n'), 0).value), '-2');
    assert.equal(incr(store, 'n', 0n).new_value, -2n);
  });

  it('expired and empty values count as 0', () => {
    const store = newStore();
    put(store, 'h', 'e', '100', 10);
    const r = incr(store, 'e', 1n, 0, 10);
    assert.equal(r.new_value, 1n);
    assert.equal(store.ttl(k('h', 'e'), 10).ttl_seconds, -1, 'an expired record does not lend its TTL');
    put(store, 'h', 'z', '');
    assert.equal(incr(store, 'z', 3n).new_value, 3n);
  });

  it('expiry: 0 keeps, > 0 sets, < 0 clears', () => {
    const store = newStore();
    put(store, 'h', 'n', '1', 100);
    incr(store, 'n', 1n, 0, 10);
    assert.equal(store.ttl(k('h', 'n'), 10).ttl_seconds, 90);
    incr(store, 'n', 1n, 500, 10);
    assert.equal(store.ttl(k('h', 'n'), 10).ttl_seconds, 490);
    incr(store, 'n', 1n, -1, 10);
    assert.equal(store.ttl(k('h', 'n'), 10).ttl_seconds, -1);
    assert.equal(s(store.get(k('h', 'n'), 10).value), '4');
    incr(store, 'fresh', 1n, -1, 10);
    assert.equal(store.ttl(k('h', 'fresh'), 10).ttl_seconds, -1);
    incr(store, 'fresh2', 1n, 77, 10);
    assert.equal(store.ttl(k('h', 'fresh2'), 10).ttl_seconds, 67);
  });

  it('a non-integer value is InvalidArgument and is left alone', () => {
    const store = newStore();
    put(store, 'h', 'x', 'abc');
    const r = incr(store, 'x', 1n);
    assert.deepEqual([r.error, r.new_value, r.decree], [4, 0n, 2n]);
    assert.equal(s(store.get(k('h', 'x'), 0).value), 'abc');
    put(store, 'h', 'y', '1.5');
    assert.equal(incr(store, 'y', 1n).error, 4);
  });

  it('overflow is InvalidArgument and reports the old value', () => {
    const store = newStore();
    put(store, 'h', 'm', '9223372036854775807');
    const r = incr(store, 'm', 1n);
    assert.deepEqual([r.error, r.new_value], [4, 9223372036854775807n]);
    put(store, 'h', 'n', '-9223372036854775808');
    assert.equal(incr(store, 'n', -1n).error, 4);
    assert.equal(incr(store, 'n', 1n).new_value, -9223372036854775807n);
  });

  it('accepts what strtoll accepts (hex, octal, leading spaces)', () => {
    const store = newStore();
    put(store, 'h', 'x', '0x10');
    assert.equal(incr(store, 'x', 1n).new_value, 17n);
    put(store, 'h', 'o', ' 010');
    assert.equal(incr(store, 'o', 0n).new_value, 8n);
  });
});

describe('onebox storage: decrees', () => {
  it('every write takes the next decree, reads take none', () => {
    const store = newStore();
    assert.equal(store.lastDecree, 0n);
    put(store, 'h', 'a', '1');
    store.get(k('h', 'a'), 0);
    store.multiGet(mg('h'), 0);
    assert.equal(store.lastDecree, 1n);
    store.remove(k('h', 'zz'), 0);
    store.incr({ key: k('h', 'a'), increment: 1n, expire_ts_seconds: 0 }, 0);
    assert.equal(store.lastDecree, 3n);
  });
});
