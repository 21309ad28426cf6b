// Meta-server structs (docs/PROTOCOL.md 5.2, list_nodes and the remote command included) and the
// v1 request meta (2.2), as codec tables.
import { boolCodec, i32Codec, i64Codec, listOf, mapOf, stringCodec, structCodec } from './codec.ts';
import { errorCodeCodec, gpidCodec, hostPortCodec, rpcAddressCodec } from './placeholder-codecs.ts';
import type {
  AppInfo,
  CreateAppOptions,
  CreateAppRequest,
  CreateAppResponse,
  DropAppOptions,
  DropAppRequest,
  DropAppResponse,
  ListAppsRequest,
  ListAppsResponse,
  ListNodesRequest,
  ListNodesResponse,
  NodeInfo,
  PartitionConfiguration,
  QueryCfgRequest,
  QueryCfgResponse,
  RemoteCommand,
  RequestHeader,
} from './types.ts';

/** thrift_request_meta_v1, mapped straight onto RequestHeader (partition_hash read back as signed). */
export const requestMetaCodec = structCodec<RequestHeader>('thrift_request_meta_v1', [
  { id: 1, name: 'app_id', codec: i32Codec },
  { id: 2, name: 'partition_index', codec: i32Codec },
  { id: 3, name: 'client_timeout_ms', codec: i32Codec },
  { id: 4, name: 'partition_hash', codec: i64Codec },
  { id: 5, name: 'is_backup_request', codec: boolCodec },
]);

export const partitionConfigurationCodec = structCodec<PartitionConfiguration>('partition_configuration', [
  { id: 1, name: 'pid', codec: gpidCodec },
  { id: 2, name: 'ballot', codec: i64Codec },
  { id: 3, name: 'max_replica_count', codec: i32Codec },
  { id: 4, name: 'primary', codec: rpcAddressCodec },
  { id: 5, name: 'secondaries', codec: listOf(rpcAddressCodec) },
  { id: 6, name: 'last_drops', codec: listOf(rpcAddressCodec) },
  { id: 7, name: 'last_committed_decree', codec: i64Codec },
  { id: 8, name: 'partition_flags', codec: i32Codec },
  { id: 9, name: 'hp_primary', codec: hostPortCodec, optional: true },
  { id: 10, name: 'hp_secondaries', codec: listOf(hostPortCodec), optional: true },
  { id: 11, name: 'hp_last_drops', codec: listOf(hostPortCodec), optional: true },
]);

export const queryCfgRequestCodec = structCodec<QueryCfgRequest>('query_cfg_request', [
  { id: 1, name: 'app_name', codec: stringCodec },
  { id: 2, name: 'partition_indices', codec: listOf(i32Codec) },
]);

export const queryCfgResponseCodec = structCodec<QueryCfgResponse>('query_cfg_response', [
  { id: 1, name: 'err', codec: errorCodeCodec },
  { id: 2, name: 'app_id', codec: i32Codec },
  { id: 3, name: 'partition_count', codec: i32Codec },
  { id: 4, name: 'is_stateful', codec: boolCodec },
  { id: 5, name: 'partitions', codec: listOf(partitionConfigurationCodec) },
]);

const envsCodec = mapOf(stringCodec, stringCodec);

export const appInfoCodec = structCodec<AppInfo>('app_info', [
  { id: 1, name: 'status', codec: i32Codec },
  { id: 2, name: 'app_type', codec: stringCodec },
  { id: 3, name: 'app_name', codec: stringCodec },
  { id: 4, name: 'app_id', codec: i32Codec },
  { id: 5, name: 'partition_count', codec: i32Codec },
  { id: 6, name: 'envs', codec: envsCodec },
  { id: 7, name: 'is_stateful', codec: boolCodec },
  { id: 8, name: 'max_replica_count', codec: i32Codec },
  { id: 9, name: 'expire_second', codec: i64Codec },
  { id: 10, name: 'create_second', codec: i64Codec },
  { id: 11, name: 'drop_second', codec: i64Codec },
  { id: 12, name: 'duplicating', codec: boolCodec, optional: true },
  { id: 13, name: 'init_partition_count', codec: i32Codec },
  { id: 14, name: 'is_bulk_loading', codec: boolCodec, optional: true },
  { id: 15, name: 'atomic_idempotent', codec: boolCodec, optional: true },
]);

