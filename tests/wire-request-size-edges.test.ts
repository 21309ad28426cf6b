// Edges of the write-size check (core/wire/request-size.ts): the cheap bound must stay above the
// exact count for large keys and values in every field a write carries, and for long lists, or a
// write over maxWriteBytes would go out unmeasured. properties/request-size.test.ts draws small blobs
// and short lists only (the fixed part of the bound covers them); these cases do not. Each pinned
// because a Stryker mutant survived without it (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RPC_NAMES,
  type RpcArgs,
  type RpcName,
  requestBodyBytes,
  rpcInfo,
  writeBodyBytesAtMost,
  writeBodyBytesOver,
} from '../core/wire/index.ts';

const NONE = Buffer.alloc(0);
const big = (n: number) => Buffer.alloc(n, 0x61);

/** the smallest args of each write RPC, every blob empty and every list empty */
const SMALL: { [N in RpcName]?: () => RpcArgs<N> } = {
  RPC_RRDB_RRDB_PUT: () => ({ key: NONE, value: NONE, expire_ts_seconds: 0 }),
  RPC_RRDB_RRDB_REMOVE: () => NONE,
  RPC_RRDB_RRDB_INCR: () => ({ key: NONE, increment: 1n, expire_ts_seconds: 0 }),
  RPC_RRDB_RRDB_MULTI_PUT: () => ({ hash_key: NONE, kvs: [], expire_ts_seconds: 0 }),
  RPC_RRDB_RRDB_MULTI_REMOVE: () => ({ hash_key: NONE, sort_keys: [], max_count: 0n }),
  RPC_RRDB_RRDB_CHECK_AND_SET: () => ({
    hash_key: NONE,
    check_sort_key: NONE,
    check_type: 0,
    check_operand: NONE,
    set_diff_sort_key: false,
    set_sort_key: NONE,
    set_value: NONE,
    set_expire_ts_seconds: 0,
    return_check_value: false,
  }),
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: () => ({
    hash_key: NONE,
    check_sort_key: NONE,
    check_type: 0,
    check_operand: NONE,
    mutate_list: [],
    return_check_value: false,
  }),
};

/** each write's args with one blob grown to `n` bytes, one case per blob field (and per list) */
function grown(n: number): { label: string; name: RpcName; args: unknown }[] {
  const out: { label: string; name: RpcName; args: unknown }[] = [];
  for (const [name, make] of Object.entries(SMALL) as [RpcName, () => unknown][]) {
    const base = make();
    if (base instanceof Uint8Array) {
      out.push({ label: `${name} key`, name, args: big(n) });
      continue;
    }
    for (const [field, v] of Object.entries(base as object)) {
      if (v instanceof Uint8Array)
        out.push({ label: `${name}.${field}`, name, args: { ...(base as object), [field]: big(n) } });
    }
  }
  // optional blob of put; list entries with large blobs
  const put = SMALL.RPC_RRDB_RRDB_PUT!();
  out.push({ label: 'put.check_value', name: 'RPC_RRDB_RRDB_PUT', args: { ...put, check_value: big(n) } });
  const mp = SMALL.RPC_RRDB_RRDB_MULTI_PUT!();
  out.push({
    label: 'multi_put key',
    name: 'RPC_RRDB_RRDB_MULTI_PUT',
    args: { ...mp, kvs: [{ key: big(n), value: NONE }] },
  });
  out.push({
    label: 'multi_put value',
    name: 'RPC_RRDB_RRDB_MULTI_PUT',
    args: {
      ...mp,
      kvs: [
        { key: NONE, value: big(n) },
        { key: big(3), value: big(n) },
      ],
    },
  });
  const mr = SMALL.RPC_RRDB_RRDB_MULTI_REMOVE!();
  out.push({
    label: 'multi_remove keys',
    name: 'RPC_RRDB_RRDB_MULTI_REMOVE',
    args: { ...mr, sort_keys: [big(n), big(n)] },
  });
  const cm = SMALL.RPC_RRDB_RRDB_CHECK_AND_MUTATE!();
  const m = (sort_key: Buffer, value: Buffer) => ({
    operation: 0,
    sort_key,
    value,
    set_expire_ts_seconds: 0,
  });
  out.push({
    label: 'check_and_mutate sort key',
    name: 'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
    args: { ...cm, mutate_list: [m(big(n), NONE)] },
  });
  out.push({
    label: 'check_and_mutate value',
    name: 'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
    args: { ...cm, mutate_list: [m(NONE, big(n)), m(big(2), big(n))] },
  });
  return out;
}

