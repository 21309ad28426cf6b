// Every RPC the client and the onebox speak: its args value codec (field 1 of the args wrapper), its
// result struct codec (field 0 of the result wrapper) and how the client core should treat it.
import { type Codec, i64Codec, stringCodec } from './codec.ts';
import { blobCodec } from './placeholder-codecs.ts';
import {
  createAppRequestCodec,
  createAppResponseCodec,
  dropAppRequestCodec,
  dropAppResponseCodec,
  listAppsRequestCodec,
  listAppsResponseCodec,
  listNodesRequestCodec,
  listNodesResponseCodec,
  queryCfgRequestCodec,
  queryCfgResponseCodec,
  remoteCommandCodec,
} from './structs-meta.ts';
import {
  batchGetRequestCodec,
  batchGetResponseCodec,
  checkAndMutateRequestCodec,
  checkAndSetRequestCodec,
  checkAndSetResponseCodec,
  countResponseCodec,
  getScannerRequestCodec,
  incrRequestCodec,
  incrResponseCodec,
  multiGetRequestCodec,
  multiGetResponseCodec,
  multiPutRequestCodec,
  multiRemoveRequestCodec,
  multiRemoveResponseCodec,
  negotiationCodec,
  readResponseCodec,
  scanRequestCodec,
  scanResponseCodec,
  ttlResponseCodec,
  updateRequestCodec,
  updateResponseCodec,
} from './structs-rrdb.ts';
import type { RpcArgs, RpcName, RpcResult } from './types.ts';

/**
 * docs/PROTOCOL.md 4.2 "kind": writes need the primary; reads may use backup requests; scans are stateful;
 * 'admin' RPCs (remote commands, 4.1) are answered by any meta or replica server, leader or not.
 */
export type RpcKind = 'meta' | 'read' | 'write' | 'scan' | 'security' | 'admin';

export interface RpcInfo<N extends RpcName = RpcName> {
  readonly name: N;
  readonly kind: RpcKind;
  /** safe to resend after an ambiguous failure (timeout, reset after send) */
  readonly idempotent: boolean;
  /** the server never replies (clear_scanner) */
  readonly oneWay: boolean;
  readonly args: Codec<RpcArgs<N>>;
  readonly result: Codec<RpcResult<N>> | undefined;
}

type Registry = { readonly [N in RpcName]: RpcInfo<N> };

function rpc<N extends RpcName>(
  name: N,
  kind: RpcKind,
  idempotent: boolean,
  args: Codec<RpcArgs<N>>,
  result: Codec<RpcResult<N>> | undefined,
): RpcInfo<N> {
  return { name, kind, idempotent, oneWay: result === undefined, args, result };
}

