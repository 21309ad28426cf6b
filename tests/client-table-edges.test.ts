// client/table.ts over a stand-in driver (tests/helpers/fake-driver.ts), the edges the other table
// tests leave: which argument a refusal names, what a conditional write asks the server by default,
// the op a scanner's errors carry, the durations and attempts an observed call reports, a traced
// call without metrics that fails, and the event of a hedged read.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { tableBackups } from '../client/backup-requests.ts';
import {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusError,
  PegasusOutcomeUnknownError,
  PegasusStorageError,
} from '../client/errors.ts';
import type { ClientMetrics } from '../client/metrics.ts';
import { Table } from '../client/table.ts';
import { batch, FakeDriver, failed, ok } from './helpers/fake-driver.ts';

const B = (s: string) => Buffer.from(s);
const read = { app_id: 1, partition_index: 0, server: 's:1' };
const write = { ...read, decree: 1n };

const table = (d: FakeDriver, metrics: ClientMetrics | null = null) =>
  new Table(d.asDriver, 't', 7, 4, undefined, metrics);

function recorder() {
  const settled: unknown[][] = [];
  const metrics = { settled: (...a: unknown[]) => settled.push(a) } as unknown as ClientMetrics;
  return { settled, metrics };
}

describe('table edges: what a refusal names', () => {
  it("an options argument that is no object is refused as 'options', by every method", async () => {
    const d = new FakeDriver();
    const t = table(d);
    const bad = 5 as never;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['del', () => t.del('h', 's', bad)],
      ['multiSet', () => t.multiSet('h', { s: 'v' }, bad)],
      ['multiDel', () => t.multiDel('h', ['s'], bad)],
      ['incr', () => t.incr('h', 's', 1, bad)],
      ['checkAndSet', () => t.checkAndSet('h', 'c', 'valueNotExist', '', 's', 'v', bad)],
      [
        'checkAndMutate',
        () => t.checkAndMutate('h', 'c', 'valueNotExist', '', [{ type: 'del', sortKey: 's' }], bad),
      ],
      ['compareExchange', () => t.compareExchange('h', 's', 'a', 'b', bad)],
      ['batchGet', () => t.batchGet([['h', 's']], bad)],
      ['batchSet', () => t.batchSet([{ hashKey: 'h', sortKey: 's', value: 'v' }], bad)],
      ['batchDel', () => t.batchDel([['h', 's']], bad)],
      ['batchMultiGet', () => t.batchMultiGet([{ hashKey: 'h', query: {} }], bad)],
      ['batchMultiSet', () => t.batchMultiSet([{ hashKey: 'h', entries: { s: 'v' } }], bad)],
      ['batchMultiDel', () => t.batchMultiDel([{ hashKey: 'h', sortKeys: ['s'] }], bad)],
      ['multiGetSortKeys', () => t.multiGetSortKeys('h', bad)],
      ['delRange', () => t.delRange('h', 'a', 'b', bad)],
    ];
    for (const [name, call] of calls) {
      const e = await call().catch((x: unknown) => x);
      assert.ok(e instanceof PegasusArgumentError, `${name}: ${String(e)}`);
      assert.equal(e.message, 'options must be an object, got 5', name);
    }
    assert.equal(d.calls.length, 0);
  });

  it('delRange names a bad stop key; checkAndMutate a bad returnCheckValue', async () => {
    const d = new FakeDriver();
    const t = table(d);
    await assert.rejects(t.delRange('h', 'a', 5 as never), {
      message: 'stopSortKey must be a Buffer, Uint8Array or string, got 5',
    });
    await assert.rejects(
      t.checkAndMutate('h', 'c', 'valueNotExist', '', [{ type: 'del', sortKey: 's' }], {
        returnCheckValue: 'yes' as never,
      }),
      { message: 'returnCheckValue must be a boolean, got string' },
    );
    assert.equal(d.calls.length, 0);
  });
});

describe('table edges: conditional writes and delRange', () => {
  it('checkAndSet asks for no check value unless told; a value sent anyway is not handed out', async () => {
    const d = new FakeDriver();
    d.answer = () =>
      ok({ ...write, error: 0, check_value_returned: true, check_value_exist: true, check_value: B('old') });
    const t = table(d);
    assert.deepEqual(await t.checkAndSet('h', 'c', 'valueExist', '', 's', 'v'), { setSucceed: true });
    assert.equal((d.calls[0]!.event.args as { return_check_value: boolean }).return_check_value, false);
    assert.deepEqual(await t.checkAndSet('h', 'c', 'valueExist', '', 's', 'v', { returnCheckValue: true }), {
      setSucceed: true,
      checkValue: B('old'),
    });
    assert.equal((d.calls[1]!.event.args as { return_check_value: boolean }).return_check_value, true);
  });

  it('delRange with an aborted signal rejects, even when the range holds nothing', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([], true)]);
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    const e = await table(d)
      .delRange('h', 'a', 'b', { signal: ac.signal })
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError, String(e));
    assert.equal(e.cause, reason);
    // the scan stopped before its first batch
    assert.equal(d.scanNexts.length, 0);
  });
});

