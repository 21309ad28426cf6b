// Plain writes: put, multi_put, remove, multi_remove, incr (pegasus_write_service::impl).
// Each function gets the mutation's decree; rejected requests still consume it (the server writes an
// empty record so its last-applied decree advances), which keeps replicas' decrees in lock-step.

import type {
  Blob,
  IncrRequest,
  IncrResponse,
  MultiPutRequest,
  MultiRemoveRequest,
  MultiRemoveResponse,
  UpdateRequest,
  UpdateResponse,
} from '../../core/wire/types.ts';
import { StorageStatus } from '../../core/wire/types.ts';
import { echo, type StoreIdentity } from './identity.ts';
import { INT64_MAX, INT64_MIN, parseInt64Text } from './int64-text.ts';
import { encodeKey, isWellFormedKey, MAX_HASH_KEY_LENGTH } from './key-codec.ts';
import { liveRecord } from './reads.ts';
import { makeRecord, type SortedRecords } from './records.ts';

const updateResponse = (id: StoreIdentity, error: number, decree: bigint): UpdateResponse => ({
  error,
  ...echo(id),
  decree,
});

/**
 * A key the server could not decode later (shorter than its length prefix) is refused here instead of
 * being stored: the real server would accept it and crash on the next scan.
 */
export function put(
  id: StoreIdentity,
  records: SortedRecords,
  req: UpdateRequest,
  decree: bigint,
): UpdateResponse {
  if (!isWellFormedKey(req.key)) return updateResponse(id, StorageStatus.InvalidArgument, decree);
  records.set(makeRecord(req.key, req.value, req.expire_ts_seconds));
  return updateResponse(id, StorageStatus.Ok, decree);
}

/** kvs[].expire_ts_seconds is ignored: the request-level expiry applies to every pair. Later duplicates win. */
export function multiPut(
  id: StoreIdentity,
  records: SortedRecords,
  req: MultiPutRequest,
  decree: bigint,
): UpdateResponse {
  if (req.kvs.length === 0 || req.hash_key.length > MAX_HASH_KEY_LENGTH) {
    return updateResponse(id, StorageStatus.InvalidArgument, decree);
  }
  for (const kv of req.kvs)
    records.set(makeRecord(encodeKey(req.hash_key, kv.key), kv.value, req.expire_ts_seconds));
  return updateResponse(id, StorageStatus.Ok, decree);
}

export function remove(id: StoreIdentity, records: SortedRecords, key: Blob, decree: bigint): UpdateResponse {
  records.delete(key);
  return updateResponse(id, StorageStatus.Ok, decree);
}

/** count is the number of sort keys in the request, not how many existed: that is what the server sends. */
export function multiRemove(
  id: StoreIdentity,
  records: SortedRecords,
  req: MultiRemoveRequest,
  decree: bigint,
): MultiRemoveResponse {
  if (req.sort_keys.length === 0 || req.hash_key.length > MAX_HASH_KEY_LENGTH) {
    return { error: StorageStatus.InvalidArgument, count: 0n, ...echo(id), decree };
  }
  for (const sortKey of req.sort_keys) records.delete(encodeKey(req.hash_key, sortKey));
  return { error: StorageStatus.Ok, count: BigInt(req.sort_keys.length), ...echo(id), decree };
}

export function incr(
  id: StoreIdentity,
  records: SortedRecords,
  req: IncrRequest,
  nowSec: number,
  decree: bigint,
): IncrResponse {
  const reply = (error: number, newValue: bigint): IncrResponse => ({
    error,
    new_value: newValue,
    ...echo(id),
    decree,
  });
  if (!isWellFormedKey(req.key) || req.increment < INT64_MIN || req.increment > INT64_MAX) {
    return reply(StorageStatus.InvalidArgument, 0n);
  }
  const record = liveRecord(records, req.key, nowSec);
  let newValue: bigint;
  let expire: number;
  if (record === undefined) {
    // Absent or expired counts as 0; only a positive expiry is carried over to the new record.
    newValue = req.increment;
    expire = Math.max(req.expire_ts_seconds, 0);
  } else {
    if (record.value.length === 0) {
      newValue = req.increment;
    } else {
      const old = parseInt64Text(record.value);
      if (old === undefined) return reply(StorageStatus.InvalidArgument, 0n);
      newValue = old + req.increment;
      // On overflow the server reports the old value in new_value.
      if (newValue < INT64_MIN || newValue > INT64_MAX) return reply(StorageStatus.InvalidArgument, old);
    }
    // 0 keeps the current expiry, < 0 clears it, > 0 replaces it.
    if (req.expire_ts_seconds === 0) expire = record.expireTs;
    else expire = Math.max(req.expire_ts_seconds, 0);
  }
  records.set(makeRecord(req.key, Buffer.from(newValue.toString(), 'latin1'), expire));
  return reply(StorageStatus.Ok, newValue);
}
