// The client over TCP while the topology changes under a steady workload (3 metas, 4 replicas):
// a split 4 -> 8, and a drop + recreate of the table. Figures (delays in ms) go to stdout with
// `TOPOLOGY_FIGURES=1`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusClient, PegasusTableNotFoundError, type Table } from '../client/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';

const TUNING = { detectMs: 2000, splitMs: 400, splitSwitchMs: 20, metas: 3 };
const LAYOUT = { replicas: 4, tables: [{ name: 'temp', partitionCount: 4 }] };
const POLL_CAP_MS = 200;
/** timer and event-loop lag on a loaded 2-core machine (measured delays sit far below the bounds) */
const SLACK_MS = 150;
const KEYS = 64;
const figures = process.env.TOPOLOGY_FIGURES === '1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tally {
  ok: number;
  /** settle times of successful calls, ms since the workload started */
  okAt: number[];
  /** atMs: when it settled, since the workload started; tookMs: how long it ran */
  failed: Array<{ op: string; key: number; error: unknown; atMs: number; tookMs: number }>;
}

/**
 * Mixed get / set / incr on KEYS keys, `workers` calls at a time, until `stop()`. Every acknowledged
 * set is remembered (the last acked value of a key), every acknowledged incr counted per key.
 */
function workload(t: () => Table, workers: number) {
  const tally: Tally = { ok: 0, okAt: [], failed: [] };
  const acked = new Map<number, string>();
  const counters = new Map<number, bigint>();
  let running = true;
  let seq = 0;
  const t0 = performance.now();
  const one = async (w: number) => {
    while (running) {
      const n = seq++;
      const key = (n * 7 + w) % KEYS;
      const op = n % 3 === 0 ? 'set' : n % 3 === 1 ? 'get' : 'incr';
      const startMs = performance.now();
      try {
        if (op === 'set') {
          const v = `v${n}`;
          await t().set(`k${key}`, 's', v);
          acked.set(key, v);
        } else if (op === 'get') {
          await t().get(`k${key}`, 's');
        } else {
          await t().incr(`k${key}`, 'n', 1);
          counters.set(key, (counters.get(key) ?? 0n) + 1n);
        }
        tally.ok++;
        tally.okAt.push(performance.now() - t0);
      } catch (error) {
        const now = performance.now();
        tally.failed.push({ op, key, error, atMs: now - t0, tookMs: now - startMs });
        await sleep(5);
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => one(w)));
  return {
    t0,
    tally,
    acked,
    counters,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function withBox(body: (box: Onebox, client: PegasusClient) => Promise<void>) {
  const box = await startTcpOnebox({ ...TUNING, ...LAYOUT });
  const client = await PegasusClient.connect({
    metaServers: [...box.metas],
    timeoutMs: 3000,
    pollCapMs: POLL_CAP_MS,
  });
  try {
    await body(box, client);
  } finally {
    await client.close();
    await box.close();
  }
}

describe('client over TCP while the topology changes', () => {
  it('split 4 -> 8 under a mixed workload: 0 failed, 0 lost acked writes, every key readable, routing shows 8 within the poll cap', () =>
    withBox(async (box, client) => {
      const table = await client.openTable('temp');
      let countAtMs: number | null = null;
      let counted = 4;
      client.on('routing', (e) => {
        if (e.table === 'temp' && e.partitionCount === 8 && countAtMs === null) countAtMs = performance.now();
        if (e.table === 'temp') counted = e.partitionCount;
      });
      const w = workload(() => table, 8);
      await sleep(150);
      const started = box.split({ table: 'temp' });
      assert.equal(started.ok, true, JSON.stringify(started));
      // wait until every child registered
      const state = () => box.state().tables.find((x) => x.name === 'temp')!;
      const deadline = performance.now() + 10_000;
      let firstRegisteredAtMs: number | null = null;
      while (state().partitions.some((p) => Number(p.ballot) < 0) || state().partitions.length < 8) {
        assert.ok(performance.now() < deadline, 'children never registered');
        if (
          firstRegisteredAtMs === null &&
          state()
            .partitions.slice(4)
            .some((p) => Number(p.ballot) >= 0)
        )
          firstRegisteredAtMs = performance.now();
        await sleep(2);
      }
      const registeredAtMs = performance.now();
      firstRegisteredAtMs ??= registeredAtMs;
      await sleep(POLL_CAP_MS + 300);
      await w.stop();
      assert.deepEqual(
        w.tally.failed.map((f) => `${f.op} k${f.key}: ${String(f.error)}`),
        [],
        'no call failed',
      );
      assert.ok(w.tally.ok > 100, `only ${w.tally.ok} calls ran`);
      assert.equal(counted, 8);
      assert.notEqual(countAtMs, null, 'routing never showed 8');
      // the first registered child makes the parent answer ERR_PARENT_PARTITION_MISUSED
      const delayMs = countAtMs! - firstRegisteredAtMs;
      assert.ok(
        delayMs <= POLL_CAP_MS + SLACK_MS,
        `routing showed 8 ${delayMs.toFixed(0)} ms after the children registered`,
      );
      for (const [key, v] of w.acked)
        assert.equal((await table.get(`k${key}`, 's'))?.toString(), v, `k${key}`);
      for (const [key, n] of w.counters) {
        const stored = await table.get(`k${key}`, 'n');
        assert.equal(BigInt(stored?.toString() ?? '0'), n, `counter k${key}`);
      }
      if (figures) {
        console.log(
          `split: ${w.tally.ok} calls ok, 0 failed; routing showed 8 partitions ${delayMs.toFixed(1)} ms after the first child registered (all registered ${(registeredAtMs - firstRegisteredAtMs).toFixed(0)} ms later)`,
        );
      }
    }));
});

describe('client over TCP: drop and recreate under load', () => {
  it('calls in the gap fail fast with PegasusTableNotFoundError; afterwards the same Table works on the new table', () =>
    withBox(async (box, client) => {
      const table = await client.openTable('temp');
      const w = workload(() => table, 8);
      await sleep(150);
      assert.equal(w.tally.failed.length, 0, 'no failure before the drop');
      const dropped = box.table({ name: 'temp', action: 'drop' });
      assert.equal(dropped.ok, true, JSON.stringify(dropped));
      const droppedAtMs = performance.now() - w.t0;
      await sleep(400);
      const created = box.table({ name: 'temp', action: 'create', partitions: 4, replicas: 3 });
      assert.equal(created.ok, true, JSON.stringify(created));
      const createdAtMs = performance.now() - w.t0;
      await sleep(600);
      await w.stop();
      const gap = w.tally.failed;
      assert.ok(gap.length > 10, `only ${gap.length} calls failed in the gap`);
      for (const f of gap) {
        assert.ok(f.error instanceof PegasusTableNotFoundError, `${f.op}: ${String(f.error)}`);
        assert.match(String(f.error), /table does not exist/);
        assert.ok(
          f.atMs >= droppedAtMs && f.atMs <= createdAtMs + POLL_CAP_MS + SLACK_MS,
          `failed at ${f.atMs}`,
        );
      }
      // The first calls learn of the drop from their replica's ERR_OBJECT_NOT_FOUND, which is also
      // what a stale route gets, so meta is asked on the rate-limited refresh schedule (within the
      // poll cap); once meta said the table is gone, a call fails within a meta round trip at most.
      const verdictAtMs = Math.min(...gap.map((f) => f.atMs));
      const detectMs = verdictAtMs - droppedAtMs;
      assert.ok(detectMs <= POLL_CAP_MS + SLACK_MS, `the drop was seen ${detectMs.toFixed(0)} ms after it`);
      const later = gap.filter((f) => f.atMs - f.tookMs > verdictAtMs + 1);
      assert.ok(later.length > 10, `${later.length} calls started after the verdict`);
      const slowestFailMs = Math.max(...later.map((f) => f.tookMs));
      assert.ok(slowestFailMs < SLACK_MS, `a gap call took ${slowestFailMs.toFixed(1)} ms to fail`);
      const firstOkAfterMs = w.tally.okAt.find((t) => t > createdAtMs)! - createdAtMs;
      assert.ok(
        firstOkAfterMs <= POLL_CAP_MS + 100,
        `first success ${firstOkAfterMs.toFixed(0)} ms after recreate`,
      );
      const lastFailAfterMs = Math.max(...gap.map((f) => f.atMs)) - createdAtMs;
      // the same Table object, never reopened, on the new table
      assert.equal(await table.get('k1', 'absent'), null);
      await table.set('after', 's', 'new');
      assert.equal((await table.get('after', 's'))?.toString(), 'new');
      if (figures) {
        const meanFailMs = later.reduce((a, f) => a + f.tookMs, 0) / later.length;
        console.log(
          `drop+recreate: first failure ${detectMs.toFixed(1)} ms after the drop; ${later.length} calls started later failed with PegasusTableNotFoundError in mean ${meanFailMs.toFixed(2)} ms, slowest ${slowestFailMs.toFixed(2)} ms; ` +
            `first success ${firstOkAfterMs.toFixed(1)} ms after the recreate, last failure ${lastFailAfterMs.toFixed(1)} ms after it; ${w.tally.ok} calls ok`,
        );
      }
    }));
});
