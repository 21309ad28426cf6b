// Data-path structs (docs/PROTOCOL.md 5.3) and the negotiation structs (10.6), as codec tables.
import { boolCodec, i32Codec, i64Codec, listOf, stringCodec, structCodec } from './codec.ts';
import { blobCodec } from './placeholder-codecs.ts';
import type {
  BatchGetRequest,
  BatchGetResponse,
  CheckAndMutateRequest,
  CheckAndSetRequest,
  CheckAndSetResponse,
  CountResponse,
  FullData,
  FullKey,
  GetScannerRequest,
  IncrRequest,
  IncrResponse,
  KeyValue,
  MultiGetRequest,
  MultiGetResponse,
  MultiPutRequest,
  MultiRemoveRequest,
  MultiRemoveResponse,
  Mutate,
  NegotiationRequest,
  ReadResponse,
  ScanRequest,
  ScanResponse,
  TtlResponse,
  UpdateRequest,
  UpdateResponse,
} from './types.ts';

export const updateRequestCodec = structCodec<UpdateRequest>('update_request', [
  { id: 1, name: 'key', codec: blobCodec },
  { id: 2, name: 'value', codec: blobCodec },
  { id: 3, name: 'expire_ts_seconds', codec: i32Codec },
  { id: 4, name: 'type', codec: i32Codec, optional: true },
  { id: 5, name: 'check_value_returned', codec: boolCodec, optional: true },
  { id: 6, name: 'check_value_exist', codec: boolCodec, optional: true },
  { id: 7, name: 'check_value', codec: blobCodec, optional: true },
]);

export const updateResponseCodec = structCodec<UpdateResponse>('update_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'app_id', codec: i32Codec },
  { id: 3, name: 'partition_index', codec: i32Codec },
  { id: 4, name: 'decree', codec: i64Codec },
  { id: 5, name: 'server', codec: stringCodec },
]);

export const readResponseCodec = structCodec<ReadResponse>('read_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'value', codec: blobCodec },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const ttlResponseCodec = structCodec<TtlResponse>('ttl_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'ttl_seconds', codec: i32Codec },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const countResponseCodec = structCodec<CountResponse>('count_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'count', codec: i64Codec },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const keyValueCodec = structCodec<KeyValue>('key_value', [
  { id: 1, name: 'key', codec: blobCodec },
  { id: 2, name: 'value', codec: blobCodec },
  { id: 3, name: 'expire_ts_seconds', codec: i32Codec, optional: true },
]);

export const multiPutRequestCodec = structCodec<MultiPutRequest>('multi_put_request', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'kvs', codec: listOf(keyValueCodec) },
  { id: 3, name: 'expire_ts_seconds', codec: i32Codec },
]);

export const multiRemoveRequestCodec = structCodec<MultiRemoveRequest>('multi_remove_request', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'sort_keys', codec: listOf(blobCodec) },
  { id: 3, name: 'max_count', codec: i64Codec },
]);

export const multiRemoveResponseCodec = structCodec<MultiRemoveResponse>('multi_remove_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'count', codec: i64Codec },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 5, name: 'decree', codec: i64Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const multiGetRequestCodec = structCodec<MultiGetRequest>('multi_get_request', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'sort_keys', codec: listOf(blobCodec) },
  { id: 3, name: 'max_kv_count', codec: i32Codec },
  { id: 4, name: 'max_kv_size', codec: i32Codec },
  { id: 5, name: 'no_value', codec: boolCodec },
  { id: 6, name: 'start_sortkey', codec: blobCodec },
  { id: 7, name: 'stop_sortkey', codec: blobCodec },
  { id: 8, name: 'start_inclusive', codec: boolCodec },
  { id: 9, name: 'stop_inclusive', codec: boolCodec },
  { id: 10, name: 'sort_key_filter_type', codec: i32Codec },
  { id: 11, name: 'sort_key_filter_pattern', codec: blobCodec },
  { id: 12, name: 'reverse', codec: boolCodec },
]);

export const multiGetResponseCodec = structCodec<MultiGetResponse>('multi_get_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'kvs', codec: listOf(keyValueCodec) },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const fullKeyCodec = structCodec<FullKey>('full_key', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'sort_key', codec: blobCodec },
]);

export const batchGetRequestCodec = structCodec<BatchGetRequest>('batch_get_request', [
  { id: 1, name: 'keys', codec: listOf(fullKeyCodec) },
]);

export const fullDataCodec = structCodec<FullData>('full_data', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'sort_key', codec: blobCodec },
  { id: 3, name: 'value', codec: blobCodec },
]);

export const batchGetResponseCodec = structCodec<BatchGetResponse>('batch_get_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'data', codec: listOf(fullDataCodec) },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const incrRequestCodec = structCodec<IncrRequest>('incr_request', [
  { id: 1, name: 'key', codec: blobCodec },
  { id: 2, name: 'increment', codec: i64Codec },
  { id: 3, name: 'expire_ts_seconds', codec: i32Codec },
]);

