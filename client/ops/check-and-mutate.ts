// checkAndMutate and compareExchange: atomic conditional writes under one hash key. Neither is
// idempotent: after an ambiguous failure the core never resends them (the caller gets
// PegasusOutcomeUnknownError), as for incr and checkAndSet.
import { partitionHash } from '../../core/routing/index.ts';
import { type Mutate, MutateOperation, StorageStatus } from '../../core/wire/index.ts';
import { expireTsSeconds } from '../expiry.ts';
import { type CallOptions, keyList } from '../options.ts';
import { type Bytes, checkOptions, checkTtlSeconds, fail, toBytes, toHashKey } from '../validate.ts';
import { checkedOutcome, checkTypeCode } from './check-type.ts';
import { type OpPlan, ownBuffer, refuse } from './op-plan.ts';

const EMPTY = new Uint8Array(0);

/** One write of {@link Table.checkAndMutate}: set a sort key (with an optional TTL) or delete one. */
export type Mutation =
  | {
      /** write `value` at `sortKey` */
      type: 'set';
      /** the sort key written */
      sortKey: Bytes;
      /** the value written */
      value: Bytes;
      /** TTL of this record in seconds (0 or absent: never expires) */
      ttlSeconds?: number;
    }
  | {
      /** delete `sortKey` */
      type: 'del';
      /** the sort key deleted */
      sortKey: Bytes;
    };

/** What {@link Table.checkAndMutate} resolves to. */
export interface CheckAndMutateResult {
  /** false when the check did not pass (nothing was written) */
  mutateSucceed: boolean;
  /** with returnCheckValue: the checked value before the writes, null if it did not exist */
  checkValue?: Buffer | null;
}

/** What {@link Table.compareExchange} resolves to. */
export interface CompareExchangeResult {
  /** true when the value was `expected` and is now `desired` */
  setSucceed: boolean;
  /** when it failed: the value found instead (null: the record did not exist) */
  actualValue: Buffer | null;
}

/** Options of {@link Table.checkAndMutate} (each set mutation carries its own TTL). */
export interface CheckAndMutateOptions extends CallOptions {
  /**
   * Also return the checked value as it was before the writes.
   * @defaultValue false
   */
  returnCheckValue?: boolean;
}

export const CHECK_AND_MUTATE_OPTION_KEYS = keyList<CheckAndMutateOptions>({
  timeoutMs: true,
  signal: true,
  returnCheckValue: true,
});

const SET_KEYS = keyList<Extract<Mutation, { type: 'set' }>>({
  type: true,
  sortKey: true,
  value: true,
  ttlSeconds: true,
});
const DEL_KEYS = keyList<Extract<Mutation, { type: 'del' }>>({ type: true, sortKey: true });

function mutationOf(v: unknown, i: number): Mutate {
  const name = `mutations[${i}]`;
  const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  if (type === 'set') {
    const m = checkOptions<Extract<Mutation, { type: 'set' }>>(name, v, SET_KEYS);
    return {
      operation: MutateOperation.MO_PUT,
      sort_key: toBytes(`${name}.sortKey`, m.sortKey),
      value: toBytes(`${name}.value`, m.value),
      set_expire_ts_seconds: expireTsSeconds(checkTtlSeconds(m.ttlSeconds)),
    };
  }
  if (type === 'del') {
    const m = checkOptions<Extract<Mutation, { type: 'del' }>>(name, v, DEL_KEYS);
    return {
      operation: MutateOperation.MO_DELETE,
      sort_key: toBytes(`${name}.sortKey`, m.sortKey),
      value: EMPTY,
      set_expire_ts_seconds: 0,
    };
  }
  return fail(`${name} must be { type: 'set', sortKey, value, ttlSeconds? } or { type: 'del', sortKey }`);
}

export function checkAndMutatePlan(
  hashKey: unknown,
  checkSortKey: unknown,
  checkType: unknown,
  checkOperand: unknown,
  mutations: unknown,
  returnCheckValue: boolean,
): OpPlan<'RPC_RRDB_RRDB_CHECK_AND_MUTATE', CheckAndMutateResult> {
  const h = toHashKey(hashKey, false);
  const checkKey = toBytes('checkSortKey', checkSortKey);
  const type = checkTypeCode(checkType);
  const operand = toBytes('checkOperand', checkOperand);
  if (!Array.isArray(mutations) || mutations.length === 0)
    fail('mutations must be a non-empty array of { type: "set" | "del", ... }');
  const list = (mutations as unknown[]).map(mutationOf);
  return {
    op: 'checkAndMutate',
    rpc: 'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
    args: {
      hash_key: h,
      check_sort_key: checkKey,
      check_type: type,
      check_operand: operand,
      mutate_list: list,
      return_check_value: returnCheckValue,
    },
    partitionHash: partitionHash(h, EMPTY),
    idempotent: false,
    decode: (r) => {
      const { applied, checkValue } = checkedOutcome(r, returnCheckValue);
      return checkValue === undefined ? { mutateSucceed: applied } : { mutateSucceed: applied, checkValue };
    },
  };
}

/** compareExchange: check-and-set of one record against its own expected bytes */
export function compareExchangePlan(
  hashKey: unknown,
  sortKey: unknown,
  expected: unknown,
  desired: unknown,
  ttlSeconds: unknown,
): OpPlan<'RPC_RRDB_RRDB_CHECK_AND_SET', CompareExchangeResult> {
  const h = toHashKey(hashKey, false);
  const s = toBytes('sortKey', sortKey);
  return {
    op: 'compareExchange',
    rpc: 'RPC_RRDB_RRDB_CHECK_AND_SET',
    args: {
      hash_key: h,
      check_sort_key: s,
      check_type: checkTypeCode('valueBytesEqual'),
      check_operand: toBytes('expected', expected),
      set_diff_sort_key: false,
      set_sort_key: s,
      set_value: toBytes('desired', desired),
      set_expire_ts_seconds: expireTsSeconds(checkTtlSeconds(ttlSeconds)),
      return_check_value: true,
    },
    partitionHash: partitionHash(h, EMPTY),
    idempotent: false,
    decode: (r) => {
      if (r.error !== StorageStatus.Ok && r.error !== StorageStatus.TryAgain) refuse(r.error, '');
      if (r.error === StorageStatus.Ok) return { setSucceed: true, actualValue: null };
      return {
        setSucceed: false,
        actualValue: r.check_value_returned && r.check_value_exist ? ownBuffer(r.check_value) : null,
      };
    },
  };
}
