// Wire-level value types for every struct the client and the onebox exchange.
// Field names follow the Pegasus IDL (snake_case) so each one maps 1:1 onto docs/PROTOCOL.md
// section 5; 64-bit values are bigint. The public client API translates to camelCase.

/** dsn.blob: raw bytes (tag 12 on the wire, payload = i32 length + bytes). */
export type Blob = Uint8Array;
/** dsn.error_code: travels as the error *name* string, e.g. 'ERR_OK'. */
export type ErrorName = string;
/** dsn.gpid: packed into one i64 on the wire (app id in the low 32 bits). */
export interface Gpid {
  app_id: number;
  partition_index: number;
}
/** dsn.rpc_address: 'a.b.c.d:port' for an IPv4 address, '' for the invalid (zero) address. */
export type RpcAddress = string;
/** dsn.host_port (2024+ servers): string host, i16 port, i8 type, with no field headers. */
export interface HostPort {
  host: string;
  port: number;
  /** 0 invalid, 1 IPv4 */
  type: number;
}

// ---- meta (docs/PROTOCOL.md 5.2) ----

export interface PartitionConfiguration {
  pid: Gpid;
  ballot: bigint;
  max_replica_count: number;
  primary: RpcAddress;
  secondaries: RpcAddress[];
  last_drops: RpcAddress[];
  last_committed_decree: bigint;
  partition_flags: number;
  hp_primary?: HostPort;
  hp_secondaries?: HostPort[];
  hp_last_drops?: HostPort[];
}

export interface QueryCfgRequest {
  app_name: string;
  partition_indices: number[];
}

export interface QueryCfgResponse {
  err: ErrorName;
  app_id: number;
  partition_count: number;
  is_stateful: boolean;
  partitions: PartitionConfiguration[];
}

export const AppStatus = {
  AS_INVALID: 0,
  AS_AVAILABLE: 1,
  AS_CREATING: 2,
  AS_CREATE_FAILED: 3,
  AS_DROPPING: 4,
  AS_DROP_FAILED: 5,
  AS_DROPPED: 6,
  AS_RECALLING: 7,
} as const;

export interface AppInfo {
  status: number;
  app_type: string;
  app_name: string;
  app_id: number;
  partition_count: number;
  envs: Map<string, string>;
  is_stateful: boolean;
  max_replica_count: number;
  expire_second: bigint;
  create_second: bigint;
  drop_second: bigint;
  duplicating?: boolean;
  init_partition_count: number;
  is_bulk_loading?: boolean;
  atomic_idempotent?: boolean;
}

export interface ListAppsRequest {
  status: number;
  app_name_pattern?: string;
  match_type?: number;
}

export interface ListAppsResponse {
  err: ErrorName;
  infos: AppInfo[];
  hint_message?: string;
}

export interface CreateAppOptions {
  partition_count: number;
  replica_count: number;
  success_if_exist: boolean;
  app_type: string;
  is_stateful: boolean;
  envs: Map<string, string>;
  atomic_idempotent?: boolean;
}

export interface CreateAppRequest {
  app_name: string;
  options: CreateAppOptions;
}

export interface CreateAppResponse {
  err: ErrorName;
  appid: number;
}

export interface DropAppOptions {
  success_if_not_exist: boolean;
  reserve_seconds?: bigint;
}

export interface DropAppRequest {
  app_name: string;
  options: DropAppOptions;
}

export interface DropAppResponse {
  err: ErrorName;
}

/** node_status (idl/meta_admin.thrift) */
export const NodeStatus = { NS_INVALID: 0, NS_ALIVE: 1, NS_UNALIVE: 2 } as const;

export interface NodeInfo {
  status: number;
  node: RpcAddress;
  hp_node?: HostPort;
}

export interface ListNodesRequest {
  /** NS_INVALID (0) = every node */
  status: number;
}

export interface ListNodesResponse {
  err: ErrorName;
  infos: NodeInfo[];
}

/** dsn.dist.cmd.command (idl/command.thrift): a remote command and its arguments. */
export interface RemoteCommand {
  cmd: string;
  arguments: string[];
}

// ---- rrdb data path (docs/PROTOCOL.md 5.3); `error` fields are storage status codes (5.5) ----

export const StorageStatus = {
  Ok: 0,
  NotFound: 1,
  Corruption: 2,
  NotSupported: 3,
  InvalidArgument: 4,
  IOError: 5,
  MergeInProgress: 6,
  Incomplete: 7,
  ShutdownInProgress: 8,
  TimedOut: 9,
  Aborted: 10,
  Busy: 11,
  Expired: 12,
  TryAgain: 13,
} as const;

