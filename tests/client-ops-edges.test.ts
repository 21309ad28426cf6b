// client/ops/* without a server, the edges the other ops tests leave: which argument each refusal
// names (every message starts with the argument's name), a mutation that is null, compareExchange's
// non-empty hash key, and the message of a ttl or sortKeyCount the server refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusArgumentError, PegasusStorageError } from '../client/errors.ts';
import { checkAndMutatePlan, compareExchangePlan } from '../client/ops/check-and-mutate.ts';
import { multiGetPlan } from '../client/ops/multi-get.ts';
import { fullScanOptions, hashScanPlan } from '../client/ops/scan-plan.ts';
import { checkAndSetPlan, incrPlan, setPlan } from '../client/ops/write-ops.ts';
import { Table } from '../client/table.ts';
import { FakeDriver, ok } from './helpers/fake-driver.ts';

/** the message of the PegasusArgumentError `run` throws */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof PegasusArgumentError, String(e));
    return e.message;
  }
  return assert.fail('expected a PegasusArgumentError');
}

const notBytes = (name: string) => `${name} must be a Buffer, Uint8Array or string, got 5`;

describe('ops edges: what a refusal names', () => {
  it('write plans name sortKey, checkSortKey, checkOperand, setSortKey and setValue', () => {
    assert.equal(
      refusal(() => setPlan('h', 5, 'v', undefined)),
      notBytes('sortKey'),
    );
    assert.equal(
      refusal(() => incrPlan('h', 5, 1, undefined)),
      notBytes('sortKey'),
    );
    const cas = (at: number) => {
      const a: unknown[] = ['h', 'c', 'valueExist', 'o', 's', 'v'];
      a[at] = 5;
      return () => checkAndSetPlan(a[0], a[1], a[2], a[3], a[4], a[5], undefined, false);
    };
    assert.equal(refusal(cas(1)), notBytes('checkSortKey'));
    assert.equal(refusal(cas(3)), notBytes('checkOperand'));
    assert.equal(refusal(cas(4)), notBytes('setSortKey'));
    assert.equal(refusal(cas(5)), notBytes('setValue'));
  });

  it('checkAndMutate and compareExchange name their arguments', () => {
    const del = [{ type: 'del', sortKey: 's' }];
    assert.equal(
      refusal(() => checkAndMutatePlan('h', 5, 'valueExist', 'o', del, false)),
      notBytes('checkSortKey'),
    );
    assert.equal(
      refusal(() => checkAndMutatePlan('h', 'c', 'valueExist', 5, del, false)),
      notBytes('checkOperand'),
    );
    assert.equal(
      refusal(() => compareExchangePlan('h', 5, 'a', 'b', undefined)),
      notBytes('sortKey'),
    );
    assert.equal(
      refusal(() => compareExchangePlan('h', 's', 5, 'b', undefined)),
      notBytes('expected'),
    );
    assert.equal(
      refusal(() => compareExchangePlan('h', 's', 'a', 5, undefined)),
      notBytes('desired'),
    );
  });

  it('a mutation that is null is refused as an argument', () => {
    const m = refusal(() => checkAndMutatePlan('h', 'c', 'valueExist', 'o', [null], false));
    assert.ok(m.startsWith('mutations[0]'), m);
  });

  it('compareExchange needs a non-empty hash key (its sort keys share one partition)', () => {
    assert.equal(
      refusal(() => compareExchangePlan('', 's', 'a', 'b', undefined)),
      'hashKey must not be empty for this operation: its sort keys must share one partition',
    );
  });

  it('a multiGet range names range.stop, range.startInclusive and range.stopInclusive', () => {
    assert.equal(
      refusal(() => multiGetPlan('h', { stop: 5 })),
      notBytes('range.stop'),
    );
    assert.equal(
      refusal(() => multiGetPlan('h', { startInclusive: 1 })),
      'range.startInclusive must be a boolean, got 1',
    );
    assert.equal(
      refusal(() => multiGetPlan('h', { stopInclusive: 1 })),
      'range.stopInclusive must be a boolean, got 1',
    );
  });

  it('scans name startSortKey, stopSortKey and hashKeyFilter', () => {
    assert.equal(
      refusal(() => hashScanPlan('t', 'h', { startSortKey: 5 })),
      notBytes('startSortKey'),
    );
    assert.equal(
      refusal(() => hashScanPlan('t', 'h', { stopSortKey: 5 })),
      notBytes('stopSortKey'),
    );
    assert.equal(
      refusal(() => fullScanOptions({ hashKeyFilter: 5 })),
      'hashKeyFilter must be an object, got 5',
    );
  });
});

describe('ops edges: refusals of reads', () => {
  it('a refused ttl, exist or sortKeyCount says its status and nothing more', async () => {
    const d = new FakeDriver();
    const base = { app_id: 1, partition_index: 0, server: 's:1', error: 11 };
    d.answer = (e) =>
      ok(e.rpc === 'RPC_RRDB_RRDB_TTL' ? { ...base, ttl_seconds: 0 } : { ...base, count: 0n });
    const t = new Table(d.asDriver, 't', 7, 4);
    for (const [op, call] of [
      ['ttl', () => t.ttl('h', 's')],
      ['exist', () => t.exist('h', 's')],
      ['sortKeyCount', () => t.sortKeyCount('h')],
    ] as const) {
      const e = await (call() as Promise<unknown>).catch((x: unknown) => x);
      assert.ok(e instanceof PegasusStorageError, String(e));
      assert.equal(e.message, `${op} on table "t": the server refused it with storage status Busy (11)`);
    }
  });
});
