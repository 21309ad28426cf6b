import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CasCheckType as T } from '../core/wire/types.ts';
import { b, cam, cas, EMPTY, k, mDel, mPut, newStore, put, s } from './onebox-storage-helpers.ts';

/** [check type, stored value (undefined = absent), operand, expected error (0 pass, 13 fail, 4 invalid)] */
type Row = [number, string | undefined, string, number];

const TABLE: Row[] = [
  [T.CT_NO_CHECK, undefined, '', 0],
  [T.CT_NO_CHECK, 'x', 'ignored', 0],
  [T.CT_VALUE_NOT_EXIST, undefined, '', 0],
  [T.CT_VALUE_NOT_EXIST, '', '', 13],
  [T.CT_VALUE_NOT_EXIST_OR_EMPTY, undefined, '', 0],
  [T.CT_VALUE_NOT_EXIST_OR_EMPTY, '', '', 0],
  [T.CT_VALUE_NOT_EXIST_OR_EMPTY, 'x', '', 13],
  [T.CT_VALUE_EXIST, '', '', 0],
  [T.CT_VALUE_EXIST, undefined, '', 13],
  [T.CT_VALUE_NOT_EMPTY, 'x', '', 0],
  [T.CT_VALUE_NOT_EMPTY, '', '', 13],
  [T.CT_VALUE_NOT_EMPTY, undefined, '', 13],
  [T.CT_VALUE_MATCH_ANYWHERE, 'abcde', 'bcd', 0],
  [T.CT_VALUE_MATCH_ANYWHERE, 'abcde', 'xyz', 13],
  [T.CT_VALUE_MATCH_ANYWHERE, 'abc', '', 0],
  [T.CT_VALUE_MATCH_ANYWHERE, undefined, '', 13],
  [T.CT_VALUE_MATCH_PREFIX, 'abcde', 'abc', 0],
  [T.CT_VALUE_MATCH_PREFIX, 'abcde', 'bcd', 13],
  [T.CT_VALUE_MATCH_PREFIX, 'ab', 'abc', 13],
  [T.CT_VALUE_MATCH_POSTFIX, 'abcde', 'cde', 0],
  [T.CT_VALUE_MATCH_POSTFIX, 'abcde', 'bcd', 13],
  [T.CT_VALUE_MATCH_POSTFIX, '', '', 0],
  [T.CT_VALUE_BYTES_LESS, 'abc', 'abd', 0],
  [T.CT_VALUE_BYTES_LESS, 'abc', 'abc', 13],
  [T.CT_VALUE_BYTES_LESS, 'ab', 'abc', 0],
  [T.CT_VALUE_BYTES_LESS, undefined, 'abc', 13],
  [T.CT_VALUE_BYTES_LESS_OR_EQUAL, 'abc', 'abc', 0],
  [T.CT_VALUE_BYTES_LESS_OR_EQUAL, 'abd', 'abc', 13],
  [T.CT_VALUE_BYTES_EQUAL, 'abc', 'abc', 0],
  [T.CT_VALUE_BYTES_EQUAL, 'abc', 'ab', 13],
  [T.CT_VALUE_BYTES_EQUAL, '', '', 0],
  [T.CT_VALUE_BYTES_GREATER_OR_EQUAL, 'abc', 'abc', 0],
  [T.CT_VALUE_BYTES_GREATER_OR_EQUAL, 'abb', 'abc', 13],
  [T.CT_VALUE_BYTES_GREATER, '\u00ff', '\u007f', 0],
  [T.CT_VALUE_BYTES_GREATER, 'abc', 'abc', 13],
  [T.CT_VALUE_INT_LESS, '9', '10', 0],
  [T.CT_VALUE_INT_LESS, '10', '10', 13],
  [T.CT_VALUE_INT_LESS, '-5', '-4', 0],
  [T.CT_VALUE_INT_LESS_OR_EQUAL, '10', '10', 0],
  [T.CT_VALUE_INT_LESS_OR_EQUAL, '11', '10', 13],
  [T.CT_VALUE_INT_EQUAL, '10', '10', 0],
  [T.CT_VALUE_INT_EQUAL, '10', '0xa', 0],
  [T.CT_VALUE_INT_EQUAL, '10', '11', 13],
  [T.CT_VALUE_INT_GREATER_OR_EQUAL, '10', '10', 0],
  [T.CT_VALUE_INT_GREATER_OR_EQUAL, '9', '10', 13],
  [T.CT_VALUE_INT_GREATER, '100', '99', 0],
  [T.CT_VALUE_INT_GREATER, '99', '100', 13],
  [T.CT_VALUE_INT_GREATER, '9223372036854775807', '-9223372036854775808', 0],
  // integer checks: bad stored value or operand is InvalidArgument, but a missing value just fails
  [T.CT_VALUE_INT_EQUAL, 'abc', '1', 4],
  [T.CT_VALUE_INT_EQUAL, '1', 'abc', 4],
  [T.CT_VALUE_INT_LESS, '1', '', 4],
  [T.CT_VALUE_INT_GREATER, '', '1', 4],
  [T.CT_VALUE_INT_GREATER, '99999999999999999999', '1', 4],
  [T.CT_VALUE_INT_EQUAL, undefined, 'abc', 13],
];

