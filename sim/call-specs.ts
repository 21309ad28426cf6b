// Builds the core's call specs for the simulation's operations on key `k<index>` of the table.
import type { CallSpec, HedgeSpec } from '../core/client/index.ts';
import { encodeKey, partitionHash, partitionIndex } from '../core/routing/index.ts';
import { CasCheckType, MutateOperation } from '../core/wire/types.ts';
import { IDEMPOTENT, type SimCall } from './workload.ts';

export function hashKeyOf(key: number): Buffer {
  return Buffer.from(`k${key}`);
}

export function callSpec(callId: number, table: string, c: SimCall, hedge?: HedgeSpec): CallSpec {
  const hashKey = hashKeyOf(c.key);
  const sortKey = Buffer.from('s');
  const full = encodeKey(hashKey, sortKey);
  const base = {
    callId,
    table,
    partitionHash: partitionHash(hashKey, sortKey),
    idempotent: IDEMPOTENT[c.op],
    timeoutMs: c.timeoutMs,
  };
  switch (c.op) {
    case 'get':
      return { ...base, rpc: 'RPC_RRDB_RRDB_GET', args: full, ...(hedge === undefined ? {} : { hedge }) };
    case 'ttl':
      return { ...base, rpc: 'RPC_RRDB_RRDB_TTL', args: full, ...(hedge === undefined ? {} : { hedge }) };
    case 'del':
      return { ...base, rpc: 'RPC_RRDB_RRDB_REMOVE', args: full };
    case 'set':
      return {
        ...base,
        rpc: 'RPC_RRDB_RRDB_PUT',
        args: { key: full, value: Buffer.from(String(c.value)), expire_ts_seconds: 0 },
      };
    case 'incr':
      return {
        ...base,
        rpc: 'RPC_RRDB_RRDB_INCR',
        args: { key: encodeKey(hashKey, Buffer.from('n')), increment: 1n, expire_ts_seconds: 0 },
        partitionHash: partitionHash(hashKey, Buffer.from('n')),
      };
    case 'cam':
      return {
        ...base,
        rpc: 'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
        args: {
          hash_key: hashKey,
          check_sort_key: sortKey,
          check_type: CasCheckType.CT_VALUE_EXIST,
          check_operand: Buffer.alloc(0),
          mutate_list: [
            {
              operation: MutateOperation.MO_PUT,
              sort_key: sortKey,
              value: Buffer.from(String(c.value)),
              set_expire_ts_seconds: 0,
            },
          ],
          return_check_value: false,
        },
        partitionHash: partitionHash(hashKey, Buffer.alloc(0)),
      };
    case 'casAbsent':
      return {
        ...base,
        rpc: 'RPC_RRDB_RRDB_CHECK_AND_SET',
        args: {
          hash_key: hashKey,
          check_sort_key: Buffer.from('c'),
          check_type: CasCheckType.CT_VALUE_NOT_EXIST,
          check_operand: Buffer.alloc(0),
          set_diff_sort_key: false,
          set_sort_key: Buffer.alloc(0),
          set_value: Buffer.from(String(c.value)),
          set_expire_ts_seconds: 0,
          return_check_value: false,
        },
        partitionHash: partitionHash(hashKey, Buffer.from('c')),
      };
  }
}

/** the partition of the value register ('s') of key `k<index>` */
export function partitionOfKey(key: number, partitions: number): number {
  return partitionIndex(partitionHash(hashKeyOf(key), Buffer.from('s')), partitions);
}