const REGISTRY: Registry = {
  RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX: rpc(
    'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX',
    'meta',
    true,
    queryCfgRequestCodec,
    queryCfgResponseCodec,
  ),
  RPC_CM_LIST_APPS: rpc('RPC_CM_LIST_APPS', 'meta', true, listAppsRequestCodec, listAppsResponseCodec),
  // create/drop are guarded by success_if_exist / success_if_not_exist, but their replies can still
  // differ on a resend (ERR_APP_EXIST), so they are not treated as idempotent
  RPC_CM_CREATE_APP: rpc('RPC_CM_CREATE_APP', 'meta', false, createAppRequestCodec, createAppResponseCodec),
  RPC_CM_DROP_APP: rpc('RPC_CM_DROP_APP', 'meta', false, dropAppRequestCodec, dropAppResponseCodec),
  RPC_CM_LIST_NODES: rpc('RPC_CM_LIST_NODES', 'meta', true, listNodesRequestCodec, listNodesResponseCodec),
  // a command may change server state (e.g. a flag), so it is not resent after an ambiguous failure
  RPC_CLI_CLI_CALL: rpc('RPC_CLI_CLI_CALL', 'admin', false, remoteCommandCodec, stringCodec),
  RPC_RRDB_RRDB_PUT: rpc('RPC_RRDB_RRDB_PUT', 'write', true, updateRequestCodec, updateResponseCodec),
  RPC_RRDB_RRDB_MULTI_PUT: rpc(
    'RPC_RRDB_RRDB_MULTI_PUT',
    'write',
    true,
    multiPutRequestCodec,
    updateResponseCodec,
  ),
  RPC_RRDB_RRDB_REMOVE: rpc('RPC_RRDB_RRDB_REMOVE', 'write', true, blobCodec, updateResponseCodec),
  RPC_RRDB_RRDB_MULTI_REMOVE: rpc(
    'RPC_RRDB_RRDB_MULTI_REMOVE',
    'write',
    true,
    multiRemoveRequestCodec,
    multiRemoveResponseCodec,
  ),
  RPC_RRDB_RRDB_INCR: rpc('RPC_RRDB_RRDB_INCR', 'write', false, incrRequestCodec, incrResponseCodec),
  RPC_RRDB_RRDB_CHECK_AND_SET: rpc(
    'RPC_RRDB_RRDB_CHECK_AND_SET',
    'write',
    false,
    checkAndSetRequestCodec,
    checkAndSetResponseCodec,
  ),
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: rpc(
    'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
    'write',
    false,
    checkAndMutateRequestCodec,
    checkAndSetResponseCodec,
  ),
  RPC_RRDB_RRDB_GET: rpc('RPC_RRDB_RRDB_GET', 'read', true, blobCodec, readResponseCodec),
  RPC_RRDB_RRDB_MULTI_GET: rpc(
    'RPC_RRDB_RRDB_MULTI_GET',
    'read',
    true,
    multiGetRequestCodec,
    multiGetResponseCodec,
  ),
  RPC_RRDB_RRDB_BATCH_GET: rpc(
    'RPC_RRDB_RRDB_BATCH_GET',
    'read',
    true,
    batchGetRequestCodec,
    batchGetResponseCodec,
  ),
  RPC_RRDB_RRDB_SORTKEY_COUNT: rpc(
    'RPC_RRDB_RRDB_SORTKEY_COUNT',
    'read',
    true,
    blobCodec,
    countResponseCodec,
  ),
  RPC_RRDB_RRDB_TTL: rpc('RPC_RRDB_RRDB_TTL', 'read', true, blobCodec, ttlResponseCodec),
  RPC_RRDB_RRDB_GET_SCANNER: rpc(
    'RPC_RRDB_RRDB_GET_SCANNER',
    'scan',
    true,
    getScannerRequestCodec,
    scanResponseCodec,
  ),
  // a scan consumes its context: a resend after an ambiguous failure finds it gone (error 1), which
  // the scanner already handles by reopening, so no extra harm
  RPC_RRDB_RRDB_SCAN: rpc('RPC_RRDB_RRDB_SCAN', 'scan', true, scanRequestCodec, scanResponseCodec),
  RPC_RRDB_RRDB_CLEAR_SCANNER: rpc('RPC_RRDB_RRDB_CLEAR_SCANNER', 'scan', true, i64Codec, undefined),
  RPC_NEGOTIATION: rpc('RPC_NEGOTIATION', 'security', false, negotiationCodec, negotiationCodec),
};

export const RPC_NAMES: readonly RpcName[] = Object.keys(REGISTRY) as RpcName[];

export function isRpcName(s: string): s is RpcName {
  return typeof s === 'string' && Object.hasOwn(REGISTRY, s);
}

export function rpcInfo<N extends RpcName>(name: N): RpcInfo<N> {
  return REGISTRY[name] as unknown as RpcInfo<N>;
}

/** Meta RPCs carry gpid (0,0), partition hash 0 and (v0) thread hash 0. */
export function isMetaRpc(name: string): boolean {
  return name.startsWith('RPC_CM_');
}
