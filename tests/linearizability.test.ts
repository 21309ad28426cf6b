// The linearizability checker must reject what is not linearizable, or the property using it proves nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLinearizable } from '../sim/linearizability.ts';
import type { CallRecord } from '../sim/scenario.ts';
import type { SimOp } from '../sim/workload.ts';

let id = 0;
function op(
  op: SimOp,
  atMs: number,
  settleMs: number | null,
  ok: boolean,
  extra: { value?: number; result?: unknown; sent?: number } = {},
): CallRecord {
  id++;
  return {
    callId: id,
    op,
    key: 0,
    value: extra.value ?? 0,
    atMs,
    timeoutMs: 1000,
    deadlineMs: atMs + 1000,
    settleMs,
    settles: 1,
    ok,
    code: ok ? null : 'ERR_TIMEOUT',
    outcomeUnknown: !ok,
    result: extra.result,
    mayApply: extra.sent ?? 1,
    backups: 0,
    servedByBackup: false,
  };
}
const read = (v: string | null) => ({ error: v === null ? 1 : 0, value: Buffer.from(v ?? '') });

describe('linearizability checker', () => {
  it('accepts a sequential history and overlapping writes read in either order', () => {
    assert.ok(
      checkLinearizable([
        op('set', 0, 10, true, { value: 1 }),
        op('get', 20, 30, true, { result: read('1') }),
      ]).ok,
    );
    const overlap = [
      op('set', 0, 50, true, { value: 1 }),
      op('set', 10, 40, true, { value: 2 }),
      op('get', 60, 70, true, { result: read('1') }),
    ];
    assert.ok(checkLinearizable(overlap).ok);
  });

  it('rejects a stale read after a completed write', () => {
    const h = [
      op('set', 0, 10, true, { value: 1 }),
      op('set', 20, 30, true, { value: 2 }),
      op('get', 40, 50, true, { result: read('1') }),
    ];
    assert.equal(checkLinearizable(h).ok, false);
  });

  it('rejects a read of a value never written, and a read that goes back in time', () => {
    assert.equal(checkLinearizable([op('get', 0, 10, true, { result: read('9') })]).ok, false);
    const h = [
      op('set', 0, 100, true, { value: 1 }),
      op('get', 10, 20, true, { result: read('1') }),
      op('get', 30, 40, true, { result: read(null) }),
    ];
    assert.equal(checkLinearizable(h).ok, false);
  });

  it('lets a failed write take effect or not, but not before it was invoked', () => {
    assert.ok(
      checkLinearizable([
        op('set', 0, null, false, { value: 3 }),
        op('get', 10, 20, true, { result: read('3') }),
      ]).ok,
    );
    assert.ok(
      checkLinearizable([
        op('set', 0, null, false, { value: 3 }),
        op('get', 10, 20, true, { result: read(null) }),
      ]).ok,
    );
    assert.equal(
      checkLinearizable([
        op('get', 0, 5, true, { result: read('3') }),
        op('set', 10, null, false, { value: 3 }),
      ]).ok,
      false,
    );
  });

  it('detects a counter incremented twice by one call (double apply)', () => {
    const incr = (at: number, v: bigint | null) =>
      op('incr', at, v === null ? null : at + 5, v !== null, {
        result: v === null ? undefined : { error: 0, new_value: v },
      });
    assert.ok(checkLinearizable([incr(0, 1n), incr(10, 2n)]).ok);
    assert.equal(checkLinearizable([incr(0, 1n), incr(10, 3n)]).ok, false);
    assert.ok(
      checkLinearizable([incr(0, null), incr(10, 2n)]).ok,
      'a failed incr may have been applied once',
    );
    assert.equal(checkLinearizable([incr(0, null), incr(10, 3n)]).ok, false, 'but not twice');
  });
  it('a resent idempotent write may take effect once per attempt, and no more', () => {
    // a delete sent twice lands on both sides of a later set: linearizable only with two applications
    const history = (sent: number) => [
      op('set', 0, 10, true, { value: 1 }),
      op('get', 20, 25, true, { result: read('1') }),
      op('del', 21, null, false, { sent }),
      op('get', 30, 35, true, { result: read(null) }),
      op('set', 40, 50, true, { value: 2 }),
      op('get', 60, 65, true, { result: read(null) }),
    ];
    assert.equal(checkLinearizable(history(1)).ok, false);
    assert.ok(checkLinearizable(history(2)).ok);
  });

  it('checkAndMutate (overwrite if it exists): applied as answered, and a failed one at most once', () => {
    const ok = { error: 0 };
    const checkFailed = { error: 13 };
    // passes only if the value exists
    assert.ok(
      checkLinearizable([
        op('set', 0, 10, true, { value: 1 }),
        op('cam', 20, 30, true, { value: 2, result: ok }),
        op('get', 40, 50, true, { result: read('2') }),
      ]).ok,
    );
    assert.equal(checkLinearizable([op('cam', 0, 10, true, { value: 2, result: ok })]).ok, false);
    assert.equal(
      checkLinearizable([
        op('set', 0, 10, true, { value: 1 }),
        op('cam', 20, 30, true, { value: 2, result: checkFailed }),
      ]).ok,
      false,
      'the check cannot fail on an existing value',
    );
    // a failed one may have been applied once, or not at all
    const failed = op('cam', 20, null, false, { value: 2 });
    const set1 = op('set', 0, 10, true, { value: 1 });
    assert.ok(checkLinearizable([set1, failed, op('get', 40, 50, true, { result: read('2') })]).ok);
    assert.ok(checkLinearizable([set1, failed, op('get', 40, 50, true, { result: read('1') })]).ok);
    // applied twice would be needed here: 2, then 3 overwrites it, then 2 again; at most once forbids it
    const twice = [
      op('set', 0, 10, true, { value: 1 }),
      op('cam', 20, null, false, { value: 2 }),
      op('get', 30, 35, true, { result: read('2') }),
      op('set', 40, 45, true, { value: 3 }),
      op('get', 50, 55, true, { result: read('2') }),
    ];
    assert.equal(checkLinearizable(twice).ok, false);
  });

  it('a search budget makes a long search undecided instead of unbounded (the soak checks big keys)', () => {
    // 8 failed writes that may each land anywhere: many orders to try before the read is placed
    const h = [
      ...Array.from({ length: 8 }, (_, i) => op('set', i, null, false, { value: i + 1 })),
      op('get', 100, 110, true, { result: read('99') }),
    ];
    const unbounded = checkLinearizable(h);
    assert.equal(unbounded.ok, false);
    assert.equal(unbounded.undecided, undefined);
    const bounded = checkLinearizable(h, 50);
    assert.equal(bounded.ok, false);
    assert.equal(bounded.undecided, true);
    assert.ok(checkLinearizable(h.slice(0, 3), 50).undecided === undefined, 'a small search fits the budget');
  });
});
