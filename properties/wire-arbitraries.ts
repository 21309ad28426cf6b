// fast-check arbitraries for every wire struct, keyed by RPC name. Shared by the wire properties.
import fc from 'fast-check';
import {
  ERROR_NAMES,
  type Gpid,
  type HostPort,
  type KeyValue,
  type PartitionConfiguration,
  type RequestHeader,
  RPC_NAMES,
  type RpcArgs,
  type RpcName,
  type RpcResult,
  rpcInfo,
} from '../core/wire/index.ts';

/** fc.record, but never with a null prototype (deepStrictEqual compares prototypes) */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, opts?: { requiredKeys?: (keyof T)[] }) {
  return fc.record(model, { ...opts, noNullPrototype: true } as never) as fc.Arbitrary<T>;
}

export const i32 = fc.integer();
export const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** decoded blobs are Buffers (views), so generate Buffers for deepStrictEqual */
export const blob = fc.uint8Array({ maxLength: 24 }).map((u) => Buffer.from(u));
/** well-formed Unicode only: lone surrogates cannot round-trip through UTF-8 */
export const str = fc.string({ unit: 'grapheme', maxLength: 12 });
export const errorName = fc.oneof(
  fc.constantFrom(...ERROR_NAMES),
  fc.string({ unit: 'grapheme-ascii', maxLength: 47 }),
);
export const gpid: fc.Arbitrary<Gpid> = rec({ app_id: i32, partition_index: i32 });
export const rpcAddress = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(65535))
    .map(([a, b, c, d, port]) => `${a}.${b}.${c}.${d}:${port}`),
);
export const hostPort: fc.Arbitrary<HostPort> = rec({
  host: str,
  port: fc.nat(65535),
  type: fc.constantFrom(0, 1),
});
const envs = fc.array(fc.tuple(str, str), { maxLength: 4 }).map((e) => new Map(e));
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 4 });

export const partitionConfiguration: fc.Arbitrary<PartitionConfiguration> = rec(
  {
    pid: gpid,
    ballot: i64,
    max_replica_count: i32,
    primary: rpcAddress,
    secondaries: list(rpcAddress),
    last_drops: list(rpcAddress),
    last_committed_decree: i64,
    partition_flags: i32,
    hp_primary: hostPort,
    hp_secondaries: list(hostPort),
    hp_last_drops: list(hostPort),
  },
  {
    requiredKeys: [
      'pid',
      'ballot',
      'max_replica_count',
      'primary',
      'secondaries',
      'last_drops',
      'last_committed_decree',
      'partition_flags',
    ],
  },
);

const keyValue: fc.Arbitrary<KeyValue> = rec(
  { key: blob, value: blob, expire_ts_seconds: i32 },
  { requiredKeys: ['key', 'value'] },
);

const dataEcho = { app_id: i32, partition_index: i32, server: str };

const updateResponse = rec({ error: i32, decree: i64, ...dataEcho });
const checkAndSetResponse = rec({
  error: i32,
  check_value_returned: fc.boolean(),
  check_value_exist: fc.boolean(),
  check_value: blob,
  decree: i64,
  ...dataEcho,
});
const negotiation = rec({ status: i32, msg: blob });
const scanResponse = rec(
  { error: i32, kvs: list(keyValue), context_id: i64, kv_count: i32, ...dataEcho },
  { requiredKeys: ['error', 'kvs', 'context_id', 'app_id', 'partition_index', 'server'] },
);

