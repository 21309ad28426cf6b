// checkAndSet's check types: cas_check_type (docs/PROTOCOL.md 5.4) without the CT_ prefix, in camelCase.
import { CasCheckType, StorageStatus } from '../../core/wire/index.ts';
import { fail } from '../validate.ts';
import { ownBuffer, refuse } from './op-plan.ts';

/**
 * How checkAndSet tests the value at its check sort key against the operand: existence, emptiness,
 * a byte-string match or comparison, or a comparison of decimal int64 values.
 */
export type CheckType =
  | 'noCheck'
  | 'valueNotExist'
  | 'valueNotExistOrEmpty'
  | 'valueExist'
  | 'valueNotEmpty'
  | 'valueMatchAnywhere'
  | 'valueMatchPrefix'
  | 'valueMatchPostfix'
  | 'valueBytesLess'
  | 'valueBytesLessOrEqual'
  | 'valueBytesEqual'
  | 'valueBytesGreaterOrEqual'
  | 'valueBytesGreater'
  | 'valueIntLess'
  | 'valueIntLessOrEqual'
  | 'valueIntEqual'
  | 'valueIntGreaterOrEqual'
  | 'valueIntGreater';

const CHECK_TYPES: Record<CheckType, number> = {
  noCheck: CasCheckType.CT_NO_CHECK,
  valueNotExist: CasCheckType.CT_VALUE_NOT_EXIST,
  valueNotExistOrEmpty: CasCheckType.CT_VALUE_NOT_EXIST_OR_EMPTY,
  valueExist: CasCheckType.CT_VALUE_EXIST,
  valueNotEmpty: CasCheckType.CT_VALUE_NOT_EMPTY,
  valueMatchAnywhere: CasCheckType.CT_VALUE_MATCH_ANYWHERE,
  valueMatchPrefix: CasCheckType.CT_VALUE_MATCH_PREFIX,
  valueMatchPostfix: CasCheckType.CT_VALUE_MATCH_POSTFIX,
  valueBytesLess: CasCheckType.CT_VALUE_BYTES_LESS,
  valueBytesLessOrEqual: CasCheckType.CT_VALUE_BYTES_LESS_OR_EQUAL,
  valueBytesEqual: CasCheckType.CT_VALUE_BYTES_EQUAL,
  valueBytesGreaterOrEqual: CasCheckType.CT_VALUE_BYTES_GREATER_OR_EQUAL,
  valueBytesGreater: CasCheckType.CT_VALUE_BYTES_GREATER,
  valueIntLess: CasCheckType.CT_VALUE_INT_LESS,
  valueIntLessOrEqual: CasCheckType.CT_VALUE_INT_LESS_OR_EQUAL,
  valueIntEqual: CasCheckType.CT_VALUE_INT_EQUAL,
  valueIntGreaterOrEqual: CasCheckType.CT_VALUE_INT_GREATER_OR_EQUAL,
  valueIntGreater: CasCheckType.CT_VALUE_INT_GREATER,
};

/** Every {@link CheckType}, in the wire enum's order. */
export const CHECK_TYPE_NAMES = Object.keys(CHECK_TYPES) as CheckType[];

export function checkTypeCode(v: unknown): number {
  if (typeof v === 'string' && Object.hasOwn(CHECK_TYPES, v)) return CHECK_TYPES[v as CheckType];
  return fail(`checkType must be one of ${CHECK_TYPE_NAMES.join(', ')}; got ${JSON.stringify(v)}`);
}

/** The fields of a check_and_set or check_and_mutate answer that say how the check went. */
interface CheckedAnswer {
  error: number;
  check_value_returned: boolean;
  check_value_exist: boolean;
  check_value: Uint8Array;
}

/**
 * A conditional write's answer: applied (Ok) or not (TryAgain: the check did not hold), and the
 * check value when it was asked for (null: the record does not exist). Any other status refuses.
 */
export function checkedOutcome(
  r: CheckedAnswer,
  returnCheckValue: boolean,
): { applied: boolean; checkValue?: Buffer | null } {
  if (r.error === StorageStatus.InvalidArgument)
    refuse(r.error, 'an int comparison met a value or operand that is not a decimal int64');
  if (r.error !== StorageStatus.Ok && r.error !== StorageStatus.TryAgain) refuse(r.error, '');
  const applied = r.error === StorageStatus.Ok;
  if (!returnCheckValue || !r.check_value_returned) return { applied };
  return { applied, checkValue: r.check_value_exist ? ownBuffer(r.check_value) : null };
}
