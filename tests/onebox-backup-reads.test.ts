// Backup requests (reads with header v1 is_backup_request) in the onebox, as the real replica's
// on_client_read treats them: any member serves them from what it applied (a secondary may be
// behind the primary, or ahead of its commit while a write is in flight); without
// the flag a secondary answers ERR_INVALID_STATE; the flag does nothing for writes; a node told to
// throttle them drops them without a reply. GET /state counts them per node.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimOnebox } from '../onebox/index.ts';
import { keyHeader, keysWhere, NodeCalls } from './helpers/onebox-calls.ts';
import { type Driver, simDriver, tcpDriver } from './helpers/onebox-drivers.ts';
import {
  bytes,
  multiGetRequest,
  querySim,
  routeIn,
  scannerRequest,
  text,
} from './helpers/onebox-fixtures.ts';
import { fullKey, SimRawClient, TcpRawClient } from './helpers/onebox-raw-client.ts';

const TUNING = { detectMs: 600, beaconMs: 100, promoteDelayMs: 50, learnMs: 20, prepareTimeoutMs: 300 };
const LAYOUT = { replicas: 4, tables: [{ name: 'temp', partitionCount: 4 }] };

const networks: Array<[string, (seed: number) => Promise<Driver>]> = [
  ['sim', async (seed) => simDriver({ seed, ...TUNING, ...LAYOUT })],
  ['tcp', async () => tcpDriver({ ...TUNING, ...LAYOUT })],
];

async function withCalls(make: () => Promise<Driver>, body: (d: Driver, c: NodeCalls) => Promise<void>) {
  const d = await make();
  const c = new NodeCalls(d);
  try {
    await body(d, c);
  } finally {
    c.close();
    await d.close();
  }
}

const counts = (d: Driver, node: string) =>
  d.state().replicas.find((r) => r.address === node)!.backupRequests;

/** A key of partition 0, its configuration, and headers with and without the backup flag. */
async function setup(d: Driver, c: NodeCalls) {
  const cfg = await d.query('temp');
  const [k] = keysWhere(cfg.partition_count, (i) => i === 0, 1);
  const p = cfg.partitions[0]!;
  const plain = keyHeader(cfg.app_id, k!, 0);
  const backup = keyHeader(cfg.app_id, k!, 0, { is_backup_request: true });
  for (const [sort, value] of [
    ['a', '1'],
    ['b', '2'],
  ]) {
    const r = await c.error(
      p.primary,
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey(k!, sort!), value: bytes(value!), expire_ts_seconds: 0 },
      plain,
    );
    assert.equal(r, 'ERR_OK');
  }
  return { cfg, k: k!, p, plain, backup };
}

