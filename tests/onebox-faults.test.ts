// Every fault kind, observed from a client, on both networks (simulated and real TCP).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Driver, simDriver, tcpDriver } from './helpers/onebox-drivers.ts';
import { bytes, routeIn } from './helpers/onebox-fixtures.ts';
import { fullKey } from './helpers/onebox-raw-client.ts';

const TUNING = { detectMs: 600, beaconMs: 100, promoteDelayMs: 50, learnMs: 20, prepareTimeoutMs: 300 };

const networks: Array<[string, (seed: number) => Promise<Driver>]> = [
  ['sim', async (seed) => simDriver({ seed, ...TUNING, metas: 2 })],
  ['tcp', async () => tcpDriver({ ...TUNING, metas: 2 })],
];

async function withDriver(make: () => Promise<Driver>, body: (d: Driver) => Promise<void>): Promise<void> {
  const d = await make();
  try {
    await body(d);
  } finally {
    await d.close();
  }
}

/** A primary, its route, and an open connection to it. */
async function primaryOf(d: Driver, hashKey = 'k') {
  const route = routeIn(await d.query('temp'), hashKey);
  const conn = await d.connect(route.config.primary);
  const get = (timeoutMs = 300) =>
    conn.call('RPC_RRDB_RRDB_GET', fullKey(hashKey, 's'), { header: route.header, timeoutMs });
  return { route, conn, get, node: route.config.primary };
}

