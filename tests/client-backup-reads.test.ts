// Backup requests of the real client (public API + Node driver) against the onebox over TCP: the
// primary of one partition hangs for good, failure detection takes 3 s, and reads of that partition
// go on at a steady rate. With backupRequestDelayMs 20 they are served by a secondary (p99 <= 100
// ms); without it they wait for the promotion. The figures are printed.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { PegasusArgumentError, PegasusClient, type Table } from '../client/index.ts';
import { partitionHash, partitionIndex } from '../core/routing/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';

const TABLE = 't';
const DETECT_MS = 3000;
/** reads go on this long after the hang starts (well before detection) */
const READ_FOR_MS = 2000;
const READ_EVERY_MS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const open: Array<{ box: Onebox; client: PegasusClient }> = [];
after(async () => {
  for (const { box, client } of open) {
    await client.close();
    await box.close();
  }
});

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** hash keys whose record 's' lives in `partition` */
function keysIn(partition: number, count: number, partitionCount: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const k = `key${i}`;
    if (partitionIndex(partitionHash(Buffer.from(k), Buffer.from('s')), partitionCount) === partition)
      out.push(k);
  }
  return out;
}

interface Run {
  latenciesMs: number[];
  failed: string[];
  wrongValues: number;
  served: number;
  secondariesConnected: string[];
  promotedAfterMs: number | null;
}

/** hang partition 0's primary, read its keys every 10 ms for 2 s; what the reads saw */
async function hangAndRead(
  backupRequestDelayMs: number | undefined,
  throttleOneSecondary = false,
): Promise<Run & { startsMs: number[]; dropped: number }> {
  const box = await startTcpOnebox({
    replicas: 3,
    tables: [{ name: TABLE, partitionCount: 4 }],
    detectMs: DETECT_MS,
  });
  const connects: Array<{ address: string; atMs: number }> = [];
  const client = await PegasusClient.connect({
    metaServers: [...box.metas],
    timeoutMs: 6000,
    trace: (r) => {
      if (r.type === 'out' && (r.cmd as { type?: string }).type === 'connect')
        connects.push({ address: (r.cmd as { address: string }).address, atMs: performance.now() });
    },
  });
  open.push({ box, client });
  const table: Table = await client.openTable(
    TABLE,
    backupRequestDelayMs === undefined ? {} : { backupRequestDelayMs },
  );
  const keys = keysIn(0, 8, table.partitionCount);
  for (const k of keys) await table.set(k, 's', `v-${k}`);
  for (const k of keys) assert.equal((await table.get(k, 's'))?.toString(), `v-${k}`);
  await sleep(200); // the secondaries apply the last commit
  const cfg = box.cluster.model.partition(table.appId, 0)!;
  const primary = cfg.primary;
  const secondaries = [...cfg.secondaries];
  if (throttleOneSecondary) assert.ok(box.fault({ node: secondaries[0]!, kind: 'throttle-backup' }).ok);
  const hungAt = performance.now();
  assert.ok(box.fault({ node: primary, kind: 'hang' }).ok);
  const reads: Array<Promise<{ ms: number; ok: boolean; value: string | null; error?: string }>> = [];
  const startsMs: number[] = [];
  for (let i = 0; performance.now() - hungAt < READ_FOR_MS; i++) {
    const k = keys[i % keys.length]!;
    const start = performance.now();
    startsMs.push(start - hungAt);
    reads.push(
      table.get(k, 's').then(
        (v) => ({ ms: performance.now() - start, ok: true, value: v === null ? null : v.toString(), k }),
        (e: Error) => ({
          ms: performance.now() - start,
          ok: false,
          value: null,
          error: `${e.name}: ${e.message}`,
        }),
      ),
    );
    await sleep(READ_EVERY_MS);
  }
  const results = await Promise.all(reads);
  const promotion = box.cluster.model.history.find(
    (h) =>
      h.appId === table.appId &&
      h.partitionIndex === 0 &&
      h.config.primary !== '' &&
      h.config.primary !== primary,
  );
  const state = box.state();
  const served = secondaries.reduce(
    (n, s) => n + (state.replicas.find((r) => r.address === s)?.backupRequests.served ?? 0),
    0,
  );
  return {
    startsMs,
    dropped: state.replicas.find((r) => r.address === secondaries[0])?.backupRequests.dropped ?? 0,
    latenciesMs: results.map((r) => r.ms).sort((a, b) => a - b),
    failed: results.filter((r) => !r.ok).map((r) => r.error ?? ''),
    wrongValues: results.filter((r) => r.ok && r.value !== null && !r.value.startsWith('v-')).length,
    served,
    // before the promotion (after it, the new primary is one of them)
    secondariesConnected: secondaries.filter((s) =>
      connects.some(
        (c) => c.address === s && c.atMs < hungAt + (promotion?.atMs ?? Number.POSITIVE_INFINITY) - hungAt,
      ),
    ),
    promotedAfterMs: promotion === undefined ? null : promotion.atMs - hungAt,
  };
}

function report(label: string, r: Run): string {
  const l = r.latenciesMs;
  return (
    `${label}: ${l.length} reads, p50 ${quantile(l, 0.5).toFixed(1)} ms, p99 ${quantile(l, 0.99).toFixed(1)} ms, ` +
    `max ${l.at(-1)?.toFixed(1)} ms, failed ${r.failed.length}, served by secondaries ${r.served}, ` +
    `promotion ${r.promotedAfterMs === null ? '-' : `${(r.promotedAfterMs / 1000).toFixed(2)} s`} after the hang`
  );
}

