// get_scanner / scan / clear_scanner (on_get_scanner, on_scan). A context is a frozen snapshot of the
// rows from the scan position up to the first row past the stop key, so later writes stay invisible
// (a RocksDB iterator pins a snapshot) and "more rows exist" is answered exactly as the server would.

import type { GetScannerRequest, KeyValue, ScanResponse } from '../../core/wire/types.ts';
import { FilterType, StorageStatus } from '../../core/wire/types.ts';
import { isFilterTypeSupported, matchesFilter } from './filters.ts';
import { copyOut, EMPTY, echo, type StoreIdentity } from './identity.ts';
import { decodeKey, encodeKey } from './key-codec.ts';
import type { StoreLimits } from './limits.ts';
import { partitionOfKey } from './partition-of-key.ts';
import { isExpired, type SortedRecords, type StoredRecord } from './records.ts';

export const SCAN_CONTEXT_ID_COMPLETED = -1n;
export const SCAN_CONTEXT_ID_NOT_EXIST = -2n;

interface ScanContext {
  readonly rows: readonly StoredRecord[];
  pos: number;
  readonly stop: Buffer;
  readonly stopInclusive: boolean;
  readonly hashKeyFilterType: number;
  readonly hashKeyFilterPattern: Buffer;
  readonly sortKeyFilterType: number;
  readonly sortKeyFilterPattern: Buffer;
  readonly batchCount: number;
  readonly noValue: boolean;
  readonly validatePartitionHash: boolean;
  readonly returnExpireTs: boolean;
  readonly onlyReturnCount: boolean;
}

/** Where this replica sits, read at each batch (a split may change the count between batches). */
export interface PartitionPlace {
  readonly partitionIndex: number;
  readonly partitionCount: number;
}

/** Open contexts of one store. Ids come from a counter; each scan re-files the context under a new id. */
export class ScanContexts {
  readonly #open = new Map<bigint, ScanContext>();
  #next: bigint;

  constructor(firstId: bigint) {
    this.#next = firstId;
  }

  /** The id the next context will get: a clone continues from here so it never re-issues old ids. */
  get nextId(): bigint {
    return this.#next;
  }

  get size(): number {
    return this.#open.size;
  }

  put(context: ScanContext): bigint {
    const id = this.#next++;
    this.#open.set(id, context);
    return id;
  }

  take(id: bigint): ScanContext | undefined {
    const context = this.#open.get(id);
    this.#open.delete(id);
    return context;
  }
}

const scanResponse = (id: StoreIdentity, error: number, contextId: bigint): ScanResponse => ({
  error,
  kvs: [],
  context_id: contextId,
  ...echo(id),
});

export function getScanner(
  id: StoreIdentity,
  records: SortedRecords,
  limits: StoreLimits,
  contexts: ScanContexts,
  place: PartitionPlace,
  req: GetScannerRequest,
  nowSec: number,
): ScanResponse {
  // The server leaves context_id at its Thrift default (0) on these early answers; -1 (completed) is
  // what it means, and a client that trusted the 0 would scan someone else's context.
  if (!isFilterTypeSupported(req.hash_key_filter_type) || !isFilterTypeSupported(req.sort_key_filter_type)) {
    return scanResponse(id, StorageStatus.InvalidArgument, SCAN_CONTEXT_ID_COMPLETED);
  }
  let start: Buffer = Buffer.from(req.start_key);
  let startInclusive = req.start_inclusive;
  const stop = Buffer.from(req.stop_key);
  // Only the start can be tightened by a hash-key prefix: hash keys are not ordered by their bytes alone
  // (the length prefix comes first).
  if (req.hash_key_filter_type === FilterType.FT_MATCH_PREFIX && req.hash_key_filter_pattern.length > 0) {
    const prefixStart = encodeKey(req.hash_key_filter_pattern, EMPTY);
    if (Buffer.compare(prefixStart, start) > 0) {
      start = prefixStart;
      startInclusive = true;
    }
  }
  const onlyReturnCount = req.only_return_count ?? false;
  const c = Buffer.compare(start, stop);
  if (c > 0 || (c === 0 && (!startInclusive || !req.stop_inclusive))) {
    const empty = scanResponse(id, StorageStatus.Ok, SCAN_CONTEXT_ID_COMPLETED);
    if (onlyReturnCount) empty.kv_count = 0;
    return empty;
  }
  const from = records.lowerBound(start);
  // One row past the stop key is kept so the walk ends "complete" exactly where the server's would.
  const to = Math.min(records.length, records.upperBound(stop) + 1);
  const cap = limits.scanMaxIterationCount;
  const context: ScanContext = {
    rows: records.snapshot(from, to),
    pos: 0,
    stop,
    stopInclusive: req.stop_inclusive,
    hashKeyFilterType: req.hash_key_filter_type,
    hashKeyFilterPattern: Buffer.from(req.hash_key_filter_pattern),
    sortKeyFilterType: req.sort_key_filter_type,
    sortKeyFilterPattern: Buffer.from(req.sort_key_filter_pattern),
    batchCount: req.batch_size > 0 && req.batch_size < cap ? req.batch_size : cap,
    noValue: req.no_value,
    // Absent means true on the server.
    validatePartitionHash: req.validate_partition_hash ?? true,
    returnExpireTs: req.return_expire_ts ?? false,
    onlyReturnCount,
  };
  // get_scanner's visit budget is the server cap; the exclusive start row is skipped without counting.
  return runBatch(id, contexts, place, context, cap, startInclusive ? undefined : start, nowSec);
}