describe('table edges: scanners', () => {
  it("a scanner's failure names its op: scan, scanAll or unorderedScanners", async () => {
    const d = new FakeDriver();
    const t = table(d);
    const scanners = [t.scan('h'), t.scanAll(), ...t.unorderedScanners(1)];
    for (let id = 1; id <= 3; id++) d.scanReplies.set(id, [failed('ERR_BUSY')]);
    const ops: unknown[] = [];
    for (const s of scanners) {
      const e = await s.next().catch((x: unknown) => x);
      assert.ok(e instanceof PegasusError, String(e));
      ops.push(e.op);
      assert.ok(e.message.includes(`${e.op} on table "t"`), e.message);
    }
    assert.deepEqual(ops, ['scan', 'scanAll', 'unorderedScanners']);
  });

  it('a storage status of two digits is a storage error too', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [failed('ERR_STORAGE_11')]);
    const e = await table(d)
      .scan('h')
      .next()
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusStorageError, String(e));
    assert.deepEqual([e.status, e.code, e.op], [11, 'Busy', 'scan']);
    assert.equal(e.message, 'scan on table "t": the server refused it with storage status Busy (11)');
  });

  it('a scan is a read: an ambiguous timeout is a timeout, never an unknown outcome', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [failed('ERR_TIMEOUT', { outcomeUnknown: true })]);
    const e = await table(d)
      .scan('h')
      .next()
      .catch((x: unknown) => x);
    assert.ok(e instanceof PegasusError, String(e));
    assert.ok(!(e instanceof PegasusOutcomeUnknownError), String(e));
    assert.equal(e.code, 'ERR_TIMEOUT');
  });
});

describe('table edges: observed and traced calls', () => {
  /** waits until performance.now() is past `ms`, so a sum of two readings is far from a difference */
  async function clockPast(ms: number) {
    while (performance.now() < ms) await new Promise((r) => setTimeout(r, 20));
  }

  it('the seconds reported are the time the call took, for a success and for a failure', async () => {
    await clockPast(1500);
    const d = new FakeDriver();
    const r = recorder();
    const t = table(d, r.metrics);
    const answers = [ok({ ...read, error: 0, value: B('v') }), failed('ERR_BUSY')];
    for (const answer of answers) {
      const p = t.get('h', 's').catch(() => undefined);
      await new Promise((res) => setTimeout(res, 30));
      d.calls.at(-1)!.settle(answer);
      await p;
    }
    assert.equal(r.settled.length, 2);
    for (const s of r.settled) {
      const seconds = s[2] as number;
      assert.ok(seconds >= 0.025 && seconds < 1, String(seconds));
    }
  });

  it('a call refused by a check of the run (a bad timeout) reports no attempts', async () => {
    const d = new FakeDriver();
    const r = recorder();
    await assert.rejects(table(d, r.metrics).set('h', 's', 'v', { timeoutMs: -1 }), PegasusArgumentError);
    assert.equal(r.settled.length, 1);
    assert.deepEqual(r.settled[0]!.slice(3), ['ERR_INVALID_PARAMETERS', []]);
  });

  it('a traced call on a table without metrics fails with its own error', async () => {
    const d = new FakeDriver();
    d.answer = () => failed('ERR_BUSY');
    const seen: unknown[] = [];
    const onError = (m: unknown) => seen.push((m as { error: unknown }).error);
    subscribe('tracing:pegasus-ts:call:error', onError);
    try {
      const e = await table(d)
        .get('h', 's')
        .catch((x: unknown) => x);
      assert.ok(e instanceof PegasusError, String(e));
      assert.equal(e.code, 'ERR_BUSY');
      assert.deepEqual(seen, [e]);
    } finally {
      unsubscribe('tracing:pegasus-ts:call:error', onError);
    }
  });

  it('a hedged read is a call event like any other', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 0, value: B('v') });
    const t = new Table(d.asDriver, 't', 7, 4, undefined, null, tableBackups({ backupRequestDelayMs: 9 }, 1));
    assert.deepEqual(await t.get('h', 's'), B('v'));
    const { event } = d.calls[0]!;
    assert.deepEqual(
      [event.type, event.table, event.rpc, event.hedge],
      ['call', 't', 'RPC_RRDB_RRDB_GET', { delayMs: 9, onSuspect: true }],
    );
  });
});