for (const [name, make] of networks) {
  describe(`onebox backup requests on the ${name} network`, () => {
    it('a secondary serves every read kind with the flag, refuses them without it; the primary serves flagged reads too; all counted', () =>
      withCalls(
        () => make(61),
        async (d, c) => {
          const { k, p, plain, backup } = await setup(d, c);
          const sec = p.secondaries[0]!;
          const get = await c.call(sec, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), backup);
          assert.equal(get.kind === 'reply' && text(get.result!.value), '1');
          assert.equal(get.kind === 'reply' && get.result!.server, sec);
          const mg = await c.call(sec, 'RPC_RRDB_RRDB_MULTI_GET', multiGetRequest(k), backup);
          assert.deepEqual(mg.kind === 'reply' && mg.result!.kvs.map((kv) => text(kv.value)), ['1', '2']);
          const bg = await c.call(
            sec,
            'RPC_RRDB_RRDB_BATCH_GET',
            { keys: [{ hash_key: bytes(k), sort_key: bytes('b') }] },
            backup,
          );
          assert.deepEqual(bg.kind === 'reply' && bg.result!.data.map((x) => text(x.value)), ['2']);
          const ttl = await c.call(sec, 'RPC_RRDB_RRDB_TTL', fullKey(k, 'a'), backup);
          assert.equal(ttl.kind === 'reply' && ttl.result!.ttl_seconds, -1);
          const count = await c.call(sec, 'RPC_RRDB_RRDB_SORTKEY_COUNT', bytes(k), backup);
          assert.equal(count.kind === 'reply' && count.result!.count, 2n);
          const open = await c.call(
            sec,
            'RPC_RRDB_RRDB_GET_SCANNER',
            scannerRequest(fullKey(k, ''), fullKey(k, '\xff'), { batch_size: 1 }),
            backup,
          );
          assert.equal(open.kind === 'reply' && open.error, 'ERR_OK');
          const context = open.kind === 'reply' ? open.result!.context_id : -1n;
          assert.ok(context >= 0n, 'more rows: a context on the secondary');
          const next = await c.call(sec, 'RPC_RRDB_RRDB_SCAN', { context_id: context }, backup);
          assert.deepEqual(next.kind === 'reply' && next.result!.kvs.map((kv) => text(kv.value)), ['2']);
          assert.deepEqual(counts(d, sec), { served: 7, dropped: 0, refused: 0, flaggedWrites: 0 });

          for (const rpc of ['RPC_RRDB_RRDB_GET', 'RPC_RRDB_RRDB_TTL'] as const) {
            assert.equal(await c.error(sec, rpc, fullKey(k, 'a'), plain), 'ERR_INVALID_STATE');
          }
          assert.equal(
            await c.error(sec, 'RPC_RRDB_RRDB_MULTI_GET', multiGetRequest(k), plain),
            'ERR_INVALID_STATE',
          );
          assert.equal(counts(d, sec).served, 7, 'reads without the flag are not backup requests');

          const atPrimary = await c.call(p.primary, 'RPC_RRDB_RRDB_GET', fullKey(k, 'b'), backup);
          assert.equal(atPrimary.kind === 'reply' && text(atPrimary.result!.value), '2');
          assert.equal(counts(d, p.primary).served, 1);
          // a node that is not a member: refused, and counted as such
          const stranger = d.replicas.find((r) => r !== p.primary && !p.secondaries.includes(r))!;
          assert.equal(
            await c.error(stranger, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), backup),
            'ERR_OBJECT_NOT_FOUND',
          );
          assert.equal(counts(d, stranger).refused, 1);
        },
      ));

    it('the flag does nothing for writes: a secondary refuses them, the primary applies them; flagged writes are counted', () =>
      withCalls(
        () => make(62),
        async (d, c) => {
          const { k, p, plain, backup } = await setup(d, c);
          const sec = p.secondaries[0]!;
          const put = (node: string, v: string) =>
            c.error(
              node,
              'RPC_RRDB_RRDB_PUT',
              { key: fullKey(k, 'a'), value: bytes(v), expire_ts_seconds: 0 },
              backup,
            );
          assert.equal(await put(sec, 'no'), 'ERR_INVALID_STATE');
          assert.equal(
            await c.error(sec, 'RPC_RRDB_RRDB_REMOVE', fullKey(k, 'a'), backup),
            'ERR_INVALID_STATE',
          );
          assert.equal(await put(p.primary, 'yes'), 'ERR_OK');
          const r = await c.call(p.primary, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), plain);
          assert.equal(r.kind === 'reply' && text(r.result!.value), 'yes');
          assert.deepEqual(counts(d, sec), { served: 0, dropped: 0, refused: 0, flaggedWrites: 2 });
          assert.equal(counts(d, p.primary).flaggedWrites, 1);
        },
      ));

    it('throttle-backup: flagged reads get no reply (counted as dropped), other reads are answered; heal or the duration ends it', () =>
      withCalls(
        () => make(63),
        async (d, c) => {
          const { k, p, backup } = await setup(d, c);
          const sec = p.secondaries[0]!;
          assert.equal(d.fault({ node: sec, kind: 'throttle-backup' }).ok, true);
          assert.equal(await c.error(sec, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), backup, 300), 'timeout');
          assert.equal(await c.error(p.primary, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), backup), 'ERR_OK');
          // plain reads of partitions it leads are unaffected
          const cfg = await d.query('temp');
          const led = cfg.partitions.findIndex((x) => x.primary === sec);
          assert.ok(led >= 0);
          const [own] = keysWhere(cfg.partition_count, (i) => i === led, 1, 'own');
          assert.equal(
            await c.error(sec, 'RPC_RRDB_RRDB_GET', fullKey(own!, 'a'), keyHeader(cfg.app_id, own!, led)),
            'ERR_OK',
          );
          assert.deepEqual(counts(d, sec), { served: 0, dropped: 1, refused: 0, flaggedWrites: 0 });
          assert.equal(d.state().replicas.find((r) => r.address === sec)!.throttlingBackup, true);
          d.fault({ node: sec, kind: 'heal' });
          assert.equal(await c.error(sec, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), backup), 'ERR_OK');
          d.fault({ node: sec, kind: 'throttle-backup', ms: 200 });
          assert.equal(
            await c.error(sec, 'RPC_RRDB_RRDB_MULTI_GET', multiGetRequest(k), backup, 100),
            'timeout',
          );
          await d.wait(250);
          assert.equal(await c.error(sec, 'RPC_RRDB_RRDB_MULTI_GET', multiGetRequest(k), backup), 'ERR_OK');
          assert.deepEqual(counts(d, sec), { served: 2, dropped: 2, refused: 0, flaggedWrites: 0 });
        },
      ));

    it('a hung primary: its secondaries keep answering backup reads', () =>
      withCalls(
        () => make(64),
        async (d, c) => {
          const { k, p, plain, backup } = await setup(d, c);
          d.fault({ node: p.primary, kind: 'hang' });
          assert.equal(await c.error(p.primary, 'RPC_RRDB_RRDB_GET', fullKey(k, 'a'), plain, 200), 'timeout');
          for (const sec of p.secondaries) {
            const r = await c.call(sec, 'RPC_RRDB_RRDB_GET', fullKey(k, 'b'), backup, 200);
            assert.equal(r.kind === 'reply' && text(r.result!.value), '2');
          }
        },
      ));
  });
}