for (const [name, make] of networks) {
  describe(`onebox faults on the ${name} network`, () => {
    it('crash: open connections are reset at once, later connects refused; restart brings it back', () =>
      withDriver(
        () => make(1),
        async (d) => {
          const { conn, node, route } = await primaryOf(d);
          assert.equal(d.fault({ node, kind: 'crash' }).ok, true);
          assert.ok(await d.waitFor(() => conn.closedHow() !== undefined, 1000));
          assert.equal(conn.closedHow(), 'reset');
          assert.equal(await d.connectOutcome(node, 1000), 'refused');
          assert.equal(d.fault({ node, kind: 'restart' }).ok, true);
          assert.ok(
            await d.waitFor(
              () => d.state().replicas.find((r) => r.address === node)?.process === 'running',
              1000,
            ),
          );
          // Back up, and (before the meta noticed anything) still the primary.
          const again = await d.connect(node);
          const r = await again.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), {
            header: route.header,
            timeoutMs: 1000,
          });
          assert.equal(r.kind === 'reply' && r.error, 'ERR_OK');
        },
      ));

    it('hang: the connection stays open and silent, beacons stop (meta removes it), answers come after it wakes', () =>
      withDriver(
        () => make(2),
        async (d) => {
          const { conn, node, get } = await primaryOf(d);
          assert.equal(d.fault({ node, kind: 'hang', ms: 1200 }).ok, true);
          assert.equal((await get(200)).kind, 'timeout');
          assert.equal(conn.closedHow(), undefined);
          assert.equal(await d.connectOutcome(node, 200), 'open');
          assert.ok(
            await d.waitFor(
              () => d.state().replicas.find((r) => r.address === node)?.aliveInMeta === false,
              2000,
            ),
          );
          // Still hung (until 1200 ms): this request is answered only once the node wakes.
          const late = await get(3000);
          assert.equal(late.kind, 'reply');
        },
      ));

    it('coredump: hangs for ms, then the connection is reset and connects are refused', () =>
      withDriver(
        () => make(3),
        async (d) => {
          const { conn, node, get } = await primaryOf(d);
          const start = d.now();
          assert.equal(d.fault({ node, kind: 'coredump', ms: 400 }).ok, true);
          const r = await get(2000);
          assert.deepEqual(r, { kind: 'closed', how: 'reset' });
          assert.ok(d.now() - start >= 350, `reset after ${d.now() - start} ms`);
          assert.equal(conn.closedHow(), 'reset');
          assert.equal(await d.connectOutcome(node, 1000), 'refused');
        },
      ));

    it('partition: packets dropped, nothing reset, meta still sees the node; heal restores service', () =>
      withDriver(
        () => make(4),
        async (d) => {
          const { conn, node, get, route } = await primaryOf(d);
          assert.equal(d.fault({ node, kind: 'partition' }).ok, true);
          assert.equal((await get(300)).kind, 'timeout');
          assert.equal(conn.closedHow(), undefined);
          // The simulation loses SYNs too; on loopback TCP the kernel still completes the handshake.
          assert.equal(await d.connectOutcome(node, 300), d.kind === 'sim' ? 'timeout' : 'open');
          await d.wait(TUNING.detectMs + 300);
          const p = d.state().tables[0]!.partitions[route.header.partition_index]!;
          assert.equal(p.primary, node, 'no failover: the meta still gets beacons');
          assert.equal(BigInt(p.ballot), route.config.ballot);
          assert.equal(d.fault({ node, kind: 'heal' }).ok, true);
          const r = await get(1000);
          assert.equal(r.kind === 'reply' && r.error, 'ERR_OK');
        },
      ));

    it('slow: every request takes at least the added latency; heal removes it', () =>
      withDriver(
        () => make(5),
        async (d) => {
          const { node, get } = await primaryOf(d);
          assert.equal(d.fault({ node, kind: 'slow', ms: 150 }).ok, true);
          let t = d.now();
          assert.equal((await get(1000)).kind, 'reply');
          assert.ok(d.now() - t >= 140, `took ${d.now() - t} ms`);
          d.fault({ node, kind: 'heal' });
          t = d.now();
          assert.equal((await get(1000)).kind, 'reply');
          assert.ok(d.now() - t < 140);
        },
      ));

    it('busy: ERR_BUSY for ms, then served again', () =>
      withDriver(
        () => make(6),
        async (d) => {
          const { node, conn, route } = await primaryOf(d);
          assert.equal(d.fault({ node, kind: 'busy', ms: 300 }).ok, true);
          const w = await conn.call(
            'RPC_RRDB_RRDB_PUT',
            { key: fullKey('k', 's'), value: bytes('v'), expire_ts_seconds: 0 },
            {
              header: route.header,
            },
          );
          assert.equal(w.kind === 'reply' && w.error, 'ERR_BUSY');
          await d.wait(350);
          const ok = await conn.call(
            'RPC_RRDB_RRDB_PUT',
            { key: fullKey('k', 's'), value: bytes('v'), expire_ts_seconds: 0 },
            {
              header: route.header,
            },
          );
          assert.equal(ok.kind === 'reply' && ok.error, 'ERR_OK');
          assert.equal(d.fault({ node: d.metas[0]!, kind: 'busy' }).ok, false, 'busy is for replica servers');
        },
      ));

    it('leader: leadership moves; the old leader forwards to the new one', () =>
      withDriver(
        () => make(7),
        async (d) => {
          const [m1, m2] = d.metas as [string, string];
          assert.equal(d.fault({ node: m1, kind: 'leader' }).ok, true); // already leader -> the next one
          assert.equal(d.state().leader, m2);
          const r = await d.query('temp'); // asks m1
          assert.equal(r.err, 'ERR_FORWARD_TO_OTHERS');
          assert.equal(r.partitions[0]!.primary, m2);
          assert.equal(d.fault({ node: d.replicas[0]!, kind: 'leader' }).ok, false);
        },
      ));

    it('primary crash on this network: failover to a secondary, then rejoin after restart', () =>
      withDriver(
        () => make(8),
        async (d) => {
          const { node, route } = await primaryOf(d);
          const idx = route.header.partition_index;
          d.fault({ node, kind: 'crash' });
          const b = Number(route.config.ballot);
          assert.ok(await d.waitFor(() => d.state().tables[0]!.partitions[idx]!.ballot === b + 2, 3000));
          const p = d.state().tables[0]!.partitions[idx]!;
          assert.ok(route.config.secondaries.includes(p.primary));
          d.fault({ node, kind: 'restart' });
          assert.ok(
            await d.waitFor(() => d.state().tables[0]!.partitions[idx]!.secondaries.includes(node), 3000),
            'restarted node rejoins as a secondary',
          );
          assert.equal(d.state().tables[0]!.partitions[idx]!.ballot, b + 3);
        },
      ));

    it('rejects faults on unknown nodes', () =>
      withDriver(
        () => make(9),
        async (d) => {
          const r = d.fault({ node: '127.0.0.1:1', kind: 'crash' });
          assert.equal(r.ok, false);
        },
      ));
  });
}
