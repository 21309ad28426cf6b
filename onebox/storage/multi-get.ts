// multi_get, following pegasus_server_impl::on_multi_get: by explicit sort keys, or by a sort-key range
// walked with a RocksDB-style iterator so the Incomplete (7) answer appears exactly when the server's would.

import type { KeyValue, MultiGetRequest, MultiGetResponse } from '../../core/wire/types.ts';
import { FilterType, StorageStatus } from '../../core/wire/types.ts';
import { isFilterTypeSupported, matchesFilter } from './filters.ts';
import { copyOut, EMPTY, echo, type StoreIdentity } from './identity.ts';
import { decodeKey, encodeKey, hashKeyStop, MAX_HASH_KEY_LENGTH, nextKey } from './key-codec.ts';
import type { StoreLimits } from './limits.ts';
import { liveRecord } from './reads.ts';
import { isExpired, type SortedRecords } from './records.ts';

const INT32_MAX = 0x7fffffff;

export function multiGet(
  id: StoreIdentity,
  records: SortedRecords,
  limits: StoreLimits,
  req: MultiGetRequest,
  nowSec: number,
): MultiGetResponse {
  if (!isFilterTypeSupported(req.sort_key_filter_type) || req.hash_key.length > MAX_HASH_KEY_LENGTH) {
    return { error: StorageStatus.InvalidArgument, kvs: [], ...echo(id) };
  }
  // The client's count limit can only lower the server cap; the client's size limit applies as given.
  const serverCount = limits.multiGetMaxIterationCount;
  const maxKvCount = req.max_kv_count > 0 && req.max_kv_count < serverCount ? req.max_kv_count : serverCount;
  const maxKvSize = req.max_kv_size > 0 ? req.max_kv_size : INT32_MAX;
  return req.sort_keys.length > 0
    ? byKeys(id, records, req, maxKvCount, maxKvSize, nowSec)
    : byRange(id, records, limits, req, maxKvCount, maxKvSize, nowSec);
}

/** Found keys in request order (duplicates repeated); range-only fields are ignored. */
function byKeys(
  id: StoreIdentity,
  records: SortedRecords,
  req: MultiGetRequest,
  maxKvCount: number,
  maxKvSize: number,
  nowSec: number,
): MultiGetResponse {
  const kvs: KeyValue[] = [];
  let size = 0;
  for (const sortKey of req.sort_keys) {
    const record = liveRecord(records, encodeKey(req.hash_key, sortKey), nowSec);
    if (record === undefined) continue;
    // Checked only when one more found row would be added, as on the server.
    if (kvs.length >= maxKvCount || size >= maxKvSize)
      return { error: StorageStatus.Incomplete, kvs, ...echo(id) };
    const value = req.no_value ? EMPTY : copyOut(record.value);
    kvs.push({ key: Buffer.from(sortKey), value });
    size += sortKey.length + value.length;
  }
  return { error: StorageStatus.Ok, kvs, ...echo(id) };
}

function byRange(
  id: StoreIdentity,
  records: SortedRecords,
  limits: StoreLimits,
  req: MultiGetRequest,
  maxKvCount: number,
  maxKvSize: number,
  nowSec: number,
): MultiGetResponse {
  let start = encodeKey(req.hash_key, req.start_sortkey);
  let startInclusive = req.start_inclusive;
  let stop: Buffer;
  let stopInclusive: boolean;
  if (req.stop_sortkey.length === 0) {
    stop = hashKeyStop(req.hash_key);
    stopInclusive = false;
  } else {
    stop = encodeKey(req.hash_key, req.stop_sortkey);
    stopInclusive = req.stop_inclusive;
  }
  // A prefix filter narrows the range itself (same as the server's optimisation; results are identical).
  const pattern = req.sort_key_filter_pattern;
  if (req.sort_key_filter_type === FilterType.FT_MATCH_PREFIX && pattern.length > 0) {
    const prefixStart = encodeKey(req.hash_key, pattern);
    if (Buffer.compare(prefixStart, start) > 0) {
      start = prefixStart;
      startInclusive = true;
    }
    const prefixStop = nextKey(prefixStart);
    if (Buffer.compare(prefixStop, stop) <= 0) {
      stop = prefixStop;
      stopInclusive = false;
    }
  }
  const c = Buffer.compare(start, stop);
  if (c > 0 || (c === 0 && (!startInclusive || !stopInclusive))) {
    return { error: StorageStatus.Ok, kvs: [], ...echo(id) };
  }

  // Server caps: rows visited (expired and filtered ones count) and bytes returned.
  const maxIterations = limits.multiGetMaxIterationCount;
  const sizeCap = limits.multiGetMaxIterationSize > 0 ? limits.multiGetMaxIterationSize : INT32_MAX;
  const maxIterationSize = Math.min(maxKvSize, sizeCap);
  const kvs: KeyValue[] = [];
  let iterations = 0;
  let size = 0;
  let complete = false;

  // The iterator walks the whole partition; leaving the range ends it "complete", running out of
  // budget while rows remain (even rows of the next hash key) makes the answer Incomplete.
  const step = req.reverse ? -1 : 1;
  let pos = req.reverse ? records.upperBound(stop) - 1 : records.lowerBound(start);
  const first = req.reverse ? stop : start;
  let firstExclusive = req.reverse ? !stopInclusive : !startInclusive;
  const valid = (): boolean => pos >= 0 && pos < records.length;
  while (kvs.length < maxKvCount && iterations < maxIterations && size < maxIterationSize && valid()) {
    const record = records.at(pos)!;
    const toEnd = req.reverse ? Buffer.compare(record.key, start) : Buffer.compare(record.key, stop);
    const outOfRange = req.reverse
      ? toEnd < 0 || (toEnd === 0 && !startInclusive)
      : toEnd > 0 || (toEnd === 0 && !stopInclusive);
    if (outOfRange) {
      complete = true;
      break;
    }
    if (firstExclusive) {
      firstExclusive = false;
      if (Buffer.compare(record.key, first) === 0) {
        pos += step;
        continue;
      }
    }
    iterations++;
    if (!isExpired(record, nowSec)) {
      const sortKey = decodeKey(record.key)!.sortKey;
      if (matchesFilter(req.sort_key_filter_type, pattern, sortKey)) {
        const value = req.no_value ? EMPTY : copyOut(record.value);
        kvs.push({ key: Buffer.from(sortKey), value });
        size += sortKey.length + value.length;
      }
    }
    if (toEnd === 0) {
      complete = true;
      break;
    }
    pos += step;
  }
  // reverse walks backwards but answers in ascending sort-key order, like the server.
  if (req.reverse) kvs.reverse();
  const error = valid() && !complete ? StorageStatus.Incomplete : StorageStatus.Ok;
  return { error, kvs, ...echo(id) };
}