describe('backup reads return what the secondary applied', () => {
  it('sim: while a write waits for a slow secondary, the other secondary already returns it, the primary does not', () => {
    const box = createSimOnebox({ seed: 65, ...TUNING, ...LAYOUT });
    try {
      const meta = new SimRawClient(box.sim, box.metas[0]!);
      const route = routeIn(querySim(meta, 'temp'), 'stale');
      const [slow, quick] = route.config.secondaries as [string, string];
      const primary = new SimRawClient(box.sim, route.config.primary);
      const put = (v: string) => ({ key: fullKey('stale', 's'), value: bytes(v), expire_ts_seconds: 0 });
      primary.ok('RPC_RRDB_RRDB_PUT', put('old'), { header: route.header });
      box.fault({ node: slow, kind: 'slow', ms: 200 });
      const seqid = primary.send('RPC_RRDB_RRDB_PUT', put('new'), { header: route.header });
      box.sim.runFor(20);
      const backup = { header: { ...route.header, is_backup_request: true } };
      const read = (node: string, opts = backup) => {
        const c = new SimRawClient(box.sim, node);
        const r = text(c.ok('RPC_RRDB_RRDB_GET', fullKey('stale', 's'), opts).value);
        c.close();
        return r;
      };
      assert.equal(read(quick), 'new', 'applied, not yet committed on the primary');
      assert.equal(read(route.config.primary, { header: route.header }), 'old', 'the primary commits last');
      box.sim.runUntilTrue(() => primary.unmatched.some((f) => f.seqid === seqid), 1000);
      assert.equal(primary.unmatched.find((f) => f.seqid === seqid)?.error, 'ERR_OK');
      box.sim.runFor(250);
      for (const node of [slow, quick]) assert.equal(read(node), 'new');
    } finally {
      box.close();
    }
  });

  it('tcp: the same, over real sockets', async () => {
    const d = await tcpDriver({ ...TUNING, ...LAYOUT });
    const clients: TcpRawClient[] = [];
    try {
      const cfg = await d.query('temp');
      const [k] = keysWhere(cfg.partition_count, (i) => i === 1, 1, 'stale');
      const p = cfg.partitions[1]!;
      const [slow, quick] = p.secondaries as [string, string];
      const header = keyHeader(cfg.app_id, k!, 1);
      const connect = async (a: string) => {
        const c = await TcpRawClient.connect(a);
        clients.push(c);
        return c;
      };
      const primary = await connect(p.primary);
      const put = (v: string) => ({ key: fullKey(k!, 's'), value: bytes(v), expire_ts_seconds: 0 });
      await primary.ok('RPC_RRDB_RRDB_PUT', put('old'), { header });
      d.fault({ node: slow, kind: 'slow', ms: 400 });
      const pending = primary.call('RPC_RRDB_RRDB_PUT', put('new'), { header, timeoutMs: 3000 });
      const read = async (node: string, backup = true) =>
        text(
          (
            await (
              await connect(node)
            ).ok('RPC_RRDB_RRDB_GET', fullKey(k!, 's'), { header: { ...header, is_backup_request: backup } })
          ).value,
        );
      assert.ok(await d.waitFor(() => d.state().pendingWrites === 1, 1000));
      assert.equal(await read(quick), 'new');
      assert.equal(await read(p.primary, false), 'old');
      const done = await pending;
      assert.equal(done.kind === 'reply' && done.error, 'ERR_OK');
      d.fault({ node: slow, kind: 'heal' });
      assert.ok(await d.waitFor(() => d.state().pendingWrites === 0, 1000));
      assert.equal(await read(quick), 'new');
    } finally {
      for (const c of clients) c.close();
      await d.close();
    }
  });
});
