// batchGet: many records of many hash keys, one batch_get per partition (all keys of a batch_get
// must belong to one partition). Servers before 2022 answer ERR_HANDLER_NOT_FOUND: the client then
// reads those keys one by one. Results come back in the order the keys were given.
import { partitionHash, partitionIndex } from '../../core/routing/index.ts';
import { StorageStatus } from '../../core/wire/index.ts';
import { type Bytes, fail, toBytes, toHashKey } from '../validate.ts';
import { type OpPlan, ownBuffer, refuse } from './op-plan.ts';

/** One key of {@link Table.batchGet}: `[hashKey, sortKey]`. */
export type RecordKey = readonly [hashKey: Bytes, sortKey: Bytes];

interface CheckedKey {
  hashKey: Uint8Array;
  sortKey: Uint8Array;
  hash: bigint;
}

export function checkKeys(keys: unknown): CheckedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) fail('keys must be a non-empty array of [hashKey, sortKey]');
  return (keys as unknown[]).map((k, i) => {
    if (!Array.isArray(k) || k.length !== 2) fail(`keys[${i}] must be [hashKey, sortKey]`);
    const hashKey = toHashKey(k[0], true);
    const sortKey = toBytes(`keys[${i}][1]`, k[1]);
    return { hashKey, sortKey, hash: partitionHash(hashKey, sortKey) };
  });
}

/** the keys' positions grouped by partition under `partitionCount` */
export function groupByPartition(keys: CheckedKey[], partitionCount: number): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((k, i) => {
    const p = partitionIndex(k.hash, partitionCount);
    const g = groups.get(p);
    if (g === undefined) groups.set(p, [i]);
    else g.push(i);
  });
  return [...groups.values()];
}

/** one batch_get of keys of one partition: their values in the group's order (null: not found) */
export function batchGetPlan(
  keys: CheckedKey[],
  group: number[],
): OpPlan<'RPC_RRDB_RRDB_BATCH_GET', Array<Buffer | null>> {
  const first = keys[group[0]!]!;
  return {
    op: 'batchGet',
    rpc: 'RPC_RRDB_RRDB_BATCH_GET',
    args: { keys: group.map((i) => ({ hash_key: keys[i]!.hashKey, sort_key: keys[i]!.sortKey })) },
    partitionHash: first.hash,
    idempotent: true,
    decode: (r) => {
      if (r.error !== StorageStatus.Ok) refuse(r.error, '');
      // the server returns found records only, in request order: match them by key
      const found = new Map<string, Buffer>();
      for (const d of r.data)
        found.set(
          `${Buffer.from(d.hash_key).toString('hex')}/${Buffer.from(d.sort_key).toString('hex')}`,
          ownBuffer(d.value),
        );
      return group.map((i) => {
        const k = keys[i]!;
        return (
          found.get(`${Buffer.from(k.hashKey).toString('hex')}/${Buffer.from(k.sortKey).toString('hex')}`) ??
          null
        );
      });
    },
  };
}
