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

/** the values multiGet reads: MULTI_GET_SORT_KEYS entries under every hash key */
export async function fillMultiGet(table: Table, keys: readonly BenchKey[], value: Buffer): Promise<void> {
  const entries = MULTI_SORT_KEYS.map((s) => [s, value] as const);
  const depth = 64;
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const k = keys[next++]!;
      await table.multiSet(k.hashKey, entries);
    }
  };
  await Promise.all(Array.from({ length: depth }, worker));
}
