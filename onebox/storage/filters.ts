// filter_type matching shared by multi_get (sort key) and scans (hash key and sort key).

import { FilterType } from '../../core/wire/types.ts';

export function isFilterTypeSupported(type: number): boolean {
  return Number.isInteger(type) && type >= FilterType.FT_NO_FILTER && type <= FilterType.FT_MATCH_POSTFIX;
}

/** Callers validate `type` first. An empty pattern matches everything, as on the server. */
export function matchesFilter(type: number, pattern: Uint8Array, value: Buffer): boolean {
  if (type === FilterType.FT_NO_FILTER || pattern.length === 0) return true;
  if (value.length < pattern.length) return false;
  switch (type) {
    case FilterType.FT_MATCH_ANYWHERE:
      return value.indexOf(pattern) >= 0;
    case FilterType.FT_MATCH_PREFIX:
      return Buffer.compare(value.subarray(0, pattern.length), pattern) === 0;
    case FilterType.FT_MATCH_POSTFIX:
      return Buffer.compare(value.subarray(value.length - pattern.length), pattern) === 0;
    default:
      return false;
  }
}
