// Scans through the public API against a TCP onebox: hash scans with their options, scanAll and
// unorderedScanners, leaving early (break, abort, client.close()) without leaving a context on any
// replica, bad arguments refused before anything is sent, and thousands of records read exactly once
// by unorderedScanners(4) while primaries crash and hang.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClient,
  PegasusClientClosedError,
  type PegasusScanner,
  type Table,
} from '../client/index.ts';
import { RequestDecoder } from '../core/wire/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';
import { captureWarnings } from './helpers/capture-warnings.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (b: Buffer) => b.toString();

async function all(scanner: PegasusScanner): Promise<string[]> {
  const out: string[] = [];
  for await (const r of scanner) out.push(`${text(r.hashKey)}/${text(r.sortKey)}=${text(r.value)}`);
  return out;
}

/** scanner contexts open on every replica of the table */
function openContexts(box: Onebox, appId: number, partitions: number): number {
  let n = 0;
  for (const address of box.replicas)
    for (let p = 0; p < partitions; p++)
      n += box.cluster.replica(address)?.store(appId, p)?.openScanners ?? 0;
  return n;
}

describe('scans over TCP', () => {
  let box: Onebox;
  let client: PegasusClient;
  let t: Table;
  before(async () => {
    box = await startTcpOnebox({ replicas: 3, tables: [{ name: 'scan', partitionCount: 4 }] });
    client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 3000 });
    t = await client.openTable('scan');
    for (let h = 0; h < 10; h++) {
      await t.multiSet(
        `h${h}`,
        Array.from({ length: 20 }, (_, s) => [`s${String(s).padStart(2, '0')}`, `v${h}.${s}`] as const),
      );
    }
  });
  after(async () => {
    await client.close();
    await box.close();
  });

  it('scan(hashKey): sort-key order, range bounds, filter, noValue, returnExpireTs', async () => {
    const keys = (await all(t.scan('h3', { batchSize: 3 }))).map((r) => r.split('=')[0]);
    assert.deepEqual(
      keys,
      Array.from({ length: 20 }, (_, s) => `h3/s${String(s).padStart(2, '0')}`),
    );
    const range = await all(t.scan('h3', { startSortKey: 's05', stopSortKey: 's08', batchSize: 2 }));
    assert.deepEqual(range, ['h3/s05=v3.5', 'h3/s06=v3.6', 'h3/s07=v3.7']);
    const open = await all(
      t.scan('h3', { startSortKey: 's05', stopSortKey: 's08', startInclusive: false, stopInclusive: true }),
    );
    assert.deepEqual(open, ['h3/s06=v3.6', 'h3/s07=v3.7', 'h3/s08=v3.8']);
    const filtered = await all(t.scan('h3', { sortKeyFilter: { type: 'postfix', pattern: '1' } }));
    assert.deepEqual(filtered, ['h3/s01=v3.1', 'h3/s11=v3.11']);
    for await (const r of t.scan('h3', { noValue: true, returnExpireTs: true, batchSize: 50 })) {
      assert.equal(r.value.length, 0);
      assert.equal(r.expireTs, 0);
    }
    assert.deepEqual(await all(t.scan('nobody')), []);
  });

  it('scanAll and unorderedScanners read every record once', async () => {
    const everything = await all(t.scanAll({ batchSize: 7 }));
    assert.equal(everything.length, 200);
    assert.equal(new Set(everything).size, 200);
    const scanners = t.unorderedScanners(3, { batchSize: 5 });
    assert.equal(scanners.length, 3);
    const parts = await Promise.all(scanners.map(all));
    assert.deepEqual(parts.flat().sort(), everything.sort());
    // more scanners than partitions: one per partition
    assert.equal(t.unorderedScanners(64).length, 4);
    const filtered = await all(t.scanAll({ hashKeyFilter: { type: 'prefix', pattern: 'h1' } }));
    assert.equal(filtered.length, 20);
  });

  it('break, return(), an aborted signal and client.close() leave no context on any replica', async () => {
    for await (const _ of t.scanAll({ batchSize: 2 })) break;
    const s = t.scan('h2', { batchSize: 2 });
    await s.next();
    await s.return();
    assert.deepEqual(await s.next(), { done: true, value: undefined });
    const ac = new AbortController();
    const aborted = t.scanAll({ batchSize: 2, signal: ac.signal });
    await aborted.next();
    ac.abort(new Error('enough'));
    await assert.rejects(async () => {
      for (;;) if ((await aborted.next()).done) break;
    }, PegasusAbortError);
    // the clears are one-way: give them a moment to arrive
    await sleep(100);
    assert.equal(openContexts(box, t.appId, 4), 0);

    const other = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 3000 });
    const ot = await other.openTable('scan');
    const mid = ot.scanAll({ batchSize: 2 });
    await mid.next();
    await other.close();
    await assert.rejects(async () => {
      for (;;) if ((await mid.next()).done) break;
    }, PegasusClientClosedError);
    await sleep(100);
    assert.equal(openContexts(box, t.appId, 4), 0);
  });

  it('one signal shared by 15 scanners: one listener, all closed by one abort, no context left', async () => {
    const ac = new AbortController();
    const { warnings } = await captureWarnings(async () => {
      const scanners = Array.from({ length: 15 }, (_, i) =>
        t.scan(`h${i % 10}`, { batchSize: 2, signal: ac.signal }),
      );
      for (const s of scanners) await s.next();
      ac.abort();
      for (const s of scanners)
        await assert.rejects(async () => {
          for (;;) if ((await s.next()).done) break;
        }, PegasusAbortError);
    });
    assert.deepEqual(warnings.map(String), []);
    await sleep(100);
    assert.equal(openContexts(box, t.appId, 4), 0);
  });

  it('bad arguments are refused before anything is sent', () => {
    assert.throws(() => t.scan(''), PegasusArgumentError);
    assert.throws(() => t.scan('h', { batchSize: 0 }), PegasusArgumentError);
    assert.throws(() => t.scan('h', { bogus: 1 } as never), PegasusArgumentError);
    assert.throws(() => t.scan('h', { sortKeyFilter: { type: 'regex', pattern: 'x' } } as never), TypeError);
    assert.throws(
      () => t.scan('h', { hashKeyFilter: { type: 'prefix', pattern: 'x' } }),
      PegasusArgumentError,
    );
    assert.throws(() => t.scanAll({ startSortKey: 'a' }), PegasusArgumentError);
    assert.throws(() => t.scanAll({ timeoutMs: -1 }), PegasusArgumentError);
    assert.throws(() => t.unorderedScanners(0), PegasusArgumentError);
    assert.throws(() => t.unorderedScanners(1.5), PegasusArgumentError);
  });
});

