// Shared builders for the onebox storage tests: requests with Pegasus defaults, text <-> bytes.

import type {
  CheckAndMutateRequest,
  CheckAndSetRequest,
  GetScannerRequest,
  KeyValue,
  Mutate,
} from '../core/wire/types.ts';
import { PartitionStore } from '../onebox/storage/index.ts';
import { encodeKey, nextKey } from '../onebox/storage/key-codec.ts';

import { bytes as b, EMPTY, text as s } from './helpers/onebox-fixtures.ts';

// The text/bytes converters and the multi-get builder are the onebox fixtures' own, by short names.
export {
  bytes as b,
  EMPTY,
  multiGetRequest as mg,
  text as s,
} from './helpers/onebox-fixtures.ts';
export const k = (hashKey: string, sortKey = ''): Buffer => encodeKey(b(hashKey), b(sortKey));

export function newStore(
  limits: ConstructorParameters<typeof PartitionStore>[0]['limits'] = {},
): PartitionStore {
  return new PartitionStore({ appId: 3, partitionIndex: 0, partitionCount: 1, limits });
}

export function put(
  store: PartitionStore,
  hashKey: string,
  sortKey: string,
  value: string,
  expire = 0,
  now = 0,
): void {
  const r = store.put({ key: k(hashKey, sortKey), value: b(value), expire_ts_seconds: expire }, now);
  if (r.error !== 0) throw new Error(`put failed: ${r.error}`);
}

/** kvs as "key=value" strings (or just keys), easy to assert on. */
export const texts = (kvs: KeyValue[], withValue = true): string[] =>
  kvs.map((kv) => (withValue ? `${s(kv.key)}=${s(kv.value)}` : s(kv.key)));

export function cas(over: Partial<CheckAndSetRequest> = {}): CheckAndSetRequest {
  return {
    hash_key: b('h'),
    check_sort_key: b('c'),
    check_type: 0,
    check_operand: EMPTY,
    set_diff_sort_key: false,
    set_sort_key: EMPTY,
    set_value: b('new'),
    set_expire_ts_seconds: 0,
    return_check_value: false,
    ...over,
  };
}

export function cam(mutateList: Mutate[], over: Partial<CheckAndMutateRequest> = {}): CheckAndMutateRequest {
  return {
    hash_key: b('h'),
    check_sort_key: b('c'),
    check_type: 0,
    check_operand: EMPTY,
    mutate_list: mutateList,
    return_check_value: false,
    ...over,
  };
}

export const mPut = (sortKey: string, value: string, expire = 0): Mutate => ({
  operation: 0,
  sort_key: b(sortKey),
  value: b(value),
  set_expire_ts_seconds: expire,
});
export const mDel = (sortKey: string): Mutate => ({
  operation: 1,
  sort_key: b(sortKey),
  value: EMPTY,
  set_expire_ts_seconds: 0,
});

/** Whole-table scan request (start 00 00, stop ff ff), as the clients send it. */
export function scanAll(over: Partial<GetScannerRequest> = {}): GetScannerRequest {
  return {
    start_key: Buffer.from([0, 0]),
    stop_key: Buffer.from([0xff, 0xff]),
    start_inclusive: true,
    stop_inclusive: false,
    batch_size: 100,
    no_value: false,
    hash_key_filter_type: 0,
    hash_key_filter_pattern: EMPTY,
    sort_key_filter_type: 0,
    sort_key_filter_pattern: EMPTY,
    ...over,
  };
}

/** Scan of one hash key: [enc(hash, ""), next(hash)). */
export const scanHash = (hashKey: string, over: Partial<GetScannerRequest> = {}): GetScannerRequest =>
  scanAll({ start_key: k(hashKey), stop_key: nextKey(k(hashKey)), ...over });

/** Drains a scanner, asserting each batch hands out a fresh context id. Returns rows and batch count. */
export function drain(
  store: PartitionStore,
  req: GetScannerRequest,
  now = 0,
): { keys: string[]; batches: number; ids: bigint[]; values: string[] } {
  let r = store.getScanner(req, now);
  const keys: string[] = [];
  const values: string[] = [];
  const ids: bigint[] = [];
  let batches = 1;
  for (;;) {
    if (r.error !== 0) throw new Error(`scan error ${r.error}`);
    for (const kv of r.kvs) {
      keys.push(s(kv.key));
      values.push(s(kv.value));
    }
    if (r.context_id < 0n) break;
    ids.push(r.context_id);
    r = store.scan({ context_id: r.context_id }, now);
    batches++;
  }
  return { keys, batches, ids, values };
}
