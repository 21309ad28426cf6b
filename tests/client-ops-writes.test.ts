// client/ops/write-ops.ts and check-type.ts without a server: what each write plan sends, which
// writes may be resent, the entry shapes multiSet takes, and how conditional answers are read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusArgumentError } from '../client/errors.ts';
import { CHECK_TYPE_NAMES, checkedOutcome, checkTypeCode } from '../client/ops/check-type.ts';
import { StorageRefusal } from '../client/ops/op-plan.ts';
import {
  checkAndSetPlan,
  delPlan,
  incrPlan,
  multiDelPlan,
  multiSetPlan,
  setPlan,
} from '../client/ops/write-ops.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { CasCheckType, PEGASUS_EPOCH_UNIX_SEC, StorageStatus } from '../core/wire/index.ts';

const B = (s: string) => Buffer.from(s);
const EMPTY = B('');
const write = { app_id: 1, partition_index: 0, decree: 1n, server: 's:1' };

function refusal(run: () => unknown): StorageRefusal {
  try {
    run();
  } catch (e) {
    if (e instanceof StorageRefusal) return e;
    throw e;
  }
  return assert.fail('expected a StorageRefusal');
}

/** the expiry the plan computed, from the wall clock of the moment it was built */
function nearExpiry(actual: number, ttl: number): void {
  const now = Math.floor(Date.now() / 1000) - PEGASUS_EPOCH_UNIX_SEC;
  assert.ok(Math.abs(actual - (now + ttl)) <= 1, `${actual} vs ${now + ttl}`);
}

