// core/client/id-table.ts, pinned where a Stryker mutant of its resizing survived the id table's
// own tests (docs/MUTANTS.md): the core holds many small tables (a node's or a table's calls, a
// connection's pending replies) that fill and empty all the time, and such a table must not be
// reallocated on the way. Its 16 slots take up to 8 ids (at most half full) and are never given back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdTable } from '../core/client/id-table.ts';

describe('IdTable: a small table keeps its storage', () => {
  it('holds up to 8 ids in its 16 slots, emptied and refilled any number of times', () => {
    const t = new IdTable<number>();
    for (let round = 0; round < 6; round++) {
      for (let id = 1; id <= 8; id++) t.set(round * 100 + id, id);
      assert.equal(t.capacity, 16, `round ${round}: 8 ids`);
      for (let id = 1; id <= 8; id++) assert.equal(t.delete(round * 100 + id), true);
      assert.equal(t.capacity, 16, `round ${round}: emptied`);
      assert.equal(t.size, 0);
    }
    t.set(3, 3);
    assert.equal(t.get(3), 3);
  });

  it('a cleared table takes ids as a fresh one does', () => {
    const t = new IdTable<number>();
    for (let id = 1; id <= 40; id++) t.set(id, id);
    t.clear();
    // ids whose home slots collide in 16 slots: they probe past each other
    for (const id of [16, 32, 0, 17, 33, 1]) t.set(id, id);
    assert.deepEqual(t.values(), [0, 1, 16, 17, 32, 33]);
    assert.equal(t.capacity, 16);
  });
});