export const incrResponseCodec = structCodec<IncrResponse>('incr_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'new_value', codec: i64Codec },
  { id: 3, name: 'app_id', codec: i32Codec },
  { id: 4, name: 'partition_index', codec: i32Codec },
  { id: 5, name: 'decree', codec: i64Codec },
  { id: 6, name: 'server', codec: stringCodec },
]);

export const checkAndSetRequestCodec = structCodec<CheckAndSetRequest>('check_and_set_request', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'check_sort_key', codec: blobCodec },
  { id: 3, name: 'check_type', codec: i32Codec },
  { id: 4, name: 'check_operand', codec: blobCodec },
  { id: 5, name: 'set_diff_sort_key', codec: boolCodec },
  { id: 6, name: 'set_sort_key', codec: blobCodec },
  { id: 7, name: 'set_value', codec: blobCodec },
  { id: 8, name: 'set_expire_ts_seconds', codec: i32Codec },
  { id: 9, name: 'return_check_value', codec: boolCodec },
]);

/** Also the layout of check_and_mutate_response. */
export const checkAndSetResponseCodec = structCodec<CheckAndSetResponse>('check_and_set_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'check_value_returned', codec: boolCodec },
  { id: 3, name: 'check_value_exist', codec: boolCodec },
  { id: 4, name: 'check_value', codec: blobCodec },
  { id: 5, name: 'app_id', codec: i32Codec },
  { id: 6, name: 'partition_index', codec: i32Codec },
  { id: 7, name: 'decree', codec: i64Codec },
  { id: 8, name: 'server', codec: stringCodec },
]);

export const mutateCodec = structCodec<Mutate>('mutate', [
  { id: 1, name: 'operation', codec: i32Codec },
  { id: 2, name: 'sort_key', codec: blobCodec },
  { id: 3, name: 'value', codec: blobCodec },
  { id: 4, name: 'set_expire_ts_seconds', codec: i32Codec },
]);

export const checkAndMutateRequestCodec = structCodec<CheckAndMutateRequest>('check_and_mutate_request', [
  { id: 1, name: 'hash_key', codec: blobCodec },
  { id: 2, name: 'check_sort_key', codec: blobCodec },
  { id: 3, name: 'check_type', codec: i32Codec },
  { id: 4, name: 'check_operand', codec: blobCodec },
  { id: 5, name: 'mutate_list', codec: listOf(mutateCodec) },
  { id: 6, name: 'return_check_value', codec: boolCodec },
]);

export const getScannerRequestCodec = structCodec<GetScannerRequest>('get_scanner_request', [
  { id: 1, name: 'start_key', codec: blobCodec },
  { id: 2, name: 'stop_key', codec: blobCodec },
  { id: 3, name: 'start_inclusive', codec: boolCodec },
  { id: 4, name: 'stop_inclusive', codec: boolCodec },
  { id: 5, name: 'batch_size', codec: i32Codec },
  { id: 6, name: 'no_value', codec: boolCodec },
  { id: 7, name: 'hash_key_filter_type', codec: i32Codec },
  { id: 8, name: 'hash_key_filter_pattern', codec: blobCodec },
  { id: 9, name: 'sort_key_filter_type', codec: i32Codec },
  { id: 10, name: 'sort_key_filter_pattern', codec: blobCodec },
  { id: 11, name: 'validate_partition_hash', codec: boolCodec, optional: true },
  { id: 12, name: 'return_expire_ts', codec: boolCodec, optional: true },
  { id: 13, name: 'full_scan', codec: boolCodec, optional: true },
  { id: 14, name: 'only_return_count', codec: boolCodec, optional: true },
]);

export const scanRequestCodec = structCodec<ScanRequest>('scan_request', [
  { id: 1, name: 'context_id', codec: i64Codec },
]);

export const scanResponseCodec = structCodec<ScanResponse>('scan_response', [
  { id: 1, name: 'error', codec: i32Codec },
  { id: 2, name: 'kvs', codec: listOf(keyValueCodec) },
  { id: 3, name: 'context_id', codec: i64Codec },
  { id: 4, name: 'app_id', codec: i32Codec },
  { id: 5, name: 'partition_index', codec: i32Codec },
  { id: 6, name: 'server', codec: stringCodec },
  { id: 7, name: 'kv_count', codec: i32Codec, optional: true },
]);

/** negotiation_request and negotiation_response share this layout. */
export const negotiationCodec = structCodec<NegotiationRequest>('negotiation_request', [
  { id: 1, name: 'status', codec: i32Codec },
  { id: 2, name: 'msg', codec: blobCodec },
]);
