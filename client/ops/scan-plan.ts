// Scan options, checked and turned into the core's ScannerSpec: a hash scan (one hash key, sort-key
// order) or a full-table scan over some partitions (docs/PROTOCOL.md 10.4).
import type { ScannerSpec } from '../../core/client/index.ts';
import { encodeKey, nextKeyOf, partitionHash } from '../../core/routing/index.ts';
import { FilterType } from '../../core/wire/index.ts';
import { keyList } from '../options.ts';
import {
  type Bytes,
  checkBoolean,
  checkLimit,
  checkOptions,
  checkSignal,
  checkTimeoutMs,
  fail,
  toBytes,
  toHashKey,
} from '../validate.ts';
import type { SortKeyFilter } from './multi-get.ts';

/** Options of {@link Table.scan}, {@link Table.scanAll} and {@link Table.unorderedScanners}. */
export interface ScanOptions {
  /** first sort key (hash scans; default: the first one) */
  startSortKey?: Bytes;
  /** last sort key (hash scans; default: past the last one) */
  stopSortKey?: Bytes;
  /** whether `startSortKey` itself is yielded (default true) */
  startInclusive?: boolean;
  /** whether `stopSortKey` itself is yielded (default false) */
  stopInclusive?: boolean;
  /** only sort keys that match */
  sortKeyFilter?: SortKeyFilter;
  /** only hash keys that match (full-table scans) */
  hashKeyFilter?: SortKeyFilter;
  /** records per batch the server returns (default 100) */
  batchSize?: number;
  /** values are not read; every value is an empty Buffer */
  noValue?: boolean;
  /** each record carries `expireTs` (seconds since the Pegasus epoch, 0: never expires) */
  returnExpireTs?: boolean;
  /**
   * Deadline of one batch, resumes after a lost context included (default 5000). Every batch that
   * brings records starts it again, so a long scan is never cut short by it.
   */
  timeoutMs?: number;
  /** aborting ends the scan: the pending `next()` rejects with PegasusAbortError and the server's context is cleared */
  signal?: AbortSignal;
}

export const DEFAULT_SCAN_BATCH_SIZE = 100;
export const DEFAULT_SCAN_TIMEOUT_MS = 5000;

const SCAN_KEYS = keyList<ScanOptions>({
  startSortKey: true,
  stopSortKey: true,
  startInclusive: true,
  stopInclusive: true,
  sortKeyFilter: true,
  hashKeyFilter: true,
  batchSize: true,
  noValue: true,
  returnExpireTs: true,
  timeoutMs: true,
  signal: true,
});
const FILTER_KEYS = keyList<SortKeyFilter>({ type: true, pattern: true });
const FILTERS = {
  prefix: FilterType.FT_MATCH_PREFIX,
  postfix: FilterType.FT_MATCH_POSTFIX,
  anywhere: FilterType.FT_MATCH_ANYWHERE,
} as const;
const EMPTY = Buffer.alloc(0);
/** every key of a table: `00 00` to `ff ff` (docs/PROTOCOL.md 10.4) */
const TABLE_START = Buffer.from([0, 0]);
const TABLE_STOP = Buffer.from([0xff, 0xff]);

function filterOf(name: string, v: unknown): { type: number; pattern: Buffer } {
  if (v === undefined) return { type: FilterType.FT_NO_FILTER, pattern: EMPTY };
  const f = checkOptions<SortKeyFilter>(name, v, FILTER_KEYS);
  const type = typeof f.type === 'string' && Object.hasOwn(FILTERS, f.type) ? FILTERS[f.type] : undefined;
  if (type === undefined)
    fail(`${name}.type must be 'prefix', 'postfix' or 'anywhere', got ${JSON.stringify(f.type)}`);
  return { type, pattern: Buffer.from(toBytes(`${name}.pattern`, f.pattern)) };
}

/** the checked options: what the spec needs, plus the signal */
export interface ScanPlan {
  readonly spec: ScannerSpec;
  readonly signal: AbortSignal | undefined;
}

function common(opts: unknown, full: boolean) {
  const o = checkOptions<ScanOptions>('options', opts, SCAN_KEYS);
  if (full && (o.startSortKey !== undefined || o.stopSortKey !== undefined))
    fail('startSortKey and stopSortKey apply to scan(hashKey) only; a full-table scan reads every key');
  const batchSize =
    o.batchSize === undefined ? DEFAULT_SCAN_BATCH_SIZE : checkLimit('batchSize', o.batchSize);
  const sortFilter = filterOf('sortKeyFilter', o.sortKeyFilter);
  const hashFilter = full ? filterOf('hashKeyFilter', o.hashKeyFilter) : filterOf('hashKeyFilter', undefined);
  if (!full && o.hashKeyFilter !== undefined) fail('hashKeyFilter applies to full-table scans only');
  // what every batch of the scan reads, whatever its range
  const reading: ReadingFields = {
    batchSize,
    noValue: checkBoolean('noValue', o.noValue, false),
    returnExpireTs: checkBoolean('returnExpireTs', o.returnExpireTs, false),
    hashKeyFilterType: hashFilter.type,
    hashKeyFilterPattern: hashFilter.pattern,
    sortKeyFilterType: sortFilter.type,
    sortKeyFilterPattern: sortFilter.pattern,
    batchTimeoutMs: checkTimeoutMs('timeoutMs', o.timeoutMs) ?? DEFAULT_SCAN_TIMEOUT_MS,
  };
  return {
    o,
    reading,
    startInclusive: checkBoolean('startInclusive', o.startInclusive, true),
    stopInclusive: checkBoolean('stopInclusive', o.stopInclusive, false),
    signal: checkSignal(o.signal),
  };
}

type ReadingFields = Pick<
  ScannerSpec,
  | 'batchSize'
  | 'noValue'
  | 'returnExpireTs'
  | 'hashKeyFilterType'
  | 'hashKeyFilterPattern'
  | 'sortKeyFilterType'
  | 'sortKeyFilterPattern'
  | 'batchTimeoutMs'
>;

/** table.scan(hashKey, opts): the sort keys of one hash key, in order */
export function hashScanPlan(table: string, hashKey: unknown, opts: unknown): ScanPlan {
  const h = Buffer.from(toHashKey(hashKey, false));
  const c = common(opts, false);
  const start =
    c.o.startSortKey === undefined ? EMPTY : Buffer.from(toBytes('startSortKey', c.o.startSortKey));
  const stop = c.o.stopSortKey === undefined ? null : Buffer.from(toBytes('stopSortKey', c.o.stopSortKey));
  // no stop sort key: everything under the hash key, up to the first key past it (exclusive)
  const stopKey = stop === null ? nextKeyOf(h) : encodeKey(h, stop);
  return {
    spec: {
      table,
      hashScanHash: partitionHash(h, EMPTY),
      partitions: [],
      partitionCount: 0,
      startKey: encodeKey(h, start),
      stopKey,
      startInclusive: c.startInclusive,
      stopInclusive: stop === null ? false : c.stopInclusive,
      ...c.reading,
    },
    signal: c.signal,
  };
}

/** checked options of a full-table scan; `specFor` gives the spec for some partitions of a count */
export function fullScanOptions(opts: unknown) {
  const c = common(opts, true);
  return {
    signal: c.signal,
    specFor(table: string, partitions: number[], partitionCount: number): ScannerSpec {
      return {
        table,
        hashScanHash: null,
        partitions,
        partitionCount,
        startKey: TABLE_START,
        stopKey: TABLE_STOP,
        startInclusive: true,
        stopInclusive: false,
        ...c.reading,
      };
    },
  };
}
