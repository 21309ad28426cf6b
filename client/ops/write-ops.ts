// Plans of the writes. set/del/multiSet/multiDel are idempotent (a resend rewrites the same
// record); incr and checkAndSet are not (a resend could apply twice), so the core never resends
// them after an ambiguous failure.
import { encodeKey, partitionHash } from '../../core/routing/index.ts';
import { type KeyValue, StorageStatus } from '../../core/wire/index.ts';
import { expireTsSeconds, incrExpireTsSeconds } from '../expiry.ts';
import {
  type Bytes,
  checkDelta,
  checkTtlSeconds,
  fail,
  toBytes,
  toBytesList,
  toHashKey,
} from '../validate.ts';
import { checkedOutcome, checkTypeCode } from './check-type.ts';
import { type OpPlan, refuse } from './op-plan.ts';

const EMPTY = new Uint8Array(0);

function okOrRefuse(r: { error: number }): void {
  if (r.error !== StorageStatus.Ok) refuse(r.error, '');
}

export function setPlan(
  hashKey: unknown,
  sortKey: unknown,
  value: unknown,
  ttlSeconds: unknown,
): OpPlan<'RPC_RRDB_RRDB_PUT', void> {
  const h = toHashKey(hashKey, true);
  const s = toBytes('sortKey', sortKey);
  const v = toBytes('value', value);
  return {
    op: 'set',
    rpc: 'RPC_RRDB_RRDB_PUT',
    args: { key: encodeKey(h, s), value: v, expire_ts_seconds: expireTsSeconds(checkTtlSeconds(ttlSeconds)) },
    partitionHash: partitionHash(h, s),
    idempotent: true,
    decode: okOrRefuse,
  };
}

export function delPlan(hashKey: unknown, sortKey: unknown): OpPlan<'RPC_RRDB_RRDB_REMOVE', void> {
  const h = toHashKey(hashKey, true);
  const s = toBytes('sortKey', sortKey);
  return {
    op: 'del',
    rpc: 'RPC_RRDB_RRDB_REMOVE',
    args: encodeKey(h, s),
    partitionHash: partitionHash(h, s),
    idempotent: true,
    decode: okOrRefuse,
  };
}

/**
 * The entries of {@link Table.multiSet}: a Map, any iterable of `[sortKey, value]` pairs, or a plain
 * object of sort key (a UTF-8 string) to value.
 */
export type MultiSetEntries =
  | Map<Bytes, Bytes>
  | Iterable<readonly [Bytes, Bytes]>
  | { readonly [sortKey: string]: Bytes };

export function multiSetPlan(
  hashKey: unknown,
  entries: unknown,
  ttlSeconds: unknown,
): OpPlan<'RPC_RRDB_RRDB_MULTI_PUT', void> {
  const h = toHashKey(hashKey, false);
  if (typeof entries !== 'object' || entries === null)
    fail('entries must be a Map, an array of [sortKey, value] pairs or an object of sortKey: value');
  // a plain object: its own string keys are the sort keys
  const pairs =
    Symbol.iterator in entries
      ? (entries as Iterable<unknown>)
      : Object.getPrototypeOf(entries) === Object.prototype || Object.getPrototypeOf(entries) === null
        ? Object.entries(entries)
        : fail('entries must be a Map, an array of [sortKey, value] pairs or an object of sortKey: value');
  const kvs: KeyValue[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2)
      fail(`entries[${kvs.length}] must be a [sortKey, value] pair`);
    kvs.push({
      key: toBytes(`entries[${kvs.length}] sortKey`, pair[0]),
      value: toBytes(`entries[${kvs.length}] value`, pair[1]),
    });
  }
  if (kvs.length === 0) fail('entries must not be empty');
  return {
    op: 'multiSet',
    rpc: 'RPC_RRDB_RRDB_MULTI_PUT',
    args: { hash_key: h, kvs, expire_ts_seconds: expireTsSeconds(checkTtlSeconds(ttlSeconds)) },
    partitionHash: partitionHash(h, EMPTY),
    idempotent: true,
    decode: okOrRefuse,
  };
}

export function multiDelPlan(
  hashKey: unknown,
  sortKeys: unknown,
): OpPlan<'RPC_RRDB_RRDB_MULTI_REMOVE', void> {
  const h = toHashKey(hashKey, false);
  return {
    op: 'multiDel',
    rpc: 'RPC_RRDB_RRDB_MULTI_REMOVE',
    // max_count is deprecated: always 0 (docs/PROTOCOL.md 5.3)
    args: { hash_key: h, sort_keys: toBytesList('sortKeys', sortKeys), max_count: 0n },
    partitionHash: partitionHash(h, EMPTY),
    idempotent: true,
    decode: okOrRefuse,
  };
}

export function incrPlan(
  hashKey: unknown,
  sortKey: unknown,
  delta: unknown,
  ttlSeconds: unknown,
): OpPlan<'RPC_RRDB_RRDB_INCR', bigint> {
  const h = toHashKey(hashKey, true);
  const s = toBytes('sortKey', sortKey);
  return {
    op: 'incr',
    rpc: 'RPC_RRDB_RRDB_INCR',
    args: {
      key: encodeKey(h, s),
      increment: checkDelta(delta),
      expire_ts_seconds: incrExpireTsSeconds(checkTtlSeconds(ttlSeconds)),
    },
    partitionHash: partitionHash(h, s),
    idempotent: false,
    decode: decodeIncr,
  };
}

// a module function, not a closure made per call
function decodeIncr(r: { error: number; new_value: bigint }): bigint {
  if (r.error === StorageStatus.InvalidArgument)
    refuse(r.error, 'the stored value is not a decimal int64, or the result overflows');
  okOrRefuse(r);
  return r.new_value;
}

/** What {@link Table.checkAndSet} resolves to. */
export interface CheckAndSetResult {
  /** false when the check did not pass (nothing was written) */
  setSucceed: boolean;
  /** with returnCheckValue: the checked value before the write, null if it did not exist */
  checkValue?: Buffer | null;
}

export function checkAndSetPlan(
  hashKey: unknown,
  checkSortKey: unknown,
  checkType: unknown,
  checkOperand: unknown,
  setSortKey: unknown,
  setValue: unknown,
  ttlSeconds: unknown,
  returnCheckValue: boolean,
): OpPlan<'RPC_RRDB_RRDB_CHECK_AND_SET', CheckAndSetResult> {
  const h = toHashKey(hashKey, false);
  const checkKey = toBytes('checkSortKey', checkSortKey);
  const type = checkTypeCode(checkType);
  const operand = toBytes('checkOperand', checkOperand);
  const setKey = toBytes('setSortKey', setSortKey);
  const value = toBytes('setValue', setValue);
  return {
    op: 'checkAndSet',
    rpc: 'RPC_RRDB_RRDB_CHECK_AND_SET',
    args: {
      hash_key: h,
      check_sort_key: checkKey,
      check_type: type,
      check_operand: operand,
      set_diff_sort_key: Buffer.compare(checkKey, setKey) !== 0,
      set_sort_key: setKey,
      set_value: value,
      set_expire_ts_seconds: expireTsSeconds(checkTtlSeconds(ttlSeconds)),
      return_check_value: returnCheckValue,
    },
    partitionHash: partitionHash(h, EMPTY),
    idempotent: false,
    decode: (r) => {
      const { applied, checkValue } = checkedOutcome(r, returnCheckValue);
      return checkValue === undefined ? { setSucceed: applied } : { setSucceed: applied, checkValue };
    },
  };
}