describe('onebox storage: check_and_set, every check type', () => {
  for (const [type, stored, operand, expected] of TABLE) {
    it(`type ${type}, value ${JSON.stringify(stored)}, operand ${JSON.stringify(operand)} -> ${expected}`, () => {
      const store = newStore();
      if (stored !== undefined) put(store, 'h', 'c', stored);
      const r = store.checkAndSet(cas({ check_type: type, check_operand: b(operand) }), 0);
      assert.equal(r.error, expected);
      assert.equal(r.decree, store.lastDecree, 'a decree is consumed whatever the outcome');
      const now = store.get(k('h', 'c'), 0);
      if (expected === 0) assert.equal(s(now.value), 'new');
      else if (stored === undefined) assert.equal(now.error, 1);
      else assert.equal(s(now.value), stored);
    });
  }

  it('every type 0..17 is covered by the table', () => {
    const covered = new Set(TABLE.map(([t]) => t));
    for (let t = 0; t <= 17; t++) assert.ok(covered.has(t), `type ${t}`);
  });
});

describe('onebox storage: check_and_set details', () => {
  it('an expired check value counts as absent', () => {
    const store = newStore();
    put(store, 'h', 'c', 'old', 10);
    assert.equal(store.checkAndSet(cas({ check_type: T.CT_VALUE_EXIST }), 10).error, 13);
    assert.equal(store.checkAndSet(cas({ check_type: T.CT_VALUE_NOT_EXIST }), 10).error, 0);
    assert.equal(s(store.get(k('h', 'c'), 10).value), 'new');
  });

  it('return_check_value reports the value before the write, also on failure', () => {
    const store = newStore();
    put(store, 'h', 'c', 'before');
    const ok = store.checkAndSet(cas({ check_type: T.CT_VALUE_EXIST, return_check_value: true }), 0);
    assert.deepEqual(
      [ok.error, ok.check_value_returned, ok.check_value_exist, s(ok.check_value)],
      [0, true, true, 'before'],
    );
    const failed = store.checkAndSet(
      cas({ check_type: T.CT_VALUE_BYTES_EQUAL, check_operand: b('x'), return_check_value: true }),
      0,
    );
    assert.deepEqual([failed.error, failed.check_value_exist, s(failed.check_value)], [13, true, 'new']);
    const absent = store.checkAndSet(cas({ check_sort_key: b('none'), return_check_value: true }), 0);
    assert.deepEqual(
      [absent.check_value_returned, absent.check_value_exist, absent.check_value.length],
      [true, false, 0],
    );
    const quiet = store.checkAndSet(cas({}), 0);
    assert.deepEqual([quiet.check_value_returned, quiet.check_value_exist], [false, false]);
  });

  it('set_diff_sort_key writes another sort key with the given expiry', () => {
    const store = newStore();
    put(store, 'h', 'c', '5');
    const r = store.checkAndSet(
      cas({
        check_type: T.CT_VALUE_INT_GREATER,
        check_operand: b('3'),
        set_diff_sort_key: true,
        set_sort_key: b('other'),
        set_value: b('written'),
        set_expire_ts_seconds: 100,
      }),
      0,
    );
    assert.equal(r.error, 0);
    assert.equal(s(store.get(k('h', 'c'), 0).value), '5');
    assert.equal(s(store.get(k('h', 'other'), 0).value), 'written');
    assert.equal(store.ttl(k('h', 'other'), 40).ttl_seconds, 60);
  });

  it('an unknown check type is InvalidArgument without check value', () => {
    const store = newStore();
    const r = store.checkAndSet(cas({ check_type: 18, return_check_value: true }), 0);
    assert.deepEqual([r.error, r.check_value_returned, r.decree], [4, false, 1n]);
    assert.equal(store.get(k('h', 'c'), 0).error, 1);
  });
});

