import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { b, mg, newStore, put, texts } from './onebox-storage-helpers.ts';

function seeded() {
  const store = newStore();
  for (const sk of ['', 'a', 'ab', 'b', 'ba', 'c', 'cb']) put(store, 'h', sk, `v${sk}`);
  put(store, 'g', 'a', 'other');
  put(store, 'i', 'a', 'other');
  return store;
}

describe('onebox storage: multi_get by sort keys', () => {
  it('returns found live keys in request order, duplicates repeated', () => {
    const store = seeded();
    put(store, 'h', 'dead', 'x', 5);
    const r = store.multiGet(mg('h', { sort_keys: [b('c'), b('nope'), b('a'), b('dead'), b('c')] }), 5);
    assert.equal(r.error, 0);
    assert.deepEqual(texts(r.kvs), ['c=vc', 'a=va', 'c=vc']);
  });

  it('ignores range fields and honours no_value', () => {
    const store = seeded();
    const r = store.multiGet(
      mg('h', { sort_keys: [b('b')], start_sortkey: b('x'), reverse: true, no_value: true }),
      0,
    );
    assert.deepEqual(texts(r.kvs), ['b=']);
  });

  it('max_kv_count / max_kv_size cut with Incomplete only when another found key remains', () => {
    const store = seeded();
    const keys = [b('a'), b('zz'), b('b'), b('c')];
    const byCount = store.multiGet(mg('h', { sort_keys: keys, max_kv_count: 2 }), 0);
    assert.equal(byCount.error, 7);
    assert.deepEqual(texts(byCount.kvs, false), ['a', 'b']);
    const exact = store.multiGet(mg('h', { sort_keys: [b('a'), b('b'), b('zz')], max_kv_count: 2 }), 0);
    assert.equal(exact.error, 0);
    // sizes: "a"+"va" = 3; the check runs before each addition, so 3 >= 3 stops.
    const bySize = store.multiGet(mg('h', { sort_keys: keys, max_kv_size: 3 }), 0);
    assert.equal(bySize.error, 7);
    assert.deepEqual(texts(bySize.kvs, false), ['a']);
  });

  it('an unsupported filter type is InvalidArgument even with sort keys', () => {
    const r = seeded().multiGet(mg('h', { sort_keys: [b('a')], sort_key_filter_type: 9 }), 0);
    assert.equal(r.error, 4);
    assert.deepEqual(r.kvs, []);
  });
});

