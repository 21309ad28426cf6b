// Dropping and recreating a table in the onebox (control API and meta RPCs), on both networks: the
// recreated table gets a new app_id, calls for the old one get ERR_OBJECT_NOT_FOUND from every replica
// server (the real replica_stub's answer for a gpid it has no replica of), and query_cfg for a
// dropped table answers ERR_OBJECT_NOT_FOUND (the real meta forgets dropped tables by name).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppStatus } from '../core/wire/types.ts';
import { keyHeader, keysWhere, NodeCalls } from './helpers/onebox-calls.ts';
import { type Driver, simDriver, tcpDriver } from './helpers/onebox-drivers.ts';
import { bytes, text } from './helpers/onebox-fixtures.ts';
import { fullKey } from './helpers/onebox-raw-client.ts';

const TUNING = { detectMs: 600, beaconMs: 100, promoteDelayMs: 50, learnMs: 20, prepareTimeoutMs: 300 };
const LAYOUT = { tables: [{ name: 'temp', partitionCount: 4 }] };

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

for (const [name, make] of networks) {
  describe(`onebox table drop and recreate on the ${name} network`, () => {
    it('drop: query_cfg answers ERR_OBJECT_NOT_FOUND, every replica answers ERR_OBJECT_NOT_FOUND for the old app_id; recreate: new app_id, empty, served', () =>
      withCalls(
        () => make(41),
        async (d, c) => {
          const old = await d.query('temp');
          const [k] = keysWhere(4, () => true, 1);
          const route = (cfg: typeof old) => {
            const index = Number(keyHeader(cfg.app_id, k!, 0).partition_hash % BigInt(cfg.partition_count));
            return { header: keyHeader(cfg.app_id, k!, index), primary: cfg.partitions[index]!.primary };
          };
          const r0 = route(old);
          const put = (node: string, header: typeof r0.header, v: string) =>
            c.error(
              node,
              'RPC_RRDB_RRDB_PUT',
              { key: fullKey(k!, 's'), value: bytes(v), expire_ts_seconds: 0 },
              header,
            );
          assert.equal(await put(r0.primary, r0.header, 'old'), 'ERR_OK');

          const dropped = d.table({ name: 'temp', action: 'drop' });
          assert.equal(dropped.ok, true, JSON.stringify(dropped));
          const gone = await d.query('temp');
          assert.equal(gone.err, 'ERR_OBJECT_NOT_FOUND');
          assert.deepEqual(gone.partitions, []);
          for (const node of d.replicas) {
            assert.equal(
              await c.error(node, 'RPC_RRDB_RRDB_GET', fullKey(k!, 's'), r0.header),
              'ERR_OBJECT_NOT_FOUND',
            );
            assert.equal(await put(node, r0.header, 'x'), 'ERR_OBJECT_NOT_FOUND');
          }
          const again = d.table({ name: 'temp', action: 'drop' });
          assert.equal(again.ok ? 0 : again.status, 404);

          const created = d.table({ name: 'temp', action: 'create', partitions: 8 });
          assert.equal(created.ok, true, JSON.stringify(created));
          assert.ok(created.ok && created.appId !== old.app_id);
          const fresh = await d.query('temp');
          assert.equal(fresh.err, 'ERR_OK');
          assert.equal(fresh.app_id, created.ok ? created.appId : -1);
          assert.equal(fresh.partition_count, 8);
          // the old app_id stays unknown; the new table starts empty and serves
          assert.equal(
            await c.error(r0.primary, 'RPC_RRDB_RRDB_GET', fullKey(k!, 's'), r0.header),
            'ERR_OBJECT_NOT_FOUND',
          );
          const r1 = route(fresh);
          const empty = await c.call(r1.primary, 'RPC_RRDB_RRDB_GET', fullKey(k!, 's'), r1.header);
          assert.equal(empty.kind === 'reply' && empty.error, 'ERR_OK');
          assert.equal(empty.kind === 'reply' && empty.result?.error, 1, 'NotFound: the new table is empty');
          assert.equal(await put(r1.primary, r1.header, 'new'), 'ERR_OK');
          const got = await c.call(r1.primary, 'RPC_RRDB_RRDB_GET', fullKey(k!, 's'), r1.header);
          assert.equal(got.kind === 'reply' && text(got.result!.value), 'new');

          // list_apps: both incarnations, the old one dropped
          const list = await c.call(d.metas[0]!, 'RPC_CM_LIST_APPS', { status: AppStatus.AS_INVALID });
          const infos = list.kind === 'reply' ? list.result!.infos.filter((i) => i.app_name === 'temp') : [];
          assert.deepEqual(
            infos.map((i) => [i.app_id, i.status]),
            [
              [old.app_id, AppStatus.AS_DROPPED],
              [fresh.app_id, AppStatus.AS_AVAILABLE],
            ],
          );
          assert.equal(d.state().tables.find((t) => t.name === 'temp')?.appId, fresh.app_id);
        },
      ));

    it('create refusals: an existing name is a conflict; bad counts are rejected before anything changes', () =>
      withCalls(
        () => make(42),
        async (d) => {
          const exists = d.table({ name: 'temp', action: 'create' });
          assert.equal(exists.ok ? 0 : exists.status, 409);
          const made = d.table({ name: 'other', action: 'create', partitions: 2, replicas: 2 });
          assert.equal(made.ok, true);
          const cfg = await d.query('other');
          assert.equal(cfg.partition_count, 2);
          assert.ok(cfg.partitions.every((p) => p.secondaries.length === 1));
        },
      ));

    it('create places replicas only on nodes the meta believes alive (regression: npm run soak)', () =>
      withCalls(
        () => make(43),
        async (d) => {
          const dead = d.replicas[0]!;
          d.fault({ node: dead, kind: 'crash' });
          assert.ok(
            await d.waitFor(
              () => d.state().replicas.every((r) => r.address !== dead || !r.aliveInMeta),
              5000,
            ),
          );
          const made = d.table({ name: 'after', action: 'create', partitions: 4, replicas: 2 });
          assert.equal(made.ok, true);
          const cfg = await d.query('after');
          const members = cfg.partitions.flatMap((p) => [p.primary, ...p.secondaries]);
          assert.equal(members.length, 8);
          assert.ok(!members.includes(dead), `a partition of the new table was placed on the dead ${dead}`);
        },
      ));
  });
}
