// The benchmark's key set and, for the raw-wire floor, the same requests pre-encoded.
// Keys are spread over every partition (hash keys differ); each key goes to its partition's primary,
// for the client and the floor alike, so both send the same RPCs, of the same sizes, to the same sockets.
import { encodeKey, partitionHash, partitionIndex } from '../../core/routing/index.ts';
import { encodeRequest, type RpcName } from '../../core/wire/index.ts';

export interface BenchKey {
  hashKey: Buffer;
  sortKey: Buffer;
  partition: number;
}

export type BenchOp = 'get' | 'set';

const SORT_KEY = Buffer.from('s');
/** the deadline the client writes in the header by default (timeoutMs 1000); same size either way */
const CLIENT_TIMEOUT_MS = 1000;

export function makeKeys(count: number, partitionCount: number): BenchKey[] {
  const keys: BenchKey[] = [];
  for (let i = 0; i < count; i++) {
    const hashKey = Buffer.from(`bench-key-${String(i).padStart(7, '0')}`);
    keys.push({
      hashKey,
      sortKey: SORT_KEY,
      partition: partitionIndex(partitionHash(hashKey, SORT_KEY), partitionCount),
    });
  }
  return keys;
}

export function rpcOf(op: BenchOp): RpcName {
  return op === 'get' ? 'RPC_RRDB_RRDB_GET' : 'RPC_RRDB_RRDB_PUT';
}

/** one frame per key, seqid = key index + 1 (the floor reads it back to time each reply) */
export function encodeFrames(op: BenchOp, keys: readonly BenchKey[], appId: number, value: Buffer): Buffer[] {
  return keys.map((k, i) => {
    const key = encodeKey(k.hashKey, k.sortKey);
    const header = {
      app_id: appId,
      partition_index: k.partition,
      client_timeout_ms: CLIENT_TIMEOUT_MS,
      partition_hash: partitionHash(k.hashKey, k.sortKey),
      is_backup_request: false,
    };
    return op === 'get'
      ? encodeRequest('RPC_RRDB_RRDB_GET', i + 1, key, header)
      : encodeRequest('RPC_RRDB_RRDB_PUT', i + 1, { key, value, expire_ts_seconds: 0 }, header);
  });
}
