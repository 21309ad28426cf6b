// client/table.ts over a stand-in driver (tests/helpers/fake-driver.ts): the call event each
// operation hands the core (timeout, hedge, signal), and how a settlement becomes a value or an
// error (failure classes, storage refusals, the abort reason, the write size check before sending).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableBackups } from '../client/backup-requests.ts';
import {
  PegasusAbortError,
  PegasusError,
  PegasusStorageError,
  PegasusWriteTooLargeError,
} from '../client/errors.ts';
import { Table } from '../client/table.ts';
import { FakeDriver, failed, ok } from './helpers/fake-driver.ts';

const B = (s: string) => Buffer.from(s);
const read = { app_id: 1, partition_index: 0, server: 's:1' };
const write = { ...read, decree: 1n };
const attempt = { node: 'n:1', sentAtMs: 1, outcome: 'ERR_OK', endedAtMs: 2 };

function table(d: FakeDriver, maxWriteBytes?: number, backups = tableBackups({}, 1)) {
  return new Table(d.asDriver, 't', 7, 4, maxWriteBytes, null, backups);
}

describe('table calls: the event', () => {
  it('a call event: the plan, the table, the client timeout by default, no hedge key when backups are off', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 0, value: B('v') });
    assert.deepEqual(await table(d).get('h', 's'), B('v'));
    const { event, signal } = d.calls[0]!;
    assert.equal(signal, undefined);
    assert.deepEqual(Object.keys(event).sort(), [
      'args',
      'callId',
      'idempotent',
      'partitionHash',
      'rpc',
      'table',
      'timeoutMs',
      'type',
    ]);
    assert.deepEqual(
      [event.type, event.table, event.rpc, event.idempotent, event.timeoutMs],
      ['call', 't', 'RPC_RRDB_RRDB_GET', true, 1234],
    );
  });

  it("a call's own timeout and signal reach the driver", async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...write, error: 0 });
    const ac = new AbortController();
    await table(d).set('h', 's', 'v', { timeoutMs: 55, signal: ac.signal });
    assert.equal(d.calls[0]!.event.timeoutMs, 55);
    assert.equal(d.calls[0]!.signal, ac.signal);
    assert.equal(d.calls[0]!.event.idempotent, true);
  });

  it("reads carry the table's hedge; a read's override, or false, changes it; writes never do", async () => {
    const d = new FakeDriver();
    d.answer = (e) =>
      ok(e.rpc === 'RPC_RRDB_RRDB_GET' ? { ...read, error: 0, value: B('') } : { ...write, error: 0 });
    const t = table(d, undefined, tableBackups({ backupRequestDelayMs: 20 }, 1));
    await t.get('h', 's');
    await t.get('h', 's', { backupRequestDelayMs: 5 });
    await t.get('h', 's', { backupRequestDelayMs: false });
    await t.set('h', 's', 'v');
    assert.deepEqual(
      d.calls.map((c) => c.event.hedge),
      [{ delayMs: 20, onSuspect: true }, { delayMs: 5, onSuspect: true }, undefined, undefined],
    );
    assert.equal('hedge' in d.calls[2]!.event, false);
  });

  it('bad per-call options are refused before anything reaches the driver', async () => {
    const d = new FakeDriver();
    const t = table(d);
    await assert.rejects(t.get('h', 's', { timeoutMs: -1 }), /timeoutMs/);
    await assert.rejects(t.set('h', 's', 'v', { signal: 'x' as never }), /signal must be an AbortSignal/);
    await assert.rejects(t.del('h', 's', { ttlSeconds: 3 } as never), /unknown key "ttlSeconds"/);
    assert.equal(d.calls.length, 0);
  });
});

describe('table calls: the settlement', () => {
  it('a failure becomes the error of its class, with the op and table', async () => {
    const d = new FakeDriver();
    d.answer = () => failed('ERR_INVALID_DATA');
    const t = table(d);
    // ERR_INVALID_DATA is "too large" for a write only
    const w = await t.set('h', 's', 'v').catch((e: unknown) => e);
    assert.ok(w instanceof PegasusWriteTooLargeError, String(w));
    assert.deepEqual([w.op, w.table], ['set', 't']);
    const r = await t.get('h', 's').catch((e: unknown) => e);
    assert.ok(r instanceof PegasusError && !(r instanceof PegasusWriteTooLargeError), String(r));
    assert.equal((r as PegasusError).op, 'get');
  });

  it('an abort after the send: the signal’s reason is the cause', async () => {
    const d = new FakeDriver();
    const t = table(d);
    const ac = new AbortController();
    const p = t.get('h', 's', { signal: ac.signal });
    const reason = new Error('user');
    ac.abort(reason);
    d.calls[0]!.settle(failed('ERR_ABORTED'));
    const e = await p.catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError);
    assert.equal(e.cause, reason);
    // a failure of another call while the signal is not aborted keeps the core's cause
    const q = t.get('h', 's', { signal: new AbortController().signal });
    d.calls[1]!.settle(failed('ERR_ABORTED', { cause: 'ERR_BUSY' }));
    assert.equal(((await q.catch((x: unknown) => x)) as Error).cause, 'ERR_BUSY');
  });

  it('a signal aborted before the call: rejected at once, nothing sent', async () => {
    const d = new FakeDriver();
    const ac = new AbortController();
    const reason = new Error('early');
    ac.abort(reason);
    const e = await table(d)
      .incr('h', 's', 1, { signal: ac.signal })
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError);
    assert.deepEqual(
      [e.code, e.message, e.cause, e.op, e.table],
      ['ERR_ABORTED', 'incr on table "t" aborted before it was sent', reason, 'incr', 't'],
    );
    assert.equal(d.calls.length, 0);
  });

  it('a storage refusal becomes a PegasusStorageError with the attempts of the call', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 11, value: B('') }, [attempt]);
    const e = await table(d)
      .get('h', 's')
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusStorageError);
    assert.deepEqual([e.code, e.op, e.table, e.attempts], ['Busy', 'get', 't', [attempt]]);
  });

  it('a decode that throws anything else rejects with that error itself', async () => {
    const d = new FakeDriver();
    // a get result without a value: ownBuffer throws a TypeError
    d.answer = () => ok({ ...read, error: 0 });
    const e = await table(d)
      .get('h', 's')
      .catch((x: unknown) => x);
    assert.ok(e instanceof TypeError && !(e instanceof PegasusError), String(e));
  });
});

describe('table calls: the write size limit', () => {
  it('a write body over maxWriteBytes is refused before sending; one at the limit is sent', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...write, error: 0 });
    const value = 'x'.repeat(200);
    // the body of set('h', 's', value): measure it through a table whose limit is 1
    const tiny = await table(d, 1)
      .set('h', 's', value)
      .catch((x: unknown) => x);
    assert.ok(tiny instanceof PegasusWriteTooLargeError);
    const body = tiny.sizeBytes!;
    assert.ok(body > 200 && body < 300, String(body));
    assert.deepEqual(
      [tiny.code, tiny.limitBytes, tiny.op, tiny.table],
      ['ERR_WRITE_TOO_LARGE', 1, 'set', 't'],
    );
    assert.equal(
      tiny.message,
      `set on table "t": the request body is ${body} bytes, over maxWriteBytes (1); nothing was sent`,
    );
    assert.equal(d.calls.length, 0);
    await table(d, body).set('h', 's', value);
    assert.equal(d.calls.length, 1, 'exactly at the limit: sent');
    await assert.rejects(table(d, body - 1).set('h', 's', value), PegasusWriteTooLargeError);
    assert.equal(d.calls.length, 1);
  });
});