export const listAppsRequestCodec = structCodec<ListAppsRequest>('configuration_list_apps_request', [
  { id: 1, name: 'status', codec: i32Codec },
  { id: 2, name: 'app_name_pattern', codec: stringCodec, optional: true },
  { id: 3, name: 'match_type', codec: i32Codec, optional: true },
]);

export const listAppsResponseCodec = structCodec<ListAppsResponse>('configuration_list_apps_response', [
  { id: 1, name: 'err', codec: errorCodeCodec },
  { id: 2, name: 'infos', codec: listOf(appInfoCodec) },
  { id: 3, name: 'hint_message', codec: stringCodec, optional: true },
]);

export const createAppOptionsCodec = structCodec<CreateAppOptions>('create_app_options', [
  { id: 1, name: 'partition_count', codec: i32Codec },
  { id: 2, name: 'replica_count', codec: i32Codec },
  { id: 3, name: 'success_if_exist', codec: boolCodec },
  { id: 4, name: 'app_type', codec: stringCodec },
  { id: 5, name: 'is_stateful', codec: boolCodec },
  { id: 6, name: 'envs', codec: envsCodec },
  { id: 7, name: 'atomic_idempotent', codec: boolCodec, optional: true },
]);

export const createAppRequestCodec = structCodec<CreateAppRequest>('configuration_create_app_request', [
  { id: 1, name: 'app_name', codec: stringCodec },
  { id: 2, name: 'options', codec: createAppOptionsCodec },
]);

export const createAppResponseCodec = structCodec<CreateAppResponse>('configuration_create_app_response', [
  { id: 1, name: 'err', codec: errorCodeCodec },
  { id: 2, name: 'appid', codec: i32Codec },
]);

export const dropAppOptionsCodec = structCodec<DropAppOptions>('drop_app_options', [
  { id: 1, name: 'success_if_not_exist', codec: boolCodec },
  { id: 2, name: 'reserve_seconds', codec: i64Codec, optional: true },
]);

export const dropAppRequestCodec = structCodec<DropAppRequest>('configuration_drop_app_request', [
  { id: 1, name: 'app_name', codec: stringCodec },
  { id: 2, name: 'options', codec: dropAppOptionsCodec },
]);

export const dropAppResponseCodec = structCodec<DropAppResponse>('configuration_drop_app_response', [
  { id: 1, name: 'err', codec: errorCodeCodec },
]);

export const nodeInfoCodec = structCodec<NodeInfo>('node_info', [
  { id: 1, name: 'status', codec: i32Codec },
  { id: 2, name: 'node', codec: rpcAddressCodec },
  { id: 3, name: 'hp_node', codec: hostPortCodec, optional: true },
]);

export const listNodesRequestCodec = structCodec<ListNodesRequest>('configuration_list_nodes_request', [
  { id: 1, name: 'status', codec: i32Codec },
]);

export const listNodesResponseCodec = structCodec<ListNodesResponse>('configuration_list_nodes_response', [
  { id: 1, name: 'err', codec: errorCodeCodec },
  { id: 2, name: 'infos', codec: listOf(nodeInfoCodec) },
]);

/** idl/command.thrift: the args of RPC_CLI_CLI_CALL; its result is a plain string (field 0, tag 11). */
export const remoteCommandCodec = structCodec<RemoteCommand>('command', [
  { id: 1, name: 'cmd', codec: stringCodec },
  { id: 2, name: 'arguments', codec: listOf(stringCodec) },
]);