export const FilterType = {
  FT_NO_FILTER: 0,
  FT_MATCH_ANYWHERE: 1,
  FT_MATCH_PREFIX: 2,
  FT_MATCH_POSTFIX: 3,
} as const;

export const CasCheckType = {
  CT_NO_CHECK: 0,
  CT_VALUE_NOT_EXIST: 1,
  CT_VALUE_NOT_EXIST_OR_EMPTY: 2,
  CT_VALUE_EXIST: 3,
  CT_VALUE_NOT_EMPTY: 4,
  CT_VALUE_MATCH_ANYWHERE: 5,
  CT_VALUE_MATCH_PREFIX: 6,
  CT_VALUE_MATCH_POSTFIX: 7,
  CT_VALUE_BYTES_LESS: 8,
  CT_VALUE_BYTES_LESS_OR_EQUAL: 9,
  CT_VALUE_BYTES_EQUAL: 10,
  CT_VALUE_BYTES_GREATER_OR_EQUAL: 11,
  CT_VALUE_BYTES_GREATER: 12,
  CT_VALUE_INT_LESS: 13,
  CT_VALUE_INT_LESS_OR_EQUAL: 14,
  CT_VALUE_INT_EQUAL: 15,
  CT_VALUE_INT_GREATER_OR_EQUAL: 16,
  CT_VALUE_INT_GREATER: 17,
} as const;

export const MutateOperation = { MO_PUT: 0, MO_DELETE: 1 } as const;

export interface UpdateRequest {
  key: Blob;
  value: Blob;
  expire_ts_seconds: number;
  // 4-7 are server-internal; clients never set them (docs/PROTOCOL.md 5.3)
  type?: number;
  check_value_returned?: boolean;
  check_value_exist?: boolean;
  check_value?: Blob;
}

export interface UpdateResponse {
  error: number;
  app_id: number;
  partition_index: number;
  decree: bigint;
  server: string;
}

export interface ReadResponse {
  error: number;
  value: Blob;
  app_id: number;
  partition_index: number;
  server: string;
}

export interface TtlResponse {
  error: number;
  ttl_seconds: number;
  app_id: number;
  partition_index: number;
  server: string;
}

export interface CountResponse {
  error: number;
  count: bigint;
  app_id: number;
  partition_index: number;
  server: string;
}

export interface KeyValue {
  key: Blob;
  value: Blob;
  expire_ts_seconds?: number;
}

export interface MultiPutRequest {
  hash_key: Blob;
  kvs: KeyValue[];
  expire_ts_seconds: number;
}

export interface MultiRemoveRequest {
  hash_key: Blob;
  sort_keys: Blob[];
  max_count: bigint;
}

export interface MultiRemoveResponse {
  error: number;
  count: bigint;
  app_id: number;
  partition_index: number;
  decree: bigint;
  server: string;
}

export interface MultiGetRequest {
  hash_key: Blob;
  sort_keys: Blob[];
  max_kv_count: number;
  max_kv_size: number;
  no_value: boolean;
  start_sortkey: Blob;
  stop_sortkey: Blob;
  start_inclusive: boolean;
  stop_inclusive: boolean;
  sort_key_filter_type: number;
  sort_key_filter_pattern: Blob;
  reverse: boolean;
}

export interface MultiGetResponse {
  error: number;
  kvs: KeyValue[];
  app_id: number;
  partition_index: number;
  server: string;
}

export interface FullKey {
  hash_key: Blob;
  sort_key: Blob;
}

export interface BatchGetRequest {
  keys: FullKey[];
}

export interface FullData {
  hash_key: Blob;
  sort_key: Blob;
  value: Blob;
}

export interface BatchGetResponse {
  error: number;
  data: FullData[];
  app_id: number;
  partition_index: number;
  server: string;
}

export interface IncrRequest {
  key: Blob;
  increment: bigint;
  expire_ts_seconds: number;
}

export interface IncrResponse {
  error: number;
  new_value: bigint;
  app_id: number;
  partition_index: number;
  decree: bigint;
  server: string;
}

export interface CheckAndSetRequest {
  hash_key: Blob;
  check_sort_key: Blob;
  check_type: number;
  check_operand: Blob;
  set_diff_sort_key: boolean;
  set_sort_key: Blob;
  set_value: Blob;
  set_expire_ts_seconds: number;
  return_check_value: boolean;
}

/** Shared layout of check_and_set_response and check_and_mutate_response. */
export interface CheckAndSetResponse {
  error: number;
  check_value_returned: boolean;
  check_value_exist: boolean;
  check_value: Blob;
  app_id: number;
  partition_index: number;
  decree: bigint;
  server: string;
}
export type CheckAndMutateResponse = CheckAndSetResponse;

