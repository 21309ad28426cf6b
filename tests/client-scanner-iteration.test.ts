// client/scanner.ts over a stand-in driver: records handed out one at a time from the core's
// batches, the spec sent with the first batch only, and every way a scan ends (its last batch,
// return(), close(), an abort before or during the scan, a failure) with the server's context
// cleared exactly when the scan is left early.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusAbortError, PegasusStorageError, PegasusTimeoutError } from '../client/errors.ts';
import { hashScanPlan } from '../client/ops/scan-plan.ts';
import { PegasusScanner } from '../client/scanner.ts';
import { encodeKey } from '../core/routing/index.ts';
import { batch, FakeDriver } from './helpers/fake-driver.ts';

const B = (s: string) => Buffer.from(s);
const rec = (h: string, s: string, v: string, expireTs?: number) => ({
  key: encodeKey(B(h), B(s)),
  value: B(v),
  ...(expireTs === undefined ? {} : { expireTs }),
});

function scanner(d: FakeDriver, signal?: AbortSignal) {
  const plan = hashScanPlan('t', 'h', {});
  return new PegasusScanner(d.asDriver, 'scan', plan.spec, signal);
}

const tick = () => new Promise((r) => setImmediate(r));

describe('scanner iteration', () => {
  it('records one at a time, keys split, expireTs only when the server sent it; the spec goes with the first batch', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [
      batch([rec('h', 'a', '1', 99), rec('h', 'b', '2')], false),
      batch([rec('h', 'c', '3')], true),
    ]);
    const s = scanner(d);
    assert.equal(s[Symbol.asyncIterator](), s);
    const got = [];
    for await (const r of s) got.push(r);
    assert.deepEqual(got, [
      { hashKey: B('h'), sortKey: B('a'), value: B('1'), expireTs: 99 },
      { hashKey: B('h'), sortKey: B('b'), value: B('2') },
      { hashKey: B('h'), sortKey: B('c'), value: B('3') },
    ]);
    assert.equal('expireTs' in got[1]!, false);
    assert.equal(d.scanNexts.length, 2);
    assert.equal(d.scanNexts[0]!.spec?.table, 't');
    assert.equal(d.scanNexts[1]!.spec, undefined);
    assert.deepEqual(await s.next(), { done: true, value: undefined });
    assert.equal(d.scanNexts.length, 2, 'nothing asked after the last batch');
    assert.deepEqual(d.scanCloses, [], 'a scan read to its end needs no clear');
  });

  it('an empty batch that is not the last: the next batch is asked for at once', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([], false), batch([rec('h', 'a', '1')], true)]);
    const r = await scanner(d).next();
    assert.deepEqual(r.value?.sortKey, B('a'));
  });

  it('concurrent next() calls are served in order', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([rec('h', 'a', '1')], false), batch([rec('h', 'b', '2')], true)]);
    const s = scanner(d);
    const [x, y, z] = await Promise.all([s.next(), s.next(), s.next()]);
    assert.deepEqual([x.value?.sortKey, y.value?.sortKey, z.done], [B('a'), B('b'), true]);
  });

  it('return() and close(): the scan ends and the server context is cleared', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([rec('h', 'a', '1'), rec('h', 'b', '2')], false)]);
    const s = scanner(d);
    await s.next();
    assert.deepEqual(await s.return(), { done: true, value: undefined });
    assert.deepEqual(d.scanCloses, [[1, 'ERR_ABORTED']]);
    assert.deepEqual(await s.next(), { done: true, value: undefined }, 'the rest of the batch is dropped');
    const t = scanner(d);
    await t.close();
    assert.deepEqual(d.scanCloses, [
      [1, 'ERR_ABORTED'],
      [2, 'ERR_ABORTED'],
    ]);
  });
});

