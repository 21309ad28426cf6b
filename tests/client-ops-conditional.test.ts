// client/ops/check-and-mutate.ts without a server: checkAndMutate's mutation list (set with its own
// TTL, del), compareExchange's request, and how both read the check's outcome.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAndMutatePlan, compareExchangePlan } from '../client/ops/check-and-mutate.ts';
import { StorageRefusal } from '../client/ops/op-plan.ts';
import { partitionHash } from '../core/routing/index.ts';
import { CasCheckType, MutateOperation, PEGASUS_EPOCH_UNIX_SEC, StorageStatus } from '../core/wire/index.ts';

const B = (s: string) => Buffer.from(s);
const write = { app_id: 1, partition_index: 0, decree: 1n, server: 's:1' };
const at = (error: number, returned: boolean, exist: boolean, value = B('old')) => ({
  ...write,
  error,
  check_value_returned: returned,
  check_value_exist: exist,
  check_value: value,
});

function refusal(run: () => unknown): StorageRefusal {
  try {
    run();
  } catch (e) {
    if (e instanceof StorageRefusal) return e;
    throw e;
  }
  return assert.fail('expected a StorageRefusal');
}

describe('checkAndMutate plans', () => {
  it('each mutation: a set with its own expiry (none by default), or a del with an empty value', () => {
    const plan = checkAndMutatePlan(
      'h',
      'k',
      'valueNotExist',
      '',
      [
        { type: 'set', sortKey: 'a', value: '1' },
        { type: 'set', sortKey: 'b', value: '2', ttlSeconds: 50 },
        { type: 'del', sortKey: 'c' },
      ],
      false,
    );
    assert.deepEqual(
      [plan.op, plan.rpc, plan.idempotent],
      ['checkAndMutate', 'RPC_RRDB_RRDB_CHECK_AND_MUTATE', false],
    );
    assert.equal(plan.partitionHash, partitionHash(B('h'), B('')));
    const { mutate_list, ...rest } = plan.args;
    assert.deepEqual(rest, {
      hash_key: B('h'),
      check_sort_key: B('k'),
      check_type: CasCheckType.CT_VALUE_NOT_EXIST,
      check_operand: B(''),
      return_check_value: false,
    });
    const [setA, setB, del] = mutate_list;
    assert.deepEqual(setA, {
      operation: MutateOperation.MO_PUT,
      sort_key: B('a'),
      value: B('1'),
      set_expire_ts_seconds: 0,
    });
    assert.equal(setB!.operation, MutateOperation.MO_PUT);
    const expected = Math.floor(Date.now() / 1000) - PEGASUS_EPOCH_UNIX_SEC + 50;
    assert.ok(Math.abs(setB!.set_expire_ts_seconds - expected) <= 1, String(setB!.set_expire_ts_seconds));
    assert.deepEqual(del, {
      operation: MutateOperation.MO_DELETE,
      sort_key: B('c'),
      value: new Uint8Array(0),
      set_expire_ts_seconds: 0,
    });
  });

  it('bad mutation lists name the mutation', () => {
    const plan = (mutations: unknown) => () => checkAndMutatePlan('h', 'k', 'noCheck', '', mutations, false);
    for (const bad of [[], undefined, { type: 'set', sortKey: 'a', value: '1' }])
      assert.throws(plan(bad), /^PegasusArgumentError: mutations must be a non-empty array of/);
    const shape =
      /^PegasusArgumentError: mutations\[1\] must be \{ type: 'set', sortKey, value, ttlSeconds\? \} or \{ type: 'del', sortKey \}$/;
    assert.throws(plan([{ type: 'del', sortKey: 'a' }, null]), shape);
    assert.throws(
      plan([
        { type: 'del', sortKey: 'a' },
        { type: 'put', sortKey: 'b' },
      ]),
      shape,
    );
    assert.throws(
      plan([{ type: 'del', sortKey: 'a', value: 'v' }]),
      /mutations\[0\] has an unknown key "value"/,
    );
    assert.throws(
      plan([{ type: 'set', sortKey: 'a', value: '1', ttl: 5 }]),
      /mutations\[0\] has an unknown key "ttl"/,
    );
    assert.throws(plan([{ type: 'set', sortKey: 'a', value: 1 }]), /mutations\[0\].value must be/);
    assert.throws(plan([{ type: 'set', sortKey: 1, value: '1' }]), /mutations\[0\].sortKey must be/);
    assert.throws(plan([{ type: 'del', sortKey: 1 }]), /mutations\[0\].sortKey must be/);
    assert.throws(plan([{ type: 'set', sortKey: 'a', value: '1', ttlSeconds: -1 }]), /ttlSeconds/);
  });

  it('its answer: applied or not, the check value when asked for and returned', () => {
    const asked = checkAndMutatePlan('h', 'k', 'noCheck', '', [{ type: 'del', sortKey: 'a' }], true);
    assert.equal(asked.args.return_check_value, true);
    const notAsked = checkAndMutatePlan('h', 'k', 'noCheck', '', [{ type: 'del', sortKey: 'a' }], false);
    assert.deepEqual(asked.decode(at(StorageStatus.Ok, true, true)), {
      mutateSucceed: true,
      checkValue: B('old'),
    });
    assert.deepEqual(asked.decode(at(StorageStatus.TryAgain, true, false)), {
      mutateSucceed: false,
      checkValue: null,
    });
    assert.deepEqual(notAsked.decode(at(StorageStatus.TryAgain, true, true)), { mutateSucceed: false });
    assert.equal(
      refusal(() => asked.decode(at(StorageStatus.Busy, false, false))).status,
      StorageStatus.Busy,
    );
  });
});

describe('compareExchange plans', () => {
  it('a check-and-set of one record against its expected bytes, always asking for the value found', () => {
    const plan = compareExchangePlan('h', 's', 'old', 'new', undefined);
    assert.deepEqual(
      [plan.op, plan.rpc, plan.idempotent],
      ['compareExchange', 'RPC_RRDB_RRDB_CHECK_AND_SET', false],
    );
    assert.equal(plan.partitionHash, partitionHash(B('h'), B('')));
    assert.deepEqual(plan.args, {
      hash_key: B('h'),
      check_sort_key: B('s'),
      check_type: CasCheckType.CT_VALUE_BYTES_EQUAL,
      check_operand: B('old'),
      set_diff_sort_key: false,
      set_sort_key: B('s'),
      set_value: B('new'),
      set_expire_ts_seconds: 0,
      return_check_value: true,
    });
    assert.ok(compareExchangePlan('h', 's', 'a', 'b', 20).args.set_expire_ts_seconds > 0);
  });

  it('its answer: Ok swapped; TryAgain the value found (a copy), or null when absent or not returned', () => {
    const plan = compareExchangePlan('h', 's', 'old', 'new', undefined);
    assert.deepEqual(plan.decode(at(StorageStatus.Ok, true, true)), { setSucceed: true, actualValue: null });
    const found = B('other');
    const got = plan.decode(at(StorageStatus.TryAgain, true, true, found));
    found[0] = 0;
    assert.deepEqual(got, { setSucceed: false, actualValue: B('other') });
    assert.deepEqual(plan.decode(at(StorageStatus.TryAgain, true, false)), {
      setSucceed: false,
      actualValue: null,
    });
    assert.deepEqual(plan.decode(at(StorageStatus.TryAgain, false, true)), {
      setSucceed: false,
      actualValue: null,
    });
    const r = refusal(() => plan.decode(at(StorageStatus.InvalidArgument, true, true)));
    assert.deepEqual([r.status, r.detail], [StorageStatus.InvalidArgument, '']);
  });
});