export interface Mutate {
  operation: number;
  sort_key: Blob;
  value: Blob;
  set_expire_ts_seconds: number;
}

export interface CheckAndMutateRequest {
  hash_key: Blob;
  check_sort_key: Blob;
  check_type: number;
  check_operand: Blob;
  mutate_list: Mutate[];
  return_check_value: boolean;
}

export interface GetScannerRequest {
  start_key: Blob;
  stop_key: Blob;
  start_inclusive: boolean;
  stop_inclusive: boolean;
  batch_size: number;
  no_value: boolean;
  hash_key_filter_type: number;
  hash_key_filter_pattern: Blob;
  sort_key_filter_type: number;
  sort_key_filter_pattern: Blob;
  validate_partition_hash?: boolean;
  return_expire_ts?: boolean;
  full_scan?: boolean;
  only_return_count?: boolean;
}

export interface ScanRequest {
  context_id: bigint;
}

export interface ScanResponse {
  error: number;
  kvs: KeyValue[];
  context_id: bigint;
  app_id: number;
  partition_index: number;
  server: string;
  kv_count?: number;
}

export interface NegotiationRequest {
  status: number;
  msg: Blob;
}
export type NegotiationResponse = NegotiationRequest;

// ---- RPC registry: request name -> args value and result struct (docs/PROTOCOL.md 4) ----

export interface RpcTypes {
  RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX: { args: QueryCfgRequest; result: QueryCfgResponse };
  RPC_CM_LIST_APPS: { args: ListAppsRequest; result: ListAppsResponse };
  RPC_CM_CREATE_APP: { args: CreateAppRequest; result: CreateAppResponse };
  RPC_CM_DROP_APP: { args: DropAppRequest; result: DropAppResponse };
  RPC_CM_LIST_NODES: { args: ListNodesRequest; result: ListNodesResponse };
  /** remote command, answered by every meta and replica server; the result is the output text */
  RPC_CLI_CLI_CALL: { args: RemoteCommand; result: string };
  RPC_RRDB_RRDB_PUT: { args: UpdateRequest; result: UpdateResponse };
  RPC_RRDB_RRDB_MULTI_PUT: { args: MultiPutRequest; result: UpdateResponse };
  RPC_RRDB_RRDB_REMOVE: { args: Blob; result: UpdateResponse };
  RPC_RRDB_RRDB_MULTI_REMOVE: { args: MultiRemoveRequest; result: MultiRemoveResponse };
  RPC_RRDB_RRDB_INCR: { args: IncrRequest; result: IncrResponse };
  RPC_RRDB_RRDB_CHECK_AND_SET: { args: CheckAndSetRequest; result: CheckAndSetResponse };
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: { args: CheckAndMutateRequest; result: CheckAndMutateResponse };
  RPC_RRDB_RRDB_GET: { args: Blob; result: ReadResponse };
  RPC_RRDB_RRDB_MULTI_GET: { args: MultiGetRequest; result: MultiGetResponse };
  RPC_RRDB_RRDB_BATCH_GET: { args: BatchGetRequest; result: BatchGetResponse };
  RPC_RRDB_RRDB_SORTKEY_COUNT: { args: Blob; result: CountResponse };
  RPC_RRDB_RRDB_TTL: { args: Blob; result: TtlResponse };
  RPC_RRDB_RRDB_GET_SCANNER: { args: GetScannerRequest; result: ScanResponse };
  RPC_RRDB_RRDB_SCAN: { args: ScanRequest; result: ScanResponse };
  /** one-way: the server never replies */
  RPC_RRDB_RRDB_CLEAR_SCANNER: { args: bigint; result: never };
  RPC_NEGOTIATION: { args: NegotiationRequest; result: NegotiationResponse };
}

export type RpcName = keyof RpcTypes;
export type RpcArgs<N extends RpcName> = RpcTypes[N]['args'];
export type RpcResult<N extends RpcName> = RpcTypes[N]['result'];

/** What a request header carries, independent of header version (docs/PROTOCOL.md 2.1 / 2.2). */
export interface RequestHeader {
  app_id: number;
  partition_index: number;
  /** remaining client budget in ms; always send >= 1 for data RPCs (docs/PROTOCOL.md 9) */
  client_timeout_ms: number;
  /** CRC64 of the hash key, as unsigned 64-bit */
  partition_hash: bigint;
  /** v1 only (v0 cannot express it) */
  is_backup_request: boolean;
}
