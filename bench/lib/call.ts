// One benchmark call through the client, the same for every loop (closed, open-loop, memory), and
// the guard's planted slowdown: PEGASUS_BENCH_PLANT_US=N burns N µs of CPU before each client call,
// standing in for a client hot path made slower (the floor is never slowed). Test-only: it exists
// to prove that tests/bench-guard.test.ts fails on a real regression; unset, it costs one branch.
import { performance } from 'node:perf_hooks';
import type { CallOptions, Table } from '../../client/index.ts';
import { type BenchKey, type BenchOp, MULTI_SORT_KEYS } from './keys.ts';

function plantedUs(): number {
  const raw = process.env.PEGASUS_BENCH_PLANT_US;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`PEGASUS_BENCH_PLANT_US must be a number >= 0, got ${raw}`);
  return n;
}

/** µs of busy loop added to every client call (0 unless PEGASUS_BENCH_PLANT_US is set) */
let planted = plantedUs();

/** sets the planted slowdown (µs per client call) for this process, e.g. from `bench:guard --plant-us` */
export function plantSlowdown(us: number): void {
  planted = us;
}

export function plantedSlowdownUs(): number {
  return planted;
}

function burn(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) {
    // busy: CPU charged to the client's phase, as a slower hot path would be
  }
}

const SORT_KEYS = [...MULTI_SORT_KEYS];

export function clientCall(
  table: Table,
  op: BenchOp,
  k: BenchKey,
  value: Buffer,
  opts?: CallOptions,
): Promise<unknown> {
  if (planted > 0) burn(planted);
  if (op === 'get') return table.get(k.hashKey, k.sortKey, opts);
  if (op === 'set') return table.set(k.hashKey, k.sortKey, value, opts);
  return table.multiGet(k.hashKey, SORT_KEYS, opts);
}

const FILL_DEPTH = 64;

async function forEachKey(keys: readonly BenchKey[], f: (k: BenchKey) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await f(keys[next++]!);
  };
  await Promise.all(Array.from({ length: FILL_DEPTH }, worker));
}

/**
 * Every key's value (get reads it) and, with multiGet, MULTI_GET_SORT_KEYS entries under every hash
 * key: written once before anything is measured, so no read measures a miss whatever the load.
 */
export async function fillData(
  table: Table,
  keys: readonly BenchKey[],
  value: Buffer,
  multiGet: boolean,
): Promise<void> {
  await forEachKey(keys, (k) => table.set(k.hashKey, k.sortKey, value));
  const entries = MULTI_SORT_KEYS.map((s) => [s, value] as const);
  if (multiGet) await forEachKey(keys, (k) => table.multiSet(k.hashKey, entries));
}

/**
 * The data the measured reads rely on is there: a get finds its value and a multiGet its
 * MULTI_GET_SORT_KEYS entries (first, middle and last key), else the reads would measure misses.
 */
export async function checkData(
  table: Table,
  keys: readonly BenchKey[],
  ops: readonly BenchOp[],
): Promise<void> {
  for (const k of [keys[0]!, keys[keys.length >> 1]!, keys[keys.length - 1]!]) {
    if (ops.includes('get') && (await table.get(k.hashKey, k.sortKey)) === null)
      throw new Error(`bench data: get found no value for ${k.hashKey.toString()}`);
    if (ops.includes('multiGet')) {
      const n = (await table.multiGet(k.hashKey, SORT_KEYS)).entries.length;
      if (n !== SORT_KEYS.length)
        throw new Error(
          `bench data: multiGet found ${n} of ${SORT_KEYS.length} entries for ${k.hashKey.toString()}`,
        );
    }
  }
}
