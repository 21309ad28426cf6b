// The judge of reads served by backup requests (sim/backup-reads.ts): stale but not invented, on
// hand-made histories of one key. Each case names the rule it pins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedValues, checkBackupReads } from '../sim/backup-reads.ts';
import type { CallRecord } from '../sim/records.ts';
import type { SimOp } from '../sim/workload.ts';

let id = 0;
function rec(op: SimOp, atMs: number, settleMs: number | null, extra: Partial<CallRecord> = {}): CallRecord {
  id++;
  return {
    callId: id,
    op,
    key: 0,
    value: 0,
    atMs,
    timeoutMs: 1000,
    deadlineMs: atMs + 1000,
    settleMs,
    settles: 1,
    ok: true,
    code: null,
    outcomeUnknown: false,
    result: undefined,
    mayApply: 1,
    backups: 0,
    servedByBackup: false,
    ...extra,
  };
}
const set = (atMs: number, settleMs: number, value: number, extra: Partial<CallRecord> = {}) =>
  rec('set', atMs, settleMs, { value, ...extra });
const read = (atMs: number, settleMs: number, value: string | null) =>
  rec('get', atMs, settleMs, {
    servedByBackup: true,
    backups: 1,
    result: { error: value === null ? 1 : 0, value: Buffer.from(value ?? '') },
  });
const allowed = (r: CallRecord, calls: CallRecord[]) => [...allowedValues(r, calls)].sort();

describe('backup reads: stale but not invented', () => {
  it('a write acknowledged before the read began hides every write it followed', () => {
    const w1 = set(0, 10, 1);
    const w2 = set(20, 30, 2);
    const r = read(40, 45, '2');
    assert.deepEqual(allowed(r, [w1, w2, r]), ['2']);
    assert.deepEqual(checkBackupReads([w1, w2, r]), []);
    const stale = read(40, 45, '1');
    assert.equal(checkBackupReads([w1, w2, stale])[0]?.invariant, 'stale-not-invented');
  });

  it('writes concurrent with each other both stay possible', () => {
    const w1 = set(0, 30, 1);
    const w2 = set(5, 20, 2);
    const r = read(40, 45, '1');
    assert.deepEqual(allowed(r, [w1, w2, r]), ['1', '2']);
  });

  it('a write in flight during the read may be seen (a secondary may apply it before the ack)', () => {
    const w1 = set(0, 10, 1);
    const w2 = set(35, 60, 2);
    const r = read(40, 45, '2');
    assert.deepEqual(allowed(r, [w1, w2, r]), ['1', '2']);
  });

  it('a write started after the read settled cannot be seen', () => {
    const w1 = set(0, 10, 1);
    const w2 = set(50, 60, 2);
    const r = read(40, 45, '2');
    assert.deepEqual(allowed(r, [w1, w2, r]), ['1']);
    assert.equal(checkBackupReads([w1, w2, r]).length, 1);
  });

  it('absent is allowed only before the first acknowledged write, or after a delete', () => {
    const r0 = read(5, 8, null);
    const w1 = set(0, 10, 1);
    assert.deepEqual(allowed(r0, [w1, r0]), ['', '1']);
    const r1 = read(20, 25, null);
    assert.deepEqual(allowed(r1, [w1, r1]), ['1']);
    const d = rec('del', 12, 15);
    assert.deepEqual(allowed(r1, [w1, d, r1]), ['']);
  });

  it('a failed write, or one resent after an ambiguous attempt, may still take effect', () => {
    const lost = set(0, 10, 1, { ok: false, code: 'ERR_TIMEOUT' });
    const resent = set(1, 5, 3, { mayApply: 2 });
    const w2 = set(20, 30, 2);
    const r = read(40, 45, '1');
    assert.deepEqual(allowed(r, [lost, resent, w2, r]), ['1', '2', '3']);
  });

  it('only reads served by a backup are judged; ttl is judged by existence', () => {
    const w1 = set(0, 10, 1);
    const primaryRead = { ...read(40, 45, '7'), servedByBackup: false };
    assert.deepEqual(checkBackupReads([w1, primaryRead]), []);
    const ttlAbsent = rec('ttl', 40, 45, { servedByBackup: true, result: { error: 1 } });
    assert.equal(checkBackupReads([w1, ttlAbsent]).length, 1, 'the key exists since w1');
    const ttlFound = rec('ttl', 40, 45, { servedByBackup: true, result: { error: 0 } });
    assert.deepEqual(checkBackupReads([w1, ttlFound]), []);
  });
});
