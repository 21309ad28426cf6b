// Point reads and counts: get, ttl, batch_get, sortkey_count (pegasus_server_impl on_get & co).

import type {
  BatchGetRequest,
  BatchGetResponse,
  Blob,
  CountResponse,
  FullData,
  ReadResponse,
  TtlResponse,
} from '../../core/wire/types.ts';
import { StorageStatus } from '../../core/wire/types.ts';
import { copyOut, EMPTY, echo, type StoreIdentity } from './identity.ts';
import { encodeKey, hashKeyStop, MAX_HASH_KEY_LENGTH } from './key-codec.ts';
import type { StoreLimits } from './limits.ts';
import { isExpired, type SortedRecords, type StoredRecord } from './records.ts';

/** The record a reader may see: absent and expired look the same. */
export function liveRecord(
  records: SortedRecords,
  key: Uint8Array,
  nowSec: number,
): StoredRecord | undefined {
  const record = records.get(key);
  return record === undefined || isExpired(record, nowSec) ? undefined : record;
}

export function get(id: StoreIdentity, records: SortedRecords, key: Blob, nowSec: number): ReadResponse {
  const record = liveRecord(records, key, nowSec);
  return record === undefined
    ? { error: StorageStatus.NotFound, value: EMPTY, ...echo(id) }
    : { error: StorageStatus.Ok, value: copyOut(record.value), ...echo(id) };
}

export function ttl(id: StoreIdentity, records: SortedRecords, key: Blob, nowSec: number): TtlResponse {
  const record = liveRecord(records, key, nowSec);
  if (record === undefined) return { error: StorageStatus.NotFound, ttl_seconds: 0, ...echo(id) };
  // The server subtracts uint32s and sends an i32; `| 0` reproduces that wrap for absurd expiries.
  const ttlSeconds = record.expireTs > 0 ? (record.expireTs - nowSec) | 0 : -1;
  return { error: StorageStatus.Ok, ttl_seconds: ttlSeconds, ...echo(id) };
}

export function batchGet(
  id: StoreIdentity,
  records: SortedRecords,
  req: BatchGetRequest,
  nowSec: number,
): BatchGetResponse {
  if (req.keys.length === 0 || req.keys.some((k) => k.hash_key.length > MAX_HASH_KEY_LENGTH)) {
    return { error: StorageStatus.InvalidArgument, data: [], ...echo(id) };
  }
  // Only found keys, in request order (duplicates repeated), no size or count cap on the server.
  const data: FullData[] = [];
  for (const { hash_key, sort_key } of req.keys) {
    const record = liveRecord(records, encodeKey(hash_key, sort_key), nowSec);
    if (record === undefined) continue;
    data.push({
      hash_key: Buffer.from(hash_key),
      sort_key: Buffer.from(sort_key),
      value: copyOut(record.value),
    });
  }
  return { error: StorageStatus.Ok, data, ...echo(id) };
}

export function sortKeyCount(
  id: StoreIdentity,
  records: SortedRecords,
  limits: StoreLimits,
  hashKey: Blob,
  nowSec: number,
): CountResponse {
  if (hashKey.length > MAX_HASH_KEY_LENGTH)
    return { error: StorageStatus.InvalidArgument, count: 0n, ...echo(id) };
  const from = records.lowerBound(encodeKey(hashKey, EMPTY));
  const to = records.lowerBound(hashKeyStop(hashKey));
  const cap = limits.sortKeyCountMaxIterationCount;
  let count = 0n;
  for (let i = from; i < to; i++) {
    // The real server stops on elapsed time and answers count = -1 with error 0.
    if (cap > 0 && i - from >= cap) return { error: StorageStatus.Ok, count: -1n, ...echo(id) };
    if (!isExpired(records.at(i)!, nowSec)) count++;
  }
  return { error: StorageStatus.Ok, count, ...echo(id) };
}