describe('onebox storage: multi_get by range', () => {
  it('empty start/stop = the whole hash key, ascending, no other hash keys', () => {
    const r = seeded().multiGet(mg('h'), 0);
    assert.equal(r.error, 0);
    assert.deepEqual(texts(r.kvs, false), ['', 'a', 'ab', 'b', 'ba', 'c', 'cb']);
  });

  it('start exclusive with an empty start skips the empty sort key', () => {
    const r = seeded().multiGet(mg('h', { start_inclusive: false }), 0);
    assert.deepEqual(texts(r.kvs, false), ['a', 'ab', 'b', 'ba', 'c', 'cb']);
  });

  it('inclusive flags on both ends', () => {
    const store = seeded();
    const range = (si: boolean, ti: boolean) =>
      texts(
        store.multiGet(
          mg('h', { start_sortkey: b('ab'), stop_sortkey: b('c'), start_inclusive: si, stop_inclusive: ti }),
          0,
        ).kvs,
        false,
      );
    assert.deepEqual(range(true, true), ['ab', 'b', 'ba', 'c']);
    assert.deepEqual(range(false, true), ['b', 'ba', 'c']);
    assert.deepEqual(range(true, false), ['ab', 'b', 'ba']);
    assert.deepEqual(range(false, false), ['b', 'ba']);
  });

  it('empty stop ignores stop_inclusive; start == stop needs both inclusive; start > stop is empty Ok', () => {
    const store = seeded();
    assert.deepEqual(
      texts(store.multiGet(mg('h', { start_sortkey: b('c'), stop_inclusive: true }), 0).kvs, false),
      ['c', 'cb'],
    );
    const point = mg('h', { start_sortkey: b('b'), stop_sortkey: b('b'), stop_inclusive: true });
    assert.deepEqual(texts(store.multiGet(point, 0).kvs, false), ['b']);
    assert.deepEqual(store.multiGet({ ...point, stop_inclusive: false }, 0).kvs, []);
    const backwards = store.multiGet(mg('h', { start_sortkey: b('c'), stop_sortkey: b('a') }), 0);
    assert.deepEqual([backwards.error, backwards.kvs.length], [0, 0]);
  });

  it('sort key filters: anywhere, prefix (also narrowing the range), postfix', () => {
    const store = seeded();
    const f = (type: number, pattern: string, over = {}) =>
      texts(
        store.multiGet(
          mg('h', { sort_key_filter_type: type, sort_key_filter_pattern: b(pattern), ...over }),
          0,
        ).kvs,
        false,
      );
    assert.deepEqual(f(1, 'b'), ['ab', 'b', 'ba', 'cb']);
    assert.deepEqual(f(2, 'b'), ['b', 'ba']);
    assert.deepEqual(f(3, 'b'), ['ab', 'b', 'cb']);
    assert.deepEqual(f(2, ''), ['', 'a', 'ab', 'b', 'ba', 'c', 'cb']);
    assert.deepEqual(f(2, 'b', { start_sortkey: b('b'), start_inclusive: false }), ['ba']);
    assert.deepEqual(f(2, 'b', { stop_sortkey: b('b'), stop_inclusive: true }), ['b']);
    assert.deepEqual(f(2, 'zz'), []);
  });

  it('no_value returns keys with empty values', () => {
    const r = seeded().multiGet(mg('h', { no_value: true, start_sortkey: b('c') }), 0);
    assert.deepEqual(texts(r.kvs), ['c=', 'cb=']);
  });

  it('reverse takes from the end but answers in ascending order', () => {
    const store = seeded();
    const r = store.multiGet(mg('h', { reverse: true, max_kv_count: 3 }), 0);
    assert.equal(r.error, 7);
    assert.deepEqual(texts(r.kvs, false), ['ba', 'c', 'cb']);
    const bounded = store.multiGet(
      mg('h', { reverse: true, start_sortkey: b('a'), stop_sortkey: b('c'), start_inclusive: false }),
      0,
    );
    assert.equal(bounded.error, 0);
    assert.deepEqual(texts(bounded.kvs, false), ['ab', 'b', 'ba']);
  });

  it('expired rows are skipped', () => {
    const store = seeded();
    put(store, 'h', 'b', 'short', 10);
    assert.deepEqual(texts(store.multiGet(mg('h', { start_sortkey: b('b') }), 10).kvs, false), [
      'ba',
      'c',
      'cb',
    ]);
  });

  it('client max_kv_count: Incomplete while rows remain in the partition (even past the range)', () => {
    const store = seeded();
    const cut = store.multiGet(mg('h', { max_kv_count: 2 }), 0);
    assert.equal(cut.error, 7);
    assert.deepEqual(texts(cut.kvs, false), ['', 'a']);
    // Exactly the last rows of the range: the server's iterator still sits on a row ('i'), so it says 7.
    const tail = store.multiGet(mg('h', { start_sortkey: b('c'), max_kv_count: 2 }), 0);
    assert.deepEqual([tail.error, texts(tail.kvs, false)], [7, ['c', 'cb']]);
    // The range is walked to its end first: more budget than rows is complete.
    assert.equal(store.multiGet(mg('h', { start_sortkey: b('c'), max_kv_count: 3 }), 0).error, 0);
  });

  it('client max_kv_size stops once the returned bytes reach it', () => {
    const store = seeded();
    // "" + "v" = 1, "a" + "va" = 3 -> 4 >= 4 stops after two rows
    const r = store.multiGet(mg('h', { max_kv_size: 4 }), 0);
    assert.equal(r.error, 7);
    assert.deepEqual(texts(r.kvs, false), ['', 'a']);
  });

  it('server iteration count cap counts filtered and expired rows too', () => {
    const store = newStore({ multiGetMaxIterationCount: 3 });
    for (const sk of ['a1', 'b1', 'a2', 'b2', 'a3']) put(store, 'h', sk, 'v');
    const r = store.multiGet(mg('h', { sort_key_filter_type: 2, sort_key_filter_pattern: b('a') }), 0);
    // prefix 'a' narrows the range to a1,a2,a3; 3 rows fit the cap; the next row (b1) is past the range.
    assert.equal(r.error, 7);
    assert.deepEqual(texts(r.kvs, false), ['a1', 'a2', 'a3']);
    // postfix '2' over a1,a2,a3 (the first three rows visited): one match, budget gone.
    const postfix = store.multiGet(mg('h', { sort_key_filter_type: 3, sort_key_filter_pattern: b('2') }), 0);
    assert.equal(postfix.error, 7);
    assert.deepEqual(texts(postfix.kvs, false), ['a2']);
    const big = store.multiGet(mg('h', { max_kv_count: 100 }), 0);
    assert.deepEqual([big.error, big.kvs.length], [7, 3]);
  });

  it('server size cap applies to ranges', () => {
    const store = newStore({ multiGetMaxIterationSize: 5 });
    for (const sk of ['a', 'b', 'c']) put(store, 'h', sk, 'vv');
    const r = store.multiGet(mg('h'), 0);
    // a+vv = 3, then b+vv makes 6 >= 5: stop with 'c' left
    assert.equal(r.error, 7);
    assert.deepEqual(texts(r.kvs, false), ['a', 'b']);
  });

  it('default server cap is 3000 rows', () => {
    const store = newStore();
    store.multiPut(
      {
        hash_key: b('big'),
        kvs: Array.from({ length: 3005 }, (_, i) => ({ key: b(String(i).padStart(5, '0')), value: b('x') })),
        expire_ts_seconds: 0,
      },
      0,
    );
    const r = store.multiGet(mg('big'), 0);
    assert.equal(r.error, 7);
    assert.equal(r.kvs.length, 3000);
    const rest = store.multiGet(mg('big', { start_sortkey: r.kvs.at(-1)!.key, start_inclusive: false }), 0);
    assert.deepEqual([rest.error, rest.kvs.length], [0, 5]);
  });
});
