// The soak's operations: every data operation of the public client, each mapped onto one of the
// three register kinds the linearizability checker of sim/ knows (sim/linearizability.ts):
//   s  a value under one sort key: get, set, del, multiGet, multiSet, multiDel, ttl, exist,
//      sortKeyCount (the hash key holds only that sort key, so a count is 0 or 1)
//   n  a counter: incr by 1
//   c  a write-once cell: checkAndSet "if absent"
import type { Table } from '../client/index.ts';
import type { SimOp } from '../sim/workload.ts';

export type RegisterKind = 's' | 'n' | 'c';

export type ApiOp =
  | 'get'
  | 'set'
  | 'del'
  | 'multiGet'
  | 'multiSet'
  | 'multiDel'
  | 'ttl'
  | 'exist'
  | 'sortKeyCount'
  | 'incr'
  | 'checkAndSet';

export const ALL_API_OPS: readonly ApiOp[] = [
  'get',
  'set',
  'del',
  'multiGet',
  'multiSet',
  'multiDel',
  'ttl',
  'exist',
  'sortKeyCount',
  'incr',
  'checkAndSet',
];

/** relative frequency of each op on an `s` register */
export const S_OPS: ReadonlyArray<readonly [ApiOp, number]> = [
  ['get', 3],
  ['set', 3],
  ['del', 1],
  ['multiGet', 1],
  ['multiSet', 1],
  ['multiDel', 1],
  ['ttl', 1],
  ['exist', 1],
  ['sortKeyCount', 1],
];

/** the checker's op for an API op */
export const MODEL_OP: Record<ApiOp, SimOp> = {
  get: 'get',
  multiGet: 'get',
  set: 'set',
  multiSet: 'set',
  del: 'del',
  multiDel: 'del',
  ttl: 'ttl',
  exist: 'ttl',
  sortKeyCount: 'ttl',
  incr: 'incr',
  checkAndSet: 'casAbsent',
};

export const SORT_KEY: Record<RegisterKind, string> = { s: 's', n: 'n', c: 'c' };

/**
 * Runs one op and returns its result in the checker's shape ({ error, value | new_value }, error 1 =
 * not found, 13 = check failed, as in sim/).
 */
export async function runOp(
  table: Table,
  op: ApiOp,
  hashKey: string,
  value: number,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const o = { timeoutMs };
  switch (op) {
    case 'get': {
      const v = await table.get(hashKey, 's', o);
      return v === null ? { error: 1 } : { error: 0, value: v };
    }
    case 'multiGet': {
      const r = await table.multiGet(hashKey, ['s'], o);
      const e = r.entries[0];
      return e === undefined ? { error: 1 } : { error: 0, value: e.value };
    }
    case 'set':
      await table.set(hashKey, 's', String(value), o);
      return { error: 0 };
    case 'multiSet':
      await table.multiSet(hashKey, [['s', String(value)]], o);
      return { error: 0 };
    case 'del':
      await table.del(hashKey, 's', o);
      return { error: 0 };
    case 'multiDel':
      await table.multiDel(hashKey, ['s'], o);
      return { error: 0 };
    case 'ttl':
      return { error: (await table.ttl(hashKey, 's', o)).exists ? 0 : 1 };
    case 'exist':
      return { error: (await table.exist(hashKey, 's', o)) ? 0 : 1 };
    case 'sortKeyCount':
      return { error: (await table.sortKeyCount(hashKey, o)) > 0 ? 0 : 1 };
    case 'incr':
      return { error: 0, new_value: await table.incr(hashKey, 'n', 1, o) };
    case 'checkAndSet': {
      const r = await table.checkAndSet(hashKey, 'c', 'valueNotExist', '', 'c', String(value), o);
      return { error: r.setSucceed ? 0 : 13 };
    }
  }
}