describe('scanner aborts and failures', () => {
  it('a signal aborted before the first batch: PegasusAbortError with its reason, nothing asked', async () => {
    const d = new FakeDriver();
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    const e = await scanner(d, ac.signal)
      .next()
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError);
    assert.deepEqual(
      [e.code, e.message, e.cause, e.op, e.table],
      ['ERR_ABORTED', 'scan on table "t" aborted', reason, 'scan', 't'],
    );
    assert.equal(d.scanNexts.length, 0);
    assert.deepEqual(d.scanCloses, [[1, 'ERR_ABORTED']]);
  });

  it('an abort between batches clears the context at once; after the end it does nothing', async () => {
    const d = new FakeDriver();
    const ac = new AbortController();
    d.scanReplies.set(1, [batch([rec('h', 'a', '1')], false)]);
    const s = scanner(d, ac.signal);
    await s.next();
    ac.abort();
    assert.deepEqual(d.scanCloses, [[1, 'ERR_ABORTED']], 'closed on the abort, not at the next next()');
    await assert.rejects(s.next(), PegasusAbortError);

    // one watch per scan, however many batches it reads
    const many = new AbortController();
    d.scanReplies.set(2, [batch([rec('h', 'a', '1')], false), batch([rec('h', 'b', '2')], false)]);
    const m = scanner(d, many.signal);
    await m.next();
    await m.next();
    many.abort();
    assert.deepEqual(
      d.scanCloses.filter(([id]) => id === 2),
      [[2, 'ERR_ABORTED']],
    );

    const ended = new AbortController();
    d.scanReplies.set(3, [batch([rec('h', 'a', '1')], true)]);
    const t = scanner(d, ended.signal);
    for await (const _ of t);
    ended.abort();
    assert.equal(d.scanCloses.filter(([id]) => id === 3).length, 0, 'the watch ended with the scan');
  });

  it('a failure: a storage status becomes PegasusStorageError, others their class, the scan ends', async () => {
    const d = new FakeDriver();
    const attempts = [{ node: 'n:1', sentAtMs: 1, outcome: 'ERR_OK', endedAtMs: 2 }];
    d.scanReplies.set(1, [
      { ok: false, failure: { code: 'ERR_STORAGE_4', cause: null, outcomeUnknown: false, attempts } },
    ]);
    const s = scanner(d);
    const e = await s.next().catch((x: unknown) => x);
    assert.ok(e instanceof PegasusStorageError);
    assert.deepEqual(
      [e.status, e.code, e.op, e.table, e.attempts],
      [4, 'InvalidArgument', 'scan', 't', attempts],
    );
    assert.equal(
      e.message,
      'scan on table "t": the server refused it with storage status InvalidArgument (4)',
    );
    assert.deepEqual(await s.next(), { done: true, value: undefined });

    d.scanReplies.set(2, [
      { ok: false, failure: { code: 'ERR_TIMEOUT', cause: null, outcomeUnknown: false, attempts: [] } },
    ]);
    const t = await scanner(d)
      .next()
      .catch((x: unknown) => x);
    assert.ok(t instanceof PegasusTimeoutError);
    assert.equal(t.op, 'scan');
    // only a whole ERR_STORAGE_<digits> code is a storage status
    for (const [id, code] of [
      [3, 'XERR_STORAGE_4'],
      [4, 'ERR_STORAGE_4X'],
    ] as const) {
      d.scanReplies.set(id, [
        { ok: false, failure: { code, cause: null, outcomeUnknown: false, attempts: [] } },
      ]);
      const u = await scanner(d)
        .next()
        .catch((x: unknown) => x);
      assert.ok(!(u instanceof PegasusStorageError), code);
    }
  });

  it('a failure of a scan aborted while its batch was pending carries the abort reason', async () => {
    const d = new FakeDriver();
    let answer: (s: unknown) => void = () => {};
    d.scanReplies.set(1, [new Promise((r) => (answer = r as never))]);
    const ac = new AbortController();
    const p = scanner(d, ac.signal).next();
    await tick();
    const reason = new Error('late');
    ac.abort(reason);
    answer({
      ok: false,
      failure: { code: 'ERR_ABORTED', cause: 'ERR_BUSY', outcomeUnknown: false, attempts: [] },
    });
    const e = await p.catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError);
    assert.equal(e.cause, reason);
  });
});