describe('write plans', () => {
  it('set and del: the full key, its hash, idempotent; set carries its expiry (0: none)', () => {
    const set = setPlan('h', 's', 'v', undefined);
    assert.deepEqual([set.op, set.rpc, set.idempotent], ['set', 'RPC_RRDB_RRDB_PUT', true]);
    assert.deepEqual(set.args, { key: encodeKey(B('h'), B('s')), value: B('v'), expire_ts_seconds: 0 });
    assert.equal(set.partitionHash, partitionHash(B('h'), B('s')));
    nearExpiry(setPlan('h', 's', 'v', 60).args.expire_ts_seconds, 60);
    assert.equal(setPlan('h', 's', 'v', 0).args.expire_ts_seconds, 0);
    const del = delPlan('', 's');
    assert.deepEqual([del.op, del.rpc, del.idempotent], ['del', 'RPC_RRDB_RRDB_REMOVE', true]);
    assert.deepEqual(del.args, encodeKey(EMPTY, B('s')));
    assert.equal(del.partitionHash, partitionHash(EMPTY, B('s')));
    for (const plan of [set, del]) {
      assert.equal(plan.decode({ ...write, error: StorageStatus.Ok }), undefined);
      assert.equal(
        refusal(() => plan.decode({ ...write, error: StorageStatus.Busy })).status,
        StorageStatus.Busy,
      );
    }
  });

  it('multiSet takes a Map, an array of pairs, any iterable of pairs, or a plain object', () => {
    const kvs = [
      { key: B('a'), value: B('1') },
      { key: B('b'), value: B('2') },
    ];
    const shapes: unknown[] = [
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
      [
        ['a', '1'],
        ['b', '2'],
      ],
      (function* () {
        yield ['a', '1'];
        yield ['b', '2'];
      })(),
      { a: '1', b: '2' },
      Object.assign(Object.create(null), { a: '1', b: '2' }),
    ];
    for (const entries of shapes) {
      const plan = multiSetPlan('h', entries, undefined);
      assert.deepEqual(plan.args, { hash_key: B('h'), kvs, expire_ts_seconds: 0 });
    }
    const plan = multiSetPlan('h', { a: '1' }, 30);
    assert.deepEqual([plan.op, plan.rpc, plan.idempotent], ['multiSet', 'RPC_RRDB_RRDB_MULTI_PUT', true]);
    assert.equal(plan.partitionHash, partitionHash(B('h'), EMPTY));
    nearExpiry(plan.args.expire_ts_seconds, 30);
    assert.equal(
      refusal(() => plan.decode({ ...write, error: StorageStatus.IOError })).status,
      StorageStatus.IOError,
    );
  });

  it('multiSet refuses an instance of another class, a bad pair, and names the entry', () => {
    class Entries {
      a = '1';
    }
    assert.throws(() => multiSetPlan('h', new Entries(), undefined), /entries must be a Map/);
    assert.throws(() => multiSetPlan('h', null, undefined), /entries must be a Map/);
    assert.throws(() => multiSetPlan('h', new Map(), undefined), /entries must not be empty/);
    assert.throws(
      () =>
        multiSetPlan(
          'h',
          [
            ['a', '1'],
            ['b', '2', '3'],
          ],
          undefined,
        ),
      /^PegasusArgumentError: entries\[1\] must be a \[sortKey, value\] pair$/,
    );
    assert.throws(
      () => multiSetPlan('h', ['ab'], undefined),
      /entries\[0\] must be a \[sortKey, value\] pair/,
    );
    assert.throws(
      () =>
        multiSetPlan(
          'h',
          [
            ['a', '1'],
            [2, '2'],
          ],
          undefined,
        ),
      /entries\[1\] sortKey must be/,
    );
    assert.throws(
      () =>
        multiSetPlan(
          'h',
          [
            ['a', '1'],
            ['b', 2],
          ],
          undefined,
        ),
      /entries\[1\] value must be/,
    );
  });

  it('multiDel: the sort keys under the hash key, max_count 0 (deprecated), idempotent', () => {
    const plan = multiDelPlan('h', ['a', B('b')]);
    assert.deepEqual(plan.args, { hash_key: B('h'), sort_keys: [B('a'), B('b')], max_count: 0n });
    assert.deepEqual([plan.op, plan.rpc, plan.idempotent], ['multiDel', 'RPC_RRDB_RRDB_MULTI_REMOVE', true]);
    assert.equal(plan.partitionHash, partitionHash(B('h'), EMPTY));
    const answer = { ...write, count: 2n };
    assert.equal(plan.decode({ ...answer, error: StorageStatus.Ok }), undefined);
    assert.equal(
      refusal(() => plan.decode({ ...answer, error: StorageStatus.Busy })).status,
      StorageStatus.Busy,
    );
  });

  it('incr: not idempotent; the TTL field keeps (omitted), clears (0) or sets; the new value', () => {
    const plan = incrPlan('h', 's', 5, undefined);
    assert.deepEqual([plan.op, plan.rpc, plan.idempotent], ['incr', 'RPC_RRDB_RRDB_INCR', false]);
    assert.deepEqual(plan.args, { key: encodeKey(B('h'), B('s')), increment: 5n, expire_ts_seconds: 0 });
    assert.equal(plan.partitionHash, partitionHash(B('h'), B('s')));
    assert.equal(incrPlan('h', 's', -2n, 0).args.expire_ts_seconds, -1);
    nearExpiry(incrPlan('h', 's', 1, 100).args.expire_ts_seconds, 100);
    const at = (error: number) => ({ ...write, error, new_value: 7n });
    assert.equal(plan.decode(at(StorageStatus.Ok)), 7n);
    const r = refusal(() => plan.decode(at(StorageStatus.InvalidArgument)));
    assert.deepEqual(
      [r.status, r.detail],
      [StorageStatus.InvalidArgument, 'the stored value is not a decimal int64, or the result overflows'],
    );
    assert.deepEqual(
      [
        refusal(() => plan.decode(at(StorageStatus.Busy))).status,
        refusal(() => plan.decode(at(StorageStatus.Busy))).detail,
      ],
      [StorageStatus.Busy, ''],
    );
  });

  it('set and incr address one record: an empty hash key is allowed (the sort key picks the partition)', () => {
    assert.deepEqual(setPlan('', 's', 'v', undefined).args.key, encodeKey(B(''), B('s')));
    assert.deepEqual(incrPlan('', 's', 1, undefined).args.key, encodeKey(B(''), B('s')));
  });

  it('checkAndSet: not idempotent; set_diff_sort_key says whether the set key is another one', () => {
    const same = checkAndSetPlan('h', 'k', 'valueExist', 'op', 'k', 'v', undefined, false);
    assert.deepEqual(
      [same.op, same.rpc, same.idempotent],
      ['checkAndSet', 'RPC_RRDB_RRDB_CHECK_AND_SET', false],
    );
    assert.deepEqual(same.args, {
      hash_key: B('h'),
      check_sort_key: B('k'),
      check_type: CasCheckType.CT_VALUE_EXIST,
      check_operand: B('op'),
      set_diff_sort_key: false,
      set_sort_key: B('k'),
      set_value: B('v'),
      set_expire_ts_seconds: 0,
      return_check_value: false,
    });
    assert.equal(same.partitionHash, partitionHash(B('h'), EMPTY));
    const other = checkAndSetPlan('h', 'k', 'noCheck', '', 'j', 'v', 9, true);
    assert.equal(other.args.set_diff_sort_key, true);
    assert.equal(other.args.return_check_value, true);
    nearExpiry(other.args.set_expire_ts_seconds, 9);
  });

  it('checkAndSet answers: applied or not, the check value only when asked and returned', () => {
    const asked = checkAndSetPlan('h', 'k', 'noCheck', '', 'k', 'v', undefined, true);
    const notAsked = checkAndSetPlan('h', 'k', 'noCheck', '', 'k', 'v', undefined, false);
    const at = (error: number, returned: boolean, exist: boolean) => ({
      ...write,
      error,
      check_value_returned: returned,
      check_value_exist: exist,
      check_value: B('old'),
    });
    assert.deepEqual(asked.decode(at(StorageStatus.Ok, true, true)), {
      setSucceed: true,
      checkValue: B('old'),
    });
    assert.deepEqual(asked.decode(at(StorageStatus.TryAgain, true, false)), {
      setSucceed: false,
      checkValue: null,
    });
    assert.deepEqual(asked.decode(at(StorageStatus.Ok, false, true)), { setSucceed: true });
    assert.deepEqual(notAsked.decode(at(StorageStatus.Ok, true, true)), { setSucceed: true });
    assert.deepEqual(notAsked.decode(at(StorageStatus.TryAgain, false, false)), { setSucceed: false });
  });
});

