// checkAndSet's check types: cas_check_type (docs/PROTOCOL.md 5.4) without the CT_ prefix, in camelCase.
import { CasCheckType } from '../../core/wire/index.ts';
import { fail } from '../validate.ts';

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