/** each list-carrying write with `k` entries, every blob empty: the per-entry framing alone */
function long(k: number): { label: string; name: RpcName; args: unknown }[] {
  const entries = Array.from({ length: k });
  return [
    {
      label: 'multi_put entries',
      name: 'RPC_RRDB_RRDB_MULTI_PUT',
      args: { ...SMALL.RPC_RRDB_RRDB_MULTI_PUT!(), kvs: entries.map(() => ({ key: NONE, value: NONE })) },
    },
    {
      label: 'multi_remove entries',
      name: 'RPC_RRDB_RRDB_MULTI_REMOVE',
      args: { ...SMALL.RPC_RRDB_RRDB_MULTI_REMOVE!(), sort_keys: entries.map(() => NONE) },
    },
    {
      label: 'check_and_mutate entries',
      name: 'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
      args: {
        ...SMALL.RPC_RRDB_RRDB_CHECK_AND_MUTATE!(),
        mutate_list: entries.map(() => ({
          operation: 0,
          sort_key: NONE,
          value: NONE,
          set_expire_ts_seconds: 0,
        })),
      },
    },
  ];
}

function checkBound(label: string, name: RpcName, args: unknown): void {
  const exact = requestBodyBytes(name, args as never);
  const bound = writeBodyBytesAtMost(name, args as never);
  assert.ok(bound !== null && bound >= exact, `${label}: bound ${bound} < exact ${exact}`);
  // the check the client makes: one byte over the limit is caught, at the limit passes
  assert.equal(writeBodyBytesOver(name, args as never, exact - 1), exact, label);
  assert.equal(writeBodyBytesOver(name, args as never, exact), -1, label);
}

describe('the write-size bound with large blobs and long lists', () => {
  it('covers every write RPC (the cases below name them all)', () => {
    const writes = RPC_NAMES.filter((n) => rpcInfo(n).kind === 'write').sort();
    assert.deepEqual(Object.keys(SMALL).sort(), writes);
  });

  it('stays above the exact count with a 3000-byte blob in any one field', () => {
    for (const { label, name, args } of grown(3000)) checkBound(label, name, args);
  });

  it('stays above the exact count with 3000-byte blobs in every field at once', () => {
    for (const [name, make] of Object.entries(SMALL) as [RpcName, () => unknown][]) {
      const base = make();
      const args =
        base instanceof Uint8Array
          ? big(3000)
          : Object.fromEntries(
              Object.entries(base as object).map(([k, v]) => [k, v instanceof Uint8Array ? big(3000) : v]),
            );
      checkBound(name, name, args);
    }
  });

  it('stays above the exact count with 300 list entries of empty blobs', () => {
    for (const { label, name, args } of long(300)) checkBound(label, name, args);
  });

  it('an empty write is within the bound too', () => {
    for (const [name, make] of Object.entries(SMALL) as [RpcName, () => unknown][])
      checkBound(name, name, make());
  });
});

describe('writeBodyBytesOver for RPCs that are not writes', () => {
  it('is -1 whatever the limit, even one below any size', () => {
    for (const limit of [-1, 0, 10]) {
      assert.equal(writeBodyBytesOver('RPC_RRDB_RRDB_GET', big(5000), limit), -1, `get, limit ${limit}`);
      assert.equal(writeBodyBytesOver('RPC_RRDB_RRDB_TTL', big(5000), limit), -1, `ttl, limit ${limit}`);
    }
    // a write is measured against the same limits
    assert.equal(
      writeBodyBytesOver('RPC_RRDB_RRDB_REMOVE', NONE, -1),
      requestBodyBytes('RPC_RRDB_RRDB_REMOVE', NONE),
    );
  });
});