describe('backup requests over TCP (onebox): a hung primary, failure detection 3 s', {
  timeout: 60_000,
}, () => {
  it('with backupRequestDelayMs 20, reads of the hung partition are served by secondaries: p99 <= 100 ms', async () => {
    const r = await hangAndRead(20);
    console.log(`  ${report('backupRequestDelayMs 20', r)}`);
    assert.deepEqual(r.failed, []);
    assert.equal(r.wrongValues, 0);
    assert.ok(quantile(r.latenciesMs, 0.99) <= 100, `p99 ${quantile(r.latenciesMs, 0.99)} ms`);
    assert.ok(r.served >= r.latenciesMs.length * 0.9, `${r.served} backup reads served`);
    assert.ok(r.secondariesConnected.length > 0);
    assert.ok(
      r.promotedAfterMs === null || r.promotedAfterMs > READ_FOR_MS,
      'the reads ended before detection',
    );
  });

  it('without it, the same reads wait for the promotion; no connection to a secondary is opened', async () => {
    const r = await hangAndRead(undefined);
    console.log(`  ${report('no backup requests', r)}`);
    assert.deepEqual(r.failed, []);
    assert.ok(
      quantile(r.latenciesMs, 0.5) >= 1000,
      `p50 ${quantile(r.latenciesMs, 0.5)} ms: reads did not wait`,
    );
    assert.equal(r.served, 0);
    assert.deepEqual(r.secondariesConnected, [], 'no connection to a secondary before the promotion');
    assert.ok(r.promotedAfterMs !== null && r.promotedAfterMs >= DETECT_MS * 0.8, 'promoted by detection');
    assert.ok(
      quantile(r.latenciesMs, 0.99) >= r.promotedAfterMs - READ_FOR_MS,
      'the last reads waited for it',
    );
  });

  it('one secondary throttling backups: its backups are given up at the attempt timeout, later reads go to the other', async () => {
    const r = await hangAndRead(20, true);
    console.log(`  ${report('backupRequestDelayMs 20, one secondary throttling', r)}, dropped ${r.dropped}`);
    assert.deepEqual(r.failed, [], 'no read waits for its deadline');
    assert.ok(r.dropped >= 1, 'the throttling secondary dropped backups');
    // once the first backup to it timed out (20 + 400 ms), it is suspect and the other one is chosen
    assert.ok(r.dropped <= 40, `${r.dropped} backups dropped: the throttler kept being chosen`);
  });

  it('every hedged read kind (batchGet too) is served by a secondary during the hang; a write is not', async () => {
    const box = await startTcpOnebox({
      replicas: 3,
      tables: [{ name: TABLE, partitionCount: 4 }],
      detectMs: DETECT_MS,
    });
    const client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 2000 });
    open.push({ box, client });
    const table = await client.openTable(TABLE, { backupRequestDelayMs: 20 });
    const [k] = keysIn(0, 1, table.partitionCount);
    await table.set(k!, 's', 'v', { ttlSeconds: 3600 });
    await table.set(k!, 't', 'w');
    await sleep(200);
    const primary = box.cluster.model.partition(table.appId, 0)!.primary;
    assert.ok(box.fault({ node: primary, kind: 'hang' }).ok);
    const start = performance.now();
    const [get, multi, ttl, exist, count, batch] = await Promise.all([
      table.get(k!, 's'),
      table.multiGet(k!, ['s', 't']),
      table.ttl(k!, 's'),
      table.exist(k!, 't'),
      table.sortKeyCount(k!),
      table.batchGet([
        [k!, 't'],
        [k!, 's'],
        [k!, 'absent'],
      ]),
    ]);
    const tookMs = performance.now() - start;
    assert.equal(get?.toString(), 'v');
    assert.deepEqual(
      multi.entries.map((e) => [e.sortKey.toString(), e.value.toString()]),
      [
        ['s', 'v'],
        ['t', 'w'],
      ],
    );
    assert.ok(ttl.exists && ttl.ttlSeconds !== null && ttl.ttlSeconds > 3500);
    assert.equal(exist, true);
    assert.equal(count, 2);
    assert.deepEqual(
      batch.map((v) => v?.toString() ?? null),
      ['w', 'v', null],
    );
    assert.ok(tookMs < 500, `six reads took ${tookMs} ms`);
    // the per-read override turns the backup off: batchGet then waits on the hung primary
    await assert.rejects(
      table.batchGet([[k!, 's']], { backupRequestDelayMs: false, timeoutMs: 300 }),
      (e: Error) => e.name === 'PegasusTimeoutError',
    );
    // a write goes to the primary only: it waits (here, for its deadline)
    await assert.rejects(
      table.set(k!, 'u', 'x', { timeoutMs: 300 }),
      (e: Error) => e.name === 'PegasusOutcomeUnknownError' || e.name === 'PegasusTimeoutError',
    );
  });

  it('header v0 cannot carry the flag: asking for backups is an argument error before anything is sent', async () => {
    // the constructor, not connect: connect would ask this unreachable meta first
    const client = new PegasusClient({ metaServers: ['127.0.0.1:1'], headerVersion: 0 });
    try {
      await assert.rejects(client.openTable(TABLE, { backupRequestDelayMs: 20 }), PegasusArgumentError);
      await assert.rejects(client.openTable(TABLE, { backupReadsOnSuspect: true }), PegasusArgumentError);
      await assert.rejects(client.openTable(TABLE, { backupRequestDelayMs: -1 }), PegasusArgumentError);
    } finally {
      await client.close();
    }
  });
});