describe('check types', () => {
  it('each name is its wire value: CT_ and the name in upper snake case, listed in wire order', () => {
    for (const name of CHECK_TYPE_NAMES) {
      const wire = `CT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
      assert.equal(checkTypeCode(name), CasCheckType[wire as keyof typeof CasCheckType], name);
    }
    assert.equal(CHECK_TYPE_NAMES.length, Object.keys(CasCheckType).length);
    assert.deepEqual(
      CHECK_TYPE_NAMES.map(checkTypeCode),
      CHECK_TYPE_NAMES.map((_, i) => i),
    );
  });

  it('anything else is an argument error listing the names', () => {
    // only the name itself: not an object that converts to one
    const named = { toString: () => 'noCheck' };
    for (const bad of ['CT_NO_CHECK', 'toString', 3, undefined, named]) {
      assert.throws(
        () => checkTypeCode(bad),
        (e: unknown) =>
          e instanceof PegasusArgumentError &&
          e.message === `checkType must be one of ${CHECK_TYPE_NAMES.join(', ')}; got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('checkedOutcome: InvalidArgument explains the int comparison; other statuses refuse as they are', () => {
    const at = (error: number) => ({
      error,
      check_value_returned: false,
      check_value_exist: false,
      check_value: EMPTY,
    });
    const bad = refusal(() => checkedOutcome(at(StorageStatus.InvalidArgument), false));
    assert.deepEqual(
      [bad.status, bad.detail],
      [StorageStatus.InvalidArgument, 'an int comparison met a value or operand that is not a decimal int64'],
    );
    const busy = refusal(() => checkedOutcome(at(StorageStatus.Busy), false));
    assert.deepEqual([busy.status, busy.detail], [StorageStatus.Busy, '']);
    assert.deepEqual(checkedOutcome(at(StorageStatus.TryAgain), false), { applied: false });
    assert.deepEqual(checkedOutcome(at(StorageStatus.Ok), true), { applied: true });
    // the check value is a copy, not a view of the frame
    const wire = B('x');
    const got = checkedOutcome(
      { error: StorageStatus.Ok, check_value_returned: true, check_value_exist: true, check_value: wire },
      true,
    );
    wire[0] = 0;
    assert.deepEqual(got.checkValue, B('x'));
  });
});
