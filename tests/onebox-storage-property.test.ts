// Property tests for the onebox storage engine.
//
// P1 (model agreement). Let M be the reference model: a Map from (hash key, sort key) to (value, expire),
// where a record is live at time t iff expire = 0 or expire > t. For every finite sequence of operations
// o1..on drawn from {put, remove, multiPut, multiRemove, incr, get, multiGet-by-keys, sortKeyCount, tick}
// with a non-decreasing clock t (tick advances it), applying oi to a fresh PartitionStore S and to M at
// time t yields equal observable results for every i (error codes, values, counts, incr results,
// decrees), and at the end dump(S, t) equals the live entries of M sorted by encoded key.
//
// P2 (replication determinism). For every sequence A of operations and every sequence B of write
// operations: if S' = clone(S) after applying A to S, then applying B to S and S' at the same times gives
// identical responses, lastDecree(S) = lastDecree(S'), and dump(S, t) = dump(S', t).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PartitionStore } from '../onebox/storage/index.ts';
import { encodeKey } from '../onebox/storage/key-codec.ts';
import { b, mg, s } from './onebox-storage-helpers.ts';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

// Small key spaces so operations collide; '\u00ff' exercises unsigned ordering.
const hashKey = fc.constantFrom('', 'a', 'b', 'ab');
const sortKey = fc.constantFrom('', 'x', 'y', 'xy', '\u00ff');
const value = fc.oneof(
  fc.constantFrom('', 'abc', '12x', '9223372036854775807', '-9223372036854775808', '99999999999999999999'),
  fc.bigInt(-50n, 50n).map(String),
);
const ttl = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }));

type Op =
  | { kind: 'put'; h: string; s: string; v: string; ttl: number }
  | { kind: 'remove'; h: string; s: string }
  | { kind: 'multiPut'; h: string; kvs: Array<[string, string]>; ttl: number }
  | { kind: 'multiRemove'; h: string; sorts: string[] }
  | { kind: 'incr'; h: string; s: string; by: bigint; expire: 'keep' | 'clear' | number }
  | { kind: 'get'; h: string; s: string }
  | { kind: 'multiGet'; h: string; sorts: string[] }
  | { kind: 'count'; h: string }
  | { kind: 'tick'; dt: number };

const writeOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), h: hashKey, s: sortKey, v: value, ttl }),
  fc.record({ kind: fc.constant('remove' as const), h: hashKey, s: sortKey }),
  fc.record({
    kind: fc.constant('multiPut' as const),
    h: hashKey,
    kvs: fc.array(fc.tuple(sortKey, value), { maxLength: 4 }),
    ttl,
  }),
  fc.record({
    kind: fc.constant('multiRemove' as const),
    h: hashKey,
    sorts: fc.array(sortKey, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('incr' as const),
    h: hashKey,
    s: sortKey,
    by: fc.oneof(fc.bigInt(-10n, 10n), fc.constantFrom(INT64_MAX, INT64_MIN)),
    expire: fc.oneof(fc.constantFrom('keep' as const, 'clear' as const), fc.integer({ min: 1, max: 8 })),
  }),
);
const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: writeOp, weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('get' as const), h: hashKey, s: sortKey }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('multiGet' as const),
      h: hashKey,
      sorts: fc.array(sortKey, { minLength: 1, maxLength: 5 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('count' as const), h: hashKey }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 5 }) }),
    weight: 2,
  },
);

/** The reference: a plain Map, decimal-only integers, expiry checked on every read. */
class Model {
  readonly rows = new Map<string, { h: string; s: string; v: string; expire: number }>();
  decree = 0n;
  now = 1000;
  private id = (h: string, sk: string) => JSON.stringify([h, sk]);
  live(h: string, sk: string) {
    const r = this.rows.get(this.id(h, sk));
    return r !== undefined && (r.expire === 0 || r.expire > this.now) ? r : undefined;
  }
  set(h: string, sk: string, v: string, expire: number) {
    this.rows.set(this.id(h, sk), { h, s: sk, v, expire });
  }
  del(h: string, sk: string) {
    this.rows.delete(this.id(h, sk));
  }
  static parse(text: string): bigint | undefined {
    if (!/^-?(0|[1-9][0-9]*)$/.test(text)) return undefined;
    const n = BigInt(text);
    return n < INT64_MIN || n > INT64_MAX ? undefined : n;
  }
}