export const ARGS: { [N in RpcName]: fc.Arbitrary<RpcArgs<N>> } = {
  RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX: rec({ app_name: str, partition_indices: list(i32) }),
  RPC_CM_LIST_APPS: rec(
    { status: i32, app_name_pattern: str, match_type: i32 },
    { requiredKeys: ['status'] },
  ),
  RPC_CM_CREATE_APP: rec({
    app_name: str,
    options: rec(
      {
        partition_count: i32,
        replica_count: i32,
        success_if_exist: fc.boolean(),
        app_type: str,
        is_stateful: fc.boolean(),
        envs,
        atomic_idempotent: fc.boolean(),
      },
      {
        requiredKeys: [
          'partition_count',
          'replica_count',
          'success_if_exist',
          'app_type',
          'is_stateful',
          'envs',
        ],
      },
    ),
  }),
  RPC_CM_DROP_APP: rec({
    app_name: str,
    options: rec(
      { success_if_not_exist: fc.boolean(), reserve_seconds: i64 },
      { requiredKeys: ['success_if_not_exist'] },
    ),
  }),
  RPC_CM_LIST_NODES: rec({ status: i32 }),
  RPC_CLI_CLI_CALL: rec({ cmd: str, arguments: list(str) }),
  RPC_RRDB_RRDB_PUT: rec(
    {
      key: blob,
      value: blob,
      expire_ts_seconds: i32,
      type: i32,
      check_value_returned: fc.boolean(),
      check_value_exist: fc.boolean(),
      check_value: blob,
    },
    { requiredKeys: ['key', 'value', 'expire_ts_seconds'] },
  ),
  RPC_RRDB_RRDB_MULTI_PUT: rec({ hash_key: blob, kvs: list(keyValue), expire_ts_seconds: i32 }),
  RPC_RRDB_RRDB_REMOVE: blob,
  RPC_RRDB_RRDB_MULTI_REMOVE: rec({ hash_key: blob, sort_keys: list(blob), max_count: i64 }),
  RPC_RRDB_RRDB_INCR: rec({ key: blob, increment: i64, expire_ts_seconds: i32 }),
  RPC_RRDB_RRDB_CHECK_AND_SET: rec({
    hash_key: blob,
    check_sort_key: blob,
    check_type: i32,
    check_operand: blob,
    set_diff_sort_key: fc.boolean(),
    set_sort_key: blob,
    set_value: blob,
    set_expire_ts_seconds: i32,
    return_check_value: fc.boolean(),
  }),
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: rec({
    hash_key: blob,
    check_sort_key: blob,
    check_type: i32,
    check_operand: blob,
    mutate_list: list(rec({ operation: i32, sort_key: blob, value: blob, set_expire_ts_seconds: i32 })),
    return_check_value: fc.boolean(),
  }),
  RPC_RRDB_RRDB_GET: blob,
  RPC_RRDB_RRDB_MULTI_GET: rec({
    hash_key: blob,
    sort_keys: list(blob),
    max_kv_count: i32,
    max_kv_size: i32,
    no_value: fc.boolean(),
    start_sortkey: blob,
    stop_sortkey: blob,
    start_inclusive: fc.boolean(),
    stop_inclusive: fc.boolean(),
    sort_key_filter_type: i32,
    sort_key_filter_pattern: blob,
    reverse: fc.boolean(),
  }),
  RPC_RRDB_RRDB_BATCH_GET: rec({ keys: list(rec({ hash_key: blob, sort_key: blob })) }),
  RPC_RRDB_RRDB_SORTKEY_COUNT: blob,
  RPC_RRDB_RRDB_TTL: blob,
  RPC_RRDB_RRDB_GET_SCANNER: rec(
    {
      start_key: blob,
      stop_key: blob,
      start_inclusive: fc.boolean(),
      stop_inclusive: fc.boolean(),
      batch_size: i32,
      no_value: fc.boolean(),
      hash_key_filter_type: i32,
      hash_key_filter_pattern: blob,
      sort_key_filter_type: i32,
      sort_key_filter_pattern: blob,
      validate_partition_hash: fc.boolean(),
      return_expire_ts: fc.boolean(),
      full_scan: fc.boolean(),
      only_return_count: fc.boolean(),
    },
    {
      requiredKeys: [
        'start_key',
        'stop_key',
        'start_inclusive',
        'stop_inclusive',
        'batch_size',
        'no_value',
        'hash_key_filter_type',
        'hash_key_filter_pattern',
        'sort_key_filter_type',
        'sort_key_filter_pattern',
      ],
    },
  ),
  RPC_RRDB_RRDB_SCAN: rec({ context_id: i64 }),
  RPC_RRDB_RRDB_CLEAR_SCANNER: i64,
  RPC_NEGOTIATION: negotiation,
};

type ResultArbs = { [N in RpcName]: RpcResult<N> extends never ? undefined : fc.Arbitrary<RpcResult<N>> };

