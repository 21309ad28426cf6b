// The cas_check_type predicates shared by check_and_set and check_and_mutate (validate_check).

import { CasCheckType as T } from '../../core/wire/types.ts';
import { parseInt64Text } from './int64-text.ts';

export type CheckOutcome = 'passed' | 'failed' | 'invalid';

export const isCheckTypeSupported = (type: number): boolean =>
  Number.isInteger(type) && type >= T.CT_NO_CHECK && type <= T.CT_VALUE_INT_GREATER;

/** Maps a comparison result (-1/0/1) onto the five ordered checks starting at `base` (LESS). */
function ordered(type: number, base: number, c: number): boolean {
  const rel = type - base; // 0 <, 1 <=, 2 ==, 3 >=, 4 >
  if (c < 0) return rel <= 1;
  if (c > 0) return rel >= 3;
  return rel >= 1 && rel <= 3;
}

/**
 * `value` is the checked record's value, undefined when absent or expired. Every value-inspecting check
 * fails on an absent value before looking at the operand, so a bad operand on a missing key is a plain
 * failure (TryAgain), not InvalidArgument — as on the server.
 */
export function evaluateCheck(type: number, operand: Uint8Array, value: Buffer | undefined): CheckOutcome {
  const result = (ok: boolean): CheckOutcome => (ok ? 'passed' : 'failed');
  switch (type) {
    case T.CT_NO_CHECK:
      return 'passed';
    case T.CT_VALUE_NOT_EXIST:
      return result(value === undefined);
    case T.CT_VALUE_NOT_EXIST_OR_EMPTY:
      return result(value === undefined || value.length === 0);
    case T.CT_VALUE_EXIST:
      return result(value !== undefined);
    case T.CT_VALUE_NOT_EMPTY:
      return result(value !== undefined && value.length > 0);
  }
  if (value === undefined) return 'failed';
  if (type >= T.CT_VALUE_MATCH_ANYWHERE && type <= T.CT_VALUE_MATCH_POSTFIX) {
    if (operand.length === 0) return 'passed';
    if (value.length < operand.length) return 'failed';
    if (type === T.CT_VALUE_MATCH_ANYWHERE) return result(value.indexOf(operand) >= 0);
    const part =
      type === T.CT_VALUE_MATCH_PREFIX
        ? value.subarray(0, operand.length)
        : value.subarray(value.length - operand.length);
    return result(Buffer.compare(part, operand) === 0);
  }
  if (type >= T.CT_VALUE_BYTES_LESS && type <= T.CT_VALUE_BYTES_GREATER) {
    return result(ordered(type, T.CT_VALUE_BYTES_LESS, Buffer.compare(value, operand)));
  }
  // CT_VALUE_INT_*: the stored value is parsed first, then the operand.
  const stored = parseInt64Text(value);
  if (stored === undefined) return 'invalid';
  const wanted = parseInt64Text(operand);
  if (wanted === undefined) return 'invalid';
  const c = stored < wanted ? -1 : stored > wanted ? 1 : 0;
  return result(ordered(type, T.CT_VALUE_INT_LESS, c));
}
