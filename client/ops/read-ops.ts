// Plans of the single-record reads and sortKeyCount (all idempotent).
import { encodeKey, partitionHash } from '../../core/routing/index.ts';
import { type RpcResult, StorageStatus } from '../../core/wire/index.ts';
import { toBytes, toHashKey } from '../validate.ts';
import { type OpPlan, ownBuffer, refuse } from './op-plan.ts';

/** What {@link Table.ttl} resolves to: whether the record exists, and if so its remaining TTL. */
export type TtlResult =
  | {
      /** the record is absent or expired */
      exists: false;
    }
  | {
      /** the record exists */
      exists: true;
      /** seconds until it expires, or null when it never does */
      ttlSeconds: number | null;
    };

function fullKey(hashKey: unknown, sortKey: unknown) {
  const h = toHashKey(hashKey, true);
  const s = toBytes('sortKey', sortKey);
  return { key: encodeKey(h, s), hash: partitionHash(h, s) };
}

export function getPlan(hashKey: unknown, sortKey: unknown): OpPlan<'RPC_RRDB_RRDB_GET', Buffer | null> {
  const { key, hash } = fullKey(hashKey, sortKey);
  return {
    op: 'get',
    rpc: 'RPC_RRDB_RRDB_GET',
    args: key,
    partitionHash: hash,
    idempotent: true,
    decode: decodeGet,
  };
}

// Decoders are module functions, not closures made per call: plans are built on every call.
function decodeGet(r: RpcResult<'RPC_RRDB_RRDB_GET'>): Buffer | null {
  if (r.error === StorageStatus.NotFound) return null;
  if (r.error !== StorageStatus.Ok) refuse(r.error, '');
  return ownBuffer(r.value);
}

export function ttlPlan(hashKey: unknown, sortKey: unknown): OpPlan<'RPC_RRDB_RRDB_TTL', TtlResult> {
  const { key, hash } = fullKey(hashKey, sortKey);
  return {
    op: 'ttl',
    rpc: 'RPC_RRDB_RRDB_TTL',
    args: key,
    partitionHash: hash,
    idempotent: true,
    decode: decodeTtl,
  };
}

function decodeTtl(r: RpcResult<'RPC_RRDB_RRDB_TTL'>): TtlResult {
  if (r.error === StorageStatus.NotFound) return { exists: false };
  if (r.error !== StorageStatus.Ok) refuse(r.error, '');
  return { exists: true, ttlSeconds: r.ttl_seconds < 0 ? null : r.ttl_seconds };
}

function decodeExist(r: RpcResult<'RPC_RRDB_RRDB_TTL'>): boolean {
  return decodeTtl(r).exists;
}

/** exist is a ttl query that only looks at the status (as the Java client does) */
export function existPlan(hashKey: unknown, sortKey: unknown): OpPlan<'RPC_RRDB_RRDB_TTL', boolean> {
  const ttl = ttlPlan(hashKey, sortKey);
  return { ...ttl, op: 'exist', decode: decodeExist };
}

export function sortKeyCountPlan(hashKey: unknown): OpPlan<'RPC_RRDB_RRDB_SORTKEY_COUNT', number> {
  const h = toHashKey(hashKey, false);
  return {
    op: 'sortKeyCount',
    rpc: 'RPC_RRDB_RRDB_SORTKEY_COUNT',
    args: h,
    partitionHash: partitionHash(h, h),
    idempotent: true,
    decode: decodeSortKeyCount,
  };
}

function decodeSortKeyCount(r: RpcResult<'RPC_RRDB_RRDB_SORTKEY_COUNT'>): number {
  if (r.error !== StorageStatus.Ok) refuse(r.error, '');
  // -1: the server gave up counting (iteration/time cap); a wrong number would be worse
  if (r.count < 0n) refuse(StorageStatus.Incomplete, 'the server stopped counting before the end');
  return Number(r.count);
}