describe('unorderedScanners(4) over TCP while primaries crash and hang', () => {
  it('reads 3000 records exactly once, with no error', { timeout: 120_000 }, async () => {
    const box = await startTcpOnebox({
      replicas: 4,
      tables: [{ name: 'big', partitionCount: 8 }],
      detectMs: 600,
    });
    // get_scanner requests, read from the client's trace: more than one per partition means resumes
    let opens = 0;
    const client = await PegasusClient.connect({
      metaServers: [...box.metas],
      timeoutMs: 5000,
      trace: (r) => {
        if (r.type !== 'out' || r.cmd === null || typeof r.cmd !== 'object') return;
        const cmd = r.cmd as { type?: string; bytes?: { $hex?: string } };
        if (cmd.type !== 'send' || cmd.bytes?.$hex === undefined) return;
        for (const f of new RequestDecoder().push(Buffer.from(cmd.bytes.$hex, 'hex')).frames)
          if (f.name === 'RPC_RRDB_RRDB_GET_SCANNER') opens++;
      },
    });
    try {
      const t = await client.openTable('big');
      const expected = new Set<string>();
      for (let h = 0; h < 100; h++) {
        const entries = Array.from({ length: 30 }, (_, s) => [`s${s}`, `v${h}.${s}`] as const);
        await t.multiSet(`user${h}`, entries);
        for (const [s, v] of entries) expected.add(`user${h}/${s}=${v}`);
      }
      const primaries = [...new Set(box.cluster.model.liveTable('big')!.partitions.map((p) => p.primary))];
      const faults = (async () => {
        await sleep(150);
        box.fault({ node: primaries[0]!, kind: 'crash', ms: 1500 });
        await sleep(700);
        box.fault({ node: primaries[1]!, kind: 'hang', ms: 1500 });
        await sleep(900);
        box.fault({ node: primaries[2]!, kind: 'coredump', ms: 400 });
      })();
      const seen: string[] = [];
      const started = performance.now();
      await Promise.all(
        t.unorderedScanners(4, { batchSize: 40 }).map(async (s) => {
          for await (const r of s) {
            seen.push(`${text(r.hashKey)}/${text(r.sortKey)}=${text(r.value)}`);
            // a consumer that takes its time, so the faults land in the middle of the scans
            if (seen.length % 40 === 0) await sleep(30);
          }
        }),
      );
      const tookMs = performance.now() - started;
      await faults;
      const distinct = new Set(seen);
      console.log(
        `  ${seen.length} records yielded, ${distinct.size} distinct, ${expected.size} expected, in ${tookMs.toFixed(0)} ms`,
      );
      assert.ok(tookMs > 1750, `every fault landed while the scans ran (${tookMs.toFixed(0)} ms)`);
      console.log(`  ${opens} get_scanner requests for 8 partitions`);
      assert.ok(opens > 8, 'the faults made scanners resume');
      assert.equal(seen.length, expected.size, 'no record twice');
      assert.deepEqual([...distinct].sort(), [...expected].sort(), 'every record');
    } finally {
      await client.close();
      await box.close();
    }
  });
});

