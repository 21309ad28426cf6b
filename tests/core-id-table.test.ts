// core/client/id-table.ts: the Map and Set stand-ins of the core's per-call tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdSet, IdTable } from '../core/client/id-table.ts';

describe('IdTable', () => {
  it('counts each id once, however often it is set', () => {
    const t = new IdTable<string>();
    t.set(5, 'a').set(5, 'b').set(7, 'c');
    assert.equal(t.size, 2);
    assert.equal(t.get(5), 'b');
    assert.equal(t.has(7), true);
    assert.equal(t.has(6), false);
    assert.equal(t.get(6), undefined);
  });

  it('delete says whether the id was there, and the size follows', () => {
    const t = new IdTable<string>();
    t.set(1, 'a');
    assert.equal(t.delete(2), false);
    assert.equal(t.size, 1);
    assert.equal(t.delete(1), true);
    assert.equal(t.delete(1), false);
    assert.equal(t.size, 0);
    assert.deepEqual(t.values(), []);
  });

  it('lists values and entries in ascending id order, negative ids (the core’s own calls) first', () => {
    const t = new IdTable<string>();
    for (const id of [30, 2, 1_000_000, 7, 2 ** 40]) t.set(id, `v${id}`);
    t.set(-1, 'own');
    assert.deepEqual(t.values(), ['own', 'v2', 'v7', 'v30', 'v1000000', `v${2 ** 40}`]);
    assert.deepEqual(
      t.entryList().map(([id]) => id),
      [-1, 2, 7, 30, 1_000_000, 2 ** 40],
    );
  });

  it('agrees with a Map under any sequence of sets and deletes (grows, shrinks, wraps its slots)', () => {
    // Property: for every sequence of set(id)/delete(id) with ids from a small window (so runs of
    // colliding slots form and break), from anywhere in the integer range, and negative ones, the
    // table answers get/has/size and lists entries exactly as a Map does (sorted by id).
    const id = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: -5, max: -1 }),
      fc.integer({ min: 2 ** 31 - 8, max: 2 ** 31 + 8 }),
      fc.integer({ min: 1000, max: 1100 }).map((x) => x * 16), // one home slot at capacity 16
      fc.integer({ min: 0, max: 60 }).map((x) => x * 16 + 15), // the last slot: runs wrap around
    );
    const op = fc.record({ del: fc.boolean(), id });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400, size: 'max' }), (ops) => {
        const t = new IdTable<number>();
        const ref = new Map<number, number>();
        let n = 0;
        for (const o of ops) {
          if (o.del) assert.equal(t.delete(o.id), ref.delete(o.id));
          else {
            t.set(o.id, ++n);
            ref.set(o.id, n);
          }
          assert.equal(t.size, ref.size);
        }
        for (const k of [...ref.keys(), 41, -6, 999]) {
          assert.equal(t.get(k), ref.get(k));
          assert.equal(t.has(k), ref.has(k));
        }
        assert.deepEqual(
          t.entryList(),
          [...ref.entries()].sort((a, b) => a[0] - b[0]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('values() is a snapshot: changing the table while looping neither skips nor repeats', () => {
    const t = new IdTable<number>();
    for (let id = 1; id <= 5; id++) t.set(id, id);
    const seen: number[] = [];
    for (const v of t.values()) {
      seen.push(v);
      t.delete(v + 1);
      t.set(v + 100, v + 100);
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    // ids 2..5 deleted on the way (6 was never there), 101..105 added: 1 and 101..105 remain
    assert.deepEqual(t.values(), [1, 101, 102, 103, 104, 105]);
    assert.equal(t.size, 6);
  });

  it('gives the slots of a burst back once it is over', () => {
    const t = new IdTable<number>();
    for (let id = 1; id <= 10_000; id++) t.set(id, id);
    assert.ok(t.capacity >= 20_000, `capacity ${t.capacity} for 10000 entries`);
    for (let id = 1; id <= 9_990; id++) t.delete(id);
    assert.equal(t.size, 10);
    assert.ok(t.capacity <= 128, `capacity ${t.capacity} left for 10 entries`);
    assert.deepEqual(
      t.values(),
      Array.from({ length: 10 }, (_, i) => 9_991 + i),
    );
  });

  it('clear empties it', () => {
    const t = new IdTable<string>();
    t.set(1, 'a').set(2, 'b');
    t.clear();
    assert.equal(t.size, 0);
    assert.equal(t.get(1), undefined);
    t.set(1, 'c');
    assert.equal(t.size, 1);
  });
});

describe('IdSet', () => {
  const item = (id: number, name = `i${id}`) => ({ id, name });
  const set = () => new IdSet<{ id: number; name: string }>((x) => x.id);

  it('holds each member once, by its id', () => {
    const s = set();
    const a = item(1);
    s.add(a).add(a).add(item(2));
    assert.equal(s.size, 2);
    assert.equal(s.has(a), true);
    assert.deepEqual(
      [...s].map((x) => x.name),
      ['i1', 'i2'],
    );
  });

  it('another object with a member’s id is not that member: has and delete say no', () => {
    const s = set();
    const a = item(1, 'a');
    s.add(a);
    const impostor = item(1, 'b');
    assert.throws(() => s.add(impostor), /id 1 is held by another member/);
    assert.equal(s.has(impostor), false);
    assert.equal(s.delete(impostor), false);
    assert.equal(s.size, 1);
    assert.equal(s.delete(a), true);
    assert.equal(s.size, 0);
    assert.equal(s.has(a), false);
  });

  it('iterates over a snapshot in ascending id order; clear empties it', () => {
    const s = set();
    const members = [item(9), item(3), item(5)];
    for (const m of members) s.add(m);
    const seen: number[] = [];
    for (const m of s) {
      seen.push(m.id);
      s.delete(m);
    }
    assert.deepEqual(seen, [3, 5, 9]);
    assert.equal(s.size, 0);
    s.add(item(4));
    s.clear();
    assert.equal(s.size, 0);
    assert.deepEqual([...s], []);
  });
});
