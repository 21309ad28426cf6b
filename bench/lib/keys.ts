// The benchmark's key set and, for the raw-wire floor, the same requests pre-encoded.
// Keys are spread over every partition (hash keys differ); each key goes to its partition's primary,
// for the client and the floor alike, so both send the same RPCs, of the same sizes, to the same sockets.
import { encodeKey, partitionHash, partitionIndex } from '../../core/routing/index.ts';
import { encodeRequest, FilterType, type RpcName } from '../../core/wire/index.ts';

export interface BenchKey {
  hashKey: Buffer;
  sortKey: Buffer;
  partition: number;
}

export type BenchOp = 'get' | 'set' | 'multiGet';
export const BENCH_OPS: readonly BenchOp[] = ['get', 'set', 'multiGet'];
export type HeaderVersion = 0 | 1;

const SORT_KEY = Buffer.from('s');
/** multiGet reads this many sort keys of one hash key (written by fillMultiGet before it is measured) */
export const MULTI_GET_SORT_KEYS = 10;
/** the sort keys multiGet asks for, s0..s9: they sort after 's', so get/set's key is not among them */
export const MULTI_SORT_KEYS: readonly Buffer[] = Array.from({ length: MULTI_GET_SORT_KEYS }, (_, i) =>
  Buffer.from(`s${i}`),
);
/** the deadline the client writes in the header by default (timeoutMs 1000); same size either way */
const CLIENT_TIMEOUT_MS = 1000;
const EMPTY = Buffer.alloc(0);

export function makeKeys(count: number, partitionCount: number): BenchKey[] {
  const keys: BenchKey[] = [];
  for (let i = 0; i < count; i++) {
    const hashKey = Buffer.from(`bench-key-${String(i).padStart(7, '0')}`);
    // a non-empty hash key alone picks the partition, so get, set and multiGet of a key agree
    keys.push({
      hashKey,
      sortKey: SORT_KEY,
      partition: partitionIndex(partitionHash(hashKey, SORT_KEY), partitionCount),
    });
  }
  return keys;
}

export function rpcOf(op: BenchOp): RpcName {
  return op === 'get' ? 'RPC_RRDB_RRDB_GET' : op === 'set' ? 'RPC_RRDB_RRDB_PUT' : 'RPC_RRDB_RRDB_MULTI_GET';
}

/** one frame per key, seqid = key index + 1 (the floor reads it back to time each reply) */
export function encodeFrames(
  op: BenchOp,
  keys: readonly BenchKey[],
  appId: number,
  value: Buffer,
  headerVersion: HeaderVersion,
): Buffer[] {
  const opts = { headerVersion };
  return keys.map((k, i) => {
    const header = {
      app_id: appId,
      partition_index: k.partition,
      client_timeout_ms: CLIENT_TIMEOUT_MS,
      partition_hash: partitionHash(k.hashKey, op === 'multiGet' ? EMPTY : k.sortKey),
      is_backup_request: false,
    };
    if (op === 'get')
      return encodeRequest('RPC_RRDB_RRDB_GET', i + 1, encodeKey(k.hashKey, k.sortKey), header, opts);
    if (op === 'set')
      return encodeRequest(
        'RPC_RRDB_RRDB_PUT',
        i + 1,
        { key: encodeKey(k.hashKey, k.sortKey), value, expire_ts_seconds: 0 },
        header,
        opts,
      );
    // the same request the client builds for multiGet(hashKey, [10 sort keys])
    return encodeRequest(
      'RPC_RRDB_RRDB_MULTI_GET',
      i + 1,
      {
        hash_key: k.hashKey,
        sort_keys: [...MULTI_SORT_KEYS],
        max_kv_count: 0,
        max_kv_size: 0,
        no_value: false,
        start_sortkey: EMPTY,
        stop_sortkey: EMPTY,
        start_inclusive: true,
        stop_inclusive: false,
        sort_key_filter_type: FilterType.FT_NO_FILTER,
        sort_key_filter_pattern: EMPTY,
        reverse: false,
      },
      header,
      opts,
    );
  });
}