describe('scans over TCP across a partition split', () => {
  it('unorderedScanners(3) and scanAll read 2000 records exactly once while the table splits 4 -> 8', {
    timeout: 120_000,
  }, async () => {
    const box = await startTcpOnebox({
      replicas: 3,
      tables: [{ name: 'grow', partitionCount: 4 }],
      splitMs: 300,
      splitSwitchMs: 40,
    });
    const client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 5000 });
    try {
      const t = await client.openTable('grow');
      const expected: string[] = [];
      for (let h = 0; h < 100; h++) {
        const entries = Array.from({ length: 20 }, (_, s) => [`s${s}`, `v${h}.${s}`] as const);
        await t.multiSet(`g${h}`, entries);
        for (const [s, v] of entries) expected.push(`g${h}/${s}=${v}`);
      }
      const read = async (s: PegasusScanner, into: string[]) => {
        for await (const r of s) {
          into.push(`${text(r.hashKey)}/${text(r.sortKey)}=${text(r.value)}`);
          // slow enough that the split (start at once, children registered from 300 ms) lands mid-scan
          if (into.length % 10 === 0) await sleep(5);
        }
      };
      const parallel: string[] = [];
      const serial: string[] = [];
      const started = performance.now();
      const scans = Promise.all([
        ...t.unorderedScanners(3, { batchSize: 10 }).map((s) => read(s, parallel)),
        read(t.scanAll({ batchSize: 10 }), serial),
      ]);
      assert.equal(box.split({ table: 'grow' }).ok, true);
      await scans;
      const tookMs = performance.now() - started;
      const count = box.cluster.model.liveTable('grow')!.partitionCount;
      console.log(
        `  split to ${count} partitions; ${parallel.length} + ${serial.length} records in ${tookMs.toFixed(0)} ms`,
      );
      assert.equal(count, 8, 'the table split');
      assert.ok(tookMs > 400, `the scans ran past the children's registration (${tookMs.toFixed(0)} ms)`);
      for (const got of [parallel, serial]) {
        assert.equal(got.length, expected.length, 'no record twice');
        assert.deepEqual([...got].sort(), [...expected].sort(), 'every record');
      }
    } finally {
      await client.close();
      await box.close();
    }
  });
});