export function scan(
  id: StoreIdentity,
  contexts: ScanContexts,
  place: PartitionPlace,
  contextId: bigint,
  nowSec: number,
): ScanResponse {
  const context = contexts.take(contextId);
  if (context === undefined) return scanResponse(id, StorageStatus.NotFound, SCAN_CONTEXT_ID_NOT_EXIST);
  // On scan the batch size is also the visit budget, so filtered/expired rows shorten a batch.
  return runBatch(id, contexts, place, context, context.batchCount, undefined, nowSec);
}

function runBatch(
  id: StoreIdentity,
  contexts: ScanContexts,
  place: PartitionPlace,
  ctx: ScanContext,
  maxIterations: number,
  exclusiveStart: Buffer | undefined,
  nowSec: number,
): ScanResponse {
  const kvs: KeyValue[] = [];
  let count = 0;
  let iterations = 0;
  let complete = false;
  let firstExclusive = exclusiveStart !== undefined;
  while (count < ctx.batchCount && iterations < maxIterations && ctx.pos < ctx.rows.length) {
    const record = ctx.rows[ctx.pos]!;
    const c = Buffer.compare(record.key, ctx.stop);
    if (c > 0 || (c === 0 && !ctx.stopInclusive)) {
      complete = true;
      break;
    }
    if (firstExclusive) {
      firstExclusive = false;
      if (exclusiveStart !== undefined && Buffer.compare(record.key, exclusiveStart) === 0) {
        ctx.pos++;
        continue;
      }
    }
    iterations++;
    if (accepts(ctx, place, record, nowSec)) {
      count++;
      if (!ctx.onlyReturnCount) kvs.push(toKeyValue(ctx, record));
    }
    if (c === 0) {
      complete = true;
      break;
    }
    ctx.pos++;
  }
  const more = ctx.pos < ctx.rows.length && !complete;
  const response = scanResponse(id, StorageStatus.Ok, more ? contexts.put(ctx) : SCAN_CONTEXT_ID_COMPLETED);
  response.kvs = kvs;
  if (ctx.onlyReturnCount) response.kv_count = count;
  return response;
}

function accepts(ctx: ScanContext, place: PartitionPlace, record: StoredRecord, nowSec: number): boolean {
  if (isExpired(record, nowSec)) return false;
  // Split clean-up: rows whose hash routes to another partition are not this replica's to serve.
  if (
    ctx.validatePartitionHash &&
    partitionOfKey(record.key, place.partitionCount) !== place.partitionIndex
  ) {
    return false;
  }
  if (
    ctx.hashKeyFilterType === FilterType.FT_NO_FILTER &&
    ctx.sortKeyFilterType === FilterType.FT_NO_FILTER
  ) {
    return true;
  }
  const parts = decodeKey(record.key)!;
  return (
    matchesFilter(ctx.hashKeyFilterType, ctx.hashKeyFilterPattern, parts.hashKey) &&
    matchesFilter(ctx.sortKeyFilterType, ctx.sortKeyFilterPattern, parts.sortKey)
  );
}

function toKeyValue(ctx: ScanContext, record: StoredRecord): KeyValue {
  const kv: KeyValue = { key: copyOut(record.key), value: ctx.noValue ? EMPTY : copyOut(record.value) };
  // The server sends the stored uint32 through an i32 field.
  if (ctx.returnExpireTs) kv.expire_ts_seconds = record.expireTs | 0;
  return kv;
}