export const RESULTS: ResultArbs = {
  RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX: rec({
    err: errorName,
    app_id: i32,
    partition_count: i32,
    is_stateful: fc.boolean(),
    partitions: list(partitionConfiguration),
  }),
  RPC_CM_LIST_APPS: rec(
    {
      err: errorName,
      infos: list(
        rec(
          {
            status: i32,
            app_type: str,
            app_name: str,
            app_id: i32,
            partition_count: i32,
            envs,
            is_stateful: fc.boolean(),
            max_replica_count: i32,
            expire_second: i64,
            create_second: i64,
            drop_second: i64,
            duplicating: fc.boolean(),
            init_partition_count: i32,
            is_bulk_loading: fc.boolean(),
            atomic_idempotent: fc.boolean(),
          },
          {
            requiredKeys: [
              'status',
              'app_type',
              'app_name',
              'app_id',
              'partition_count',
              'envs',
              'is_stateful',
              'max_replica_count',
              'expire_second',
              'create_second',
              'drop_second',
              'init_partition_count',
            ],
          },
        ),
      ),
      hint_message: str,
    },
    { requiredKeys: ['err', 'infos'] },
  ),
  RPC_CM_CREATE_APP: rec({ err: errorName, appid: i32 }),
  RPC_CM_DROP_APP: rec({ err: errorName }),
  RPC_CM_LIST_NODES: rec({
    err: errorName,
    infos: list(
      rec({ status: i32, node: rpcAddress, hp_node: hostPort }, { requiredKeys: ['status', 'node'] }),
    ),
  }),
  RPC_CLI_CLI_CALL: str,
  RPC_RRDB_RRDB_PUT: updateResponse,
  RPC_RRDB_RRDB_MULTI_PUT: updateResponse,
  RPC_RRDB_RRDB_REMOVE: updateResponse,
  RPC_RRDB_RRDB_MULTI_REMOVE: rec({ error: i32, count: i64, decree: i64, ...dataEcho }),
  RPC_RRDB_RRDB_INCR: rec({ error: i32, new_value: i64, decree: i64, ...dataEcho }),
  RPC_RRDB_RRDB_CHECK_AND_SET: checkAndSetResponse,
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: checkAndSetResponse,
  RPC_RRDB_RRDB_GET: rec({ error: i32, value: blob, ...dataEcho }),
  RPC_RRDB_RRDB_MULTI_GET: rec({ error: i32, kvs: list(keyValue), ...dataEcho }),
  RPC_RRDB_RRDB_BATCH_GET: rec({
    error: i32,
    data: list(rec({ hash_key: blob, sort_key: blob, value: blob })),
    ...dataEcho,
  }),
  RPC_RRDB_RRDB_SORTKEY_COUNT: rec({ error: i32, count: i64, ...dataEcho }),
  RPC_RRDB_RRDB_TTL: rec({ error: i32, ttl_seconds: i32, ...dataEcho }),
  RPC_RRDB_RRDB_GET_SCANNER: scanResponse,
  RPC_RRDB_RRDB_SCAN: scanResponse,
  RPC_RRDB_RRDB_CLEAR_SCANNER: undefined,
  RPC_NEGOTIATION: negotiation,
};

export const RESULT_NAMES: readonly RpcName[] = RPC_NAMES.filter((n) => rpcInfo(n).result !== undefined);

export const headerVersion = fc.constantFrom<0 | 1>(0, 1);

export function requestHeader(version: 0 | 1): fc.Arbitrary<RequestHeader> {
  return rec({
    app_id: i32,
    partition_index: i32,
    client_timeout_ms: i32,
    partition_hash: u64,
    is_backup_request: version === 1 ? fc.boolean() : fc.constant(false),
  });
}

/** One request frame's inputs for any RPC, as a tagged union. */
export const anyRequest = fc.oneof(
  ...RPC_NAMES.map((name) =>
    headerVersion.chain((v) =>
      rec({
        name: fc.constant(name),
        seqid: i32,
        args: ARGS[name] as fc.Arbitrary<unknown>,
        header: requestHeader(v),
        version: fc.constant(v),
      }),
    ),
  ),
);

/** One response frame's inputs: a result for ERR_OK, sometimes an error without body. */
export const anyResponse = fc.oneof(
  ...RESULT_NAMES.map((name) =>
    rec({
      name: fc.constant(name),
      seqid: i32,
      error: fc.constant('ERR_OK'),
      result: RESULTS[name] as fc.Arbitrary<unknown>,
    }),
  ),
  rec({
    name: fc.constantFrom(...RPC_NAMES),
    seqid: i32,
    error: errorName,
    result: fc.constant(undefined),
  }),
);

/** Cut `bytes` into chunks at the given cut points (any numbers; reduced modulo the length). */
export function cutInto(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort(
    (a, b) => a - b,
  );
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}