/** Applies one op to both; returns comparable observations. */
function step(store: PartitionStore, model: Model, op: Op): void {
  const now = model.now;
  const key = (h: string, sk: string) => encodeKey(b(h), b(sk));
  const expireOf = (t: number) => (t === 0 ? 0 : now + t);
  switch (op.kind) {
    case 'tick':
      model.now += op.dt;
      return;
    case 'put': {
      const r = store.put({ key: key(op.h, op.s), value: b(op.v), expire_ts_seconds: expireOf(op.ttl) }, now);
      model.set(op.h, op.s, op.v, expireOf(op.ttl));
      assert.deepEqual([r.error, r.decree], [0, ++model.decree]);
      return;
    }
    case 'remove': {
      const r = store.remove(key(op.h, op.s), now);
      model.del(op.h, op.s);
      assert.deepEqual([r.error, r.decree], [0, ++model.decree]);
      return;
    }
    case 'multiPut': {
      const r = store.multiPut(
        {
          hash_key: b(op.h),
          kvs: op.kvs.map(([sk, v]) => ({ key: b(sk), value: b(v) })),
          expire_ts_seconds: expireOf(op.ttl),
        },
        now,
      );
      for (const [sk, v] of op.kvs) model.set(op.h, sk, v, expireOf(op.ttl));
      assert.deepEqual([r.error, r.decree], [op.kvs.length === 0 ? 4 : 0, ++model.decree]);
      return;
    }
    case 'multiRemove': {
      const r = store.multiRemove({ hash_key: b(op.h), sort_keys: op.sorts.map(b), max_count: 0n }, now);
      for (const sk of op.sorts) model.del(op.h, sk);
      const expected = op.sorts.length === 0 ? [4, 0n] : [0, BigInt(op.sorts.length)];
      assert.deepEqual([r.error, r.count, r.decree], [...expected, ++model.decree]);
      return;
    }
    case 'incr': {
      const wire = op.expire === 'keep' ? 0 : op.expire === 'clear' ? -1 : now + op.expire;
      const r = store.incr({ key: key(op.h, op.s), increment: op.by, expire_ts_seconds: wire }, now);
      const old = model.live(op.h, op.s);
      let expected: [number, bigint];
      if (old === undefined) {
        model.set(op.h, op.s, op.by.toString(), Math.max(wire, 0));
        expected = [0, op.by];
      } else {
        const base = old.v === '' ? 0n : Model.parse(old.v);
        const sum = base === undefined ? undefined : base + op.by;
        if (base === undefined) expected = [4, 0n];
        else if (sum === undefined || sum < INT64_MIN || sum > INT64_MAX) expected = [4, base];
        else {
          const expire = wire === 0 ? old.expire : Math.max(wire, 0);
          model.set(op.h, op.s, sum.toString(), expire);
          expected = [0, sum];
        }
      }
      assert.deepEqual([r.error, r.new_value, r.decree], [...expected, ++model.decree]);
      return;
    }
    case 'get': {
      const r = store.get(key(op.h, op.s), now);
      const m = model.live(op.h, op.s);
      assert.deepEqual([r.error, s(r.value)], m === undefined ? [1, ''] : [0, m.v]);
      return;
    }
    case 'multiGet': {
      const r = store.multiGet(mg(op.h, { sort_keys: op.sorts.map(b) }), now);
      const expected = op.sorts.flatMap((sk) => {
        const m = model.live(op.h, sk);
        return m === undefined ? [] : [`${sk}=${m.v}`];
      });
      assert.deepEqual([r.error, r.kvs.map((kv) => `${s(kv.key)}=${s(kv.value)}`)], [0, expected]);
      return;
    }
    case 'count': {
      const r = store.sortKeyCount(b(op.h), now);
      const expected = [...model.rows.values()].filter(
        (row) => row.h === op.h && model.live(row.h, row.s),
      ).length;
      assert.deepEqual([r.error, r.count], [0, BigInt(expected)]);
      return;
    }
  }
}