describe('onebox storage: check_and_mutate', () => {
  it('applies puts and deletes in order when the check passes', () => {
    const store = newStore();
    put(store, 'h', 'c', 'go');
    put(store, 'h', 'gone', 'x');
    const r = store.checkAndMutate(
      cam([mPut('a', '1', 50), mDel('gone'), mPut('b', '2'), mDel('b'), mPut('a', '3', 60)], {
        check_type: T.CT_VALUE_BYTES_EQUAL,
        check_operand: b('go'),
        return_check_value: true,
      }),
      0,
    );
    assert.deepEqual([r.error, r.check_value_exist, s(r.check_value), r.decree], [0, true, 'go', 3n]);
    assert.equal(s(store.get(k('h', 'a'), 0).value), '3');
    assert.equal(store.ttl(k('h', 'a'), 10).ttl_seconds, 50);
    assert.equal(store.get(k('h', 'gone'), 0).error, 1);
    assert.equal(store.get(k('h', 'b'), 0).error, 1);
  });

  it('writes nothing when the check fails or is invalid', () => {
    const store = newStore();
    put(store, 'h', 'c', 'text');
    const failed = store.checkAndMutate(cam([mPut('a', '1')], { check_type: T.CT_VALUE_NOT_EXIST }), 0);
    assert.equal(failed.error, 13);
    const invalid = store.checkAndMutate(
      cam([mPut('a', '1')], { check_type: T.CT_VALUE_INT_EQUAL, check_operand: b('1') }),
      0,
    );
    assert.equal(invalid.error, 4);
    assert.equal(store.get(k('h', 'a'), 0).error, 1);
    assert.equal(store.lastDecree, 3n);
  });

  it('the checked key itself may be mutated', () => {
    const store = newStore();
    put(store, 'h', 'c', '1');
    const r = store.checkAndMutate(
      cam([mDel('c')], { check_type: T.CT_VALUE_INT_EQUAL, check_operand: b('1') }),
      0,
    );
    assert.equal(r.error, 0);
    assert.equal(store.get(k('h', 'c'), 0).error, 1);
  });

  it('empty mutate list, unknown operation, unknown check type -> InvalidArgument', () => {
    const store = newStore();
    assert.equal(store.checkAndMutate(cam([]), 0).error, 4);
    assert.equal(
      store.checkAndMutate(
        cam([{ operation: 2, sort_key: b('a'), value: EMPTY, set_expire_ts_seconds: 0 }]),
        0,
      ).error,
      4,
    );
    assert.equal(store.checkAndMutate(cam([mPut('a', '1')], { check_type: -1 }), 0).error, 4);
    assert.equal(store.lastDecree, 3n);
    assert.equal(store.dump(0).length, 0);
  });
});
