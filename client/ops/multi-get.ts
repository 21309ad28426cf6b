// multiGet: either exactly the given sort keys, or a sort-key range with filter and limits.
import { partitionHash } from '../../core/routing/index.ts';
import { FilterType, type MultiGetRequest, type RpcResult, StorageStatus } from '../../core/wire/index.ts';
import { keyList } from '../options.ts';
import {
  type Bytes,
  checkBoolean,
  checkLimit,
  checkOptions,
  fail,
  toBytes,
  toBytesList,
  toHashKey,
} from '../validate.ts';
import { type OpPlan, ownBuffer, refuse } from './op-plan.ts';

/** Keeps only the sort keys that match a pattern. */
export interface SortKeyFilter {
  /** where `pattern` must occur in the sort key: at its start, at its end, or anywhere */
  type: 'prefix' | 'postfix' | 'anywhere';
  /** the bytes to look for */
  pattern: Bytes;
}

/** A sort-key range of {@link Table.multiGet}; `{}` is every sort key under the hash key. */
export interface MultiGetRange {
  /** first sort key (default: the first one) */
  start?: Bytes;
  /** last sort key (default: the last one) */
  stop?: Bytes;
  /** default true */
  startInclusive?: boolean;
  /** default false */
  stopInclusive?: boolean;
  /** only sort keys that match (default: every sort key in the range) */
  filter?: SortKeyFilter;
  /** at most this many entries (default: no client limit; server caps still apply) */
  maxCount?: number;
  /** at most about this many bytes of keys and values (default: no client limit) */
  maxBytes?: number;
  /** sort keys only; every value is an empty Buffer */
  noValue?: boolean;
  /** scan from the last sort key backwards: limits keep the last entries (returned still ascending) */
  reverse?: boolean;
}

/** What {@link Table.multiGet} resolves to. */
export interface MultiGetResult {
  /** in the order the server sends them: ascending sort-key order, also with `reverse` */
  entries: Array<{
    /** the entry's sort key */
    sortKey: Buffer;
    /** its value (empty with `noValue`) */
    value: Buffer;
  }>;
  /** false when a limit (the caller's or the server's) stopped the read before the end */
  complete: boolean;
}

const FILTERS = {
  prefix: FilterType.FT_MATCH_PREFIX,
  postfix: FilterType.FT_MATCH_POSTFIX,
  anywhere: FilterType.FT_MATCH_ANYWHERE,
} as const;

const EMPTY: Uint8Array = new Uint8Array(0);

const RANGE_KEYS = keyList<MultiGetRange>({
  start: true,
  stop: true,
  startInclusive: true,
  stopInclusive: true,
  filter: true,
  maxCount: true,
  maxBytes: true,
  noValue: true,
  reverse: true,
});
const FILTER_KEYS = keyList<SortKeyFilter>({ type: true, pattern: true });

export function multiGetPlan(
  hashKey: unknown,
  query: unknown,
): OpPlan<'RPC_RRDB_RRDB_MULTI_GET', MultiGetResult> {
  const h = toHashKey(hashKey, false);
  const args: MultiGetRequest = {
    hash_key: h,
    sort_keys: [],
    max_kv_count: 0,
    max_kv_size: 0,
    no_value: false,
    start_sortkey: EMPTY,
    stop_sortkey: EMPTY,
    start_inclusive: true,
    stop_inclusive: false,
    sort_key_filter_type: FilterType.FT_NO_FILTER,
    sort_key_filter_pattern: EMPTY,
    reverse: false,
  };
  if (Array.isArray(query)) {
    // An empty list on the wire means "every sort key": refuse it rather than read the whole hash key.
    if (query.length === 0) fail('sortKeys must not be empty; pass a range ({}) to read every sort key');
    args.sort_keys = toBytesList('sortKeys', query);
  } else {
    if (query === undefined) fail('multiGet needs a list of sort keys or a range object ({} for all)');
    const q = checkOptions<MultiGetRange>('range', query, RANGE_KEYS);
    if (q.start !== undefined) args.start_sortkey = toBytes('range.start', q.start);
    if (q.stop !== undefined) args.stop_sortkey = toBytes('range.stop', q.stop);
    args.start_inclusive = checkBoolean('range.startInclusive', q.startInclusive, true);
    args.stop_inclusive = checkBoolean('range.stopInclusive', q.stopInclusive, false);
    args.max_kv_count = checkLimit('range.maxCount', q.maxCount);
    args.max_kv_size = checkLimit('range.maxBytes', q.maxBytes);
    args.no_value = checkBoolean('range.noValue', q.noValue, false);
    args.reverse = checkBoolean('range.reverse', q.reverse, false);
    if (q.filter !== undefined) {
      const f = checkOptions<SortKeyFilter>('range.filter', q.filter, FILTER_KEYS);
      const type = typeof f.type === 'string' && Object.hasOwn(FILTERS, f.type) ? FILTERS[f.type] : undefined;
      if (type === undefined)
        fail(`range.filter.type must be 'prefix', 'postfix' or 'anywhere', got ${JSON.stringify(f.type)}`);
      args.sort_key_filter_type = type;
      args.sort_key_filter_pattern = toBytes('range.filter.pattern', f.pattern);
    }
  }
  return {
    op: 'multiGet',
    rpc: 'RPC_RRDB_RRDB_MULTI_GET',
    args,
    partitionHash: partitionHash(h, EMPTY),
    idempotent: true,
    decode: decodeMultiGet,
  };
}

// a module function, not a closure made per call
function decodeMultiGet(r: RpcResult<'RPC_RRDB_RRDB_MULTI_GET'>): MultiGetResult {
  if (r.error !== StorageStatus.Ok && r.error !== StorageStatus.Incomplete) refuse(r.error, '');
  const entries: MultiGetResult['entries'] = new Array(r.kvs.length);
  for (let i = 0; i < r.kvs.length; i++) {
    const kv = r.kvs[i]!;
    entries[i] = { sortKey: ownBuffer(kv.key), value: ownBuffer(kv.value) };
  }
  return { entries, complete: r.error === StorageStatus.Ok };
}