function modelDump(model: Model): string[] {
  return [...model.rows.values()]
    .filter((r) => model.live(r.h, r.s))
    .map((r) => ({ key: encodeKey(b(r.h), b(r.s)), r }))
    .sort((x, y) => Buffer.compare(x.key, y.key))
    .map(({ key, r }) => `${key.toString('hex')}:${r.v}:${r.expire}`);
}

const storeDump = (store: PartitionStore, now: number): string[] =>
  store.dump(now).map((r) => `${r.key.toString('hex')}:${s(r.value)}:${r.expireTsSeconds}`);

const fresh = () => new PartitionStore({ appId: 1, partitionIndex: 0, partitionCount: 1 });

describe('onebox storage: properties', () => {
  it('P1: the store agrees with a Map model on random operation sequences', () => {
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 60 }), (ops) => {
        const store = fresh();
        const model = new Model();
        for (const op of ops) step(store, model, op);
        assert.deepEqual(storeDump(store, model.now), modelDump(model));
        assert.equal(store.lastDecree, model.decree);
      }),
      { numRuns: 300 },
    );
  });

  it('P2: a clone fed the same writes stays identical (replication determinism)', () => {
    const timedWrites = fc.array(fc.tuple(writeOp, fc.integer({ min: 0, max: 3 })), { maxLength: 30 });
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 30 }), timedWrites, (prefix, writes) => {
        const store = fresh();
        const model = new Model();
        for (const op of prefix) step(store, model, op);
        const replica = store.clone();
        assert.deepEqual(storeDump(replica, model.now), storeDump(store, model.now));
        let now = model.now;
        for (const [op, dt] of writes) {
          now += dt;
          // Same request objects, same time: responses must match too.
          assert.deepEqual(applyWrite(replica, op, now), applyWrite(store, op, now));
        }
        assert.equal(replica.lastDecree, store.lastDecree);
        assert.deepEqual(storeDump(replica, now), storeDump(store, now));
        assert.deepEqual(storeDump(replica, 0), storeDump(store, 0), 'expired rows too');
      }),
      { numRuns: 300 },
    );
  });
});

function applyWrite(store: PartitionStore, op: Op, now: number): unknown {
  const key = (h: string, sk: string) => encodeKey(b(h), b(sk));
  const expireOf = (t: number) => (t === 0 ? 0 : now + t);
  switch (op.kind) {
    case 'put':
      return store.put({ key: key(op.h, op.s), value: b(op.v), expire_ts_seconds: expireOf(op.ttl) }, now);
    case 'remove':
      return store.remove(key(op.h, op.s), now);
    case 'multiPut':
      return store.multiPut(
        {
          hash_key: b(op.h),
          kvs: op.kvs.map(([sk, v]) => ({ key: b(sk), value: b(v) })),
          expire_ts_seconds: expireOf(op.ttl),
        },
        now,
      );
    case 'multiRemove':
      return store.multiRemove({ hash_key: b(op.h), sort_keys: op.sorts.map(b), max_count: 0n }, now);
    case 'incr': {
      const wire = op.expire === 'keep' ? 0 : op.expire === 'clear' ? -1 : now + op.expire;
      return store.incr({ key: key(op.h, op.s), increment: op.by, expire_ts_seconds: wire }, now);
    }
    default:
      throw new Error(`not a write: ${op.kind}`);
  }
}
