// Request builders and routing helpers shared by the onebox server tests.

import { PEGASUS_EPOCH_UNIX_SEC } from '../../core/wire/index.ts';
import type {
  GetScannerRequest,
  MultiGetRequest,
  PartitionConfiguration,
  QueryCfgResponse,
  RequestHeader,
} from '../../core/wire/types.ts';
import { dataHeader, type SimRawClient, type TcpRawClient } from './onebox-raw-client.ts';

export const EMPTY = Buffer.alloc(0);
export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

export function multiGetRequest(hashKey: string, over: Partial<MultiGetRequest> = {}): MultiGetRequest {
  return {
    hash_key: bytes(hashKey),
    sort_keys: [],
    max_kv_count: 0,
    max_kv_size: 0,
    no_value: false,
    start_sortkey: EMPTY,
    stop_sortkey: EMPTY,
    start_inclusive: true,
    stop_inclusive: false,
    sort_key_filter_type: 0,
    sort_key_filter_pattern: EMPTY,
    reverse: false,
    ...over,
  };
}

export function scannerRequest(
  startKey: Buffer,
  stopKey: Buffer,
  over: Partial<GetScannerRequest> = {},
): GetScannerRequest {
  return {
    start_key: startKey,
    stop_key: stopKey,
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

/** Pegasus-epoch seconds for a Unix wall clock. */
export function pegasusSeconds(wallSeconds: number): number {
  return Math.floor(wallSeconds) - PEGASUS_EPOCH_UNIX_SEC;
}

export interface Route {
  header: RequestHeader;
  config: PartitionConfiguration;
}

/** Where a hash key lives according to a query_cfg answer. */
export function routeIn(cfg: QueryCfgResponse, hashKey: string, extra: Partial<RequestHeader> = {}): Route {
  const header = dataHeader(cfg.app_id, cfg.partition_count, hashKey, extra);
  const config = cfg.partitions.find((p) => p.pid.partition_index === header.partition_index);
  if (config === undefined) throw new Error(`no partition ${header.partition_index} in the answer`);
  return { header, config };
}

export function querySim(meta: SimRawClient, table: string): QueryCfgResponse {
  return meta.ok('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', { app_name: table, partition_indices: [] });
}

export function queryTcp(meta: TcpRawClient, table: string): Promise<QueryCfgResponse> {
  return meta.ok('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', { app_name: table, partition_indices: [] });
}
