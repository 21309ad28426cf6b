// Partition split in the onebox, seen from a client, on both networks: the doubled count with
// ballot -1 children, the parent serving its child's keys until the child registers, ERR_SPLITTING
// during the switch-over, ERR_PARENT_PARTITION_MISUSED afterwards, the child starting with its
// share of the parent's data, cancel, and a meta leader change in the middle of it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryCfgResponse, RequestHeader } from '../core/wire/types.ts';
import { indexOf, keyHeader, keysWhere, NodeCalls } from './helpers/onebox-calls.ts';
import { type Driver, simDriver, tcpDriver } from './helpers/onebox-drivers.ts';
import { bytes, scannerRequest, text } from './helpers/onebox-fixtures.ts';
import { fullKey } from './helpers/onebox-raw-client.ts';

const TUNING = {
  detectMs: 600,
  beaconMs: 100,
  promoteDelayMs: 50,
  learnMs: 20,
  prepareTimeoutMs: 300,
  splitMs: 300,
  splitSwitchMs: 40,
};
const LAYOUT = { replicas: 4, tables: [{ name: 'temp', partitionCount: 4 }] };

type Make = (seed: number, extra?: object) => Promise<Driver>;
const networks: Array<[string, Make]> = [
  ['sim', async (seed, extra = {}) => simDriver({ seed, ...TUNING, ...LAYOUT, ...extra })],
  ['tcp', async (_seed, extra = {}) => tcpDriver({ ...TUNING, ...LAYOUT, ...extra })],
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

const table = (d: Driver) => d.state().tables.find((t) => t.name === 'temp')!;
const registered = (d: Driver, child: number) => (table(d).partitions[child]?.ballot ?? -1) >= 0;

function put(c: NodeCalls, node: string, header: RequestHeader, hashKey: string, value: string) {
  return c.error(
    node,
    'RPC_RRDB_RRDB_PUT',
    { key: fullKey(hashKey, 's'), value: bytes(value), expire_ts_seconds: 0 },
    header,
  );
}

async function get(c: NodeCalls, node: string, header: RequestHeader, hashKey: string) {
  const r = await c.call(node, 'RPC_RRDB_RRDB_GET', fullKey(hashKey, 's'), header);
  if (r.kind !== 'reply') return r.kind;
  return r.error === 'ERR_OK' ? `=${text(r.result!.value)}` : r.error;
}

for (const [name, make] of networks) {
  describe(`onebox partition split on the ${name} network`, () => {
    it('4 -> 8: children report ballot -1 and the parent serves their keys until they register; then the child serves them with the parent data and the parent answers ERR_PARENT_PARTITION_MISUSED', () =>
      withCalls(
        () => make(31),
        async (d, c) => {
          const before = await d.query('temp');
          const app = before.app_id;
          // a key that moves to a child, and a key of the same parent that stays
          const [moving] = keysWhere(8, (i) => i >= 4, 1);
          const child = indexOf(moving!, 8);
          const parent = child - 4;
          const [staying] = keysWhere(8, (i) => i === parent, 1, 's');
          const parentCfg = before.partitions[parent]!;
          const atParent = (k: string, extra: Partial<RequestHeader> = {}) =>
            keyHeader(app, k, parent, extra);
          assert.equal(await put(c, parentCfg.primary, atParent(moving!), moving!, 'v1'), 'ERR_OK');
          assert.equal(await put(c, parentCfg.primary, atParent(staying!), staying!, 'w1'), 'ERR_OK');

          const started = d.split({ table: 'temp' });
          assert.equal(started.ok, true, JSON.stringify(started));
          const during = await d.query('temp');
          assert.equal(during.app_id, app);
          assert.equal(during.partition_count, 8);
          const members = (q: QueryCfgResponse, i: number) => {
            const { ballot, primary, secondaries } = q.partitions[i]!;
            return { ballot, primary, secondaries };
          };
          for (let i = 0; i < 4; i++) assert.deepEqual(members(during, i), members(before, i));
          for (let i = 4; i < 8; i++) {
            const p = during.partitions.find((x) => x.pid.partition_index === i)!;
            assert.equal(p.ballot, -1n, `child ${i}`);
            assert.equal(p.primary, '');
            assert.deepEqual(p.secondaries, []);
            assert.equal(p.max_replica_count, 0);
          }
          const st = table(d);
          assert.equal(st.validatePartitionHash, true);
          assert.deepEqual(
            st.split?.parents.map((p) => p.phase),
            ['copying', 'copying', 'copying', 'copying'],
          );

          // The parent serves the child's keys meanwhile (the real hash in the header).
          assert.equal(await put(c, parentCfg.primary, atParent(moving!), moving!, 'v2'), 'ERR_OK');
          assert.equal(await get(c, parentCfg.primary, atParent(moving!), moving!), '=v2');
          // Validation is on from the start: a hash of another parent is refused.
          const [foreign] = keysWhere(4, (i) => i !== parent, 1, 'f');
          assert.equal(
            await get(c, parentCfg.primary, atParent(foreign!), foreign!),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          // The child's gpid: not serving yet on the parent's nodes, unknown elsewhere.
          const childHeader = keyHeader(app, moving!, child);
          assert.equal(await get(c, parentCfg.primary, childHeader, moving!), 'ERR_INVALID_STATE');
          const stranger = d.replicas.find(
            (r) => r !== parentCfg.primary && !parentCfg.secondaries.includes(r),
          )!;
          assert.equal(await get(c, stranger, childHeader, moving!), 'ERR_OBJECT_NOT_FOUND');

          assert.ok(await d.waitFor(() => registered(d, child), 3000), 'the child registered');
          const after = await d.query('temp');
          const childCfg = after.partitions.find((p) => p.pid.partition_index === child)!;
          assert.equal(childCfg.ballot, parentCfg.ballot + 1n);
          assert.equal(childCfg.primary, parentCfg.primary);
          assert.deepEqual(childCfg.secondaries, parentCfg.secondaries);
          assert.equal(childCfg.max_replica_count, parentCfg.max_replica_count);
          // the child has the parent's data for its keys (including the write made during the split)
          assert.equal(await get(c, childCfg.primary, childHeader, moving!), '=v2');
          assert.equal(
            await get(c, parentCfg.primary, atParent(moving!), moving!),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          assert.equal(
            await put(c, parentCfg.primary, atParent(moving!), moving!, 'lost'),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          assert.equal(await get(c, parentCfg.primary, atParent(staying!), staying!), '=w1');
          assert.equal(
            await get(c, childCfg.primary, keyHeader(app, staying!, child), staying!),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          // secondaries switch too (backup reads)
          const backup = atParent(moving!, { is_backup_request: true });
          assert.equal(
            await get(c, parentCfg.secondaries[0]!, backup, moving!),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          assert.equal(
            await get(
              c,
              childCfg.secondaries[0]!,
              keyHeader(app, moving!, child, { is_backup_request: true }),
              moving!,
            ),
            '=v2',
          );

          assert.ok(await d.waitFor(() => table(d).split === undefined, 3000), 'the split finished');
          assert.equal(table(d).partitionCount, 8);
          assert.equal(await put(c, childCfg.primary, childHeader, moving!, 'v3'), 'ERR_OK');
          assert.equal(await get(c, childCfg.primary, childHeader, moving!), '=v3');
          const final = await d.query('temp');
          assert.ok(final.partitions.every((p) => p.ballot > 0n && p.primary !== ''));
          // list_apps: the doubled count, the count it was created with, and the split's table env
          const apps = await c.call(d.metas[0]!, 'RPC_CM_LIST_APPS', { status: 1 });
          const info =
            apps.kind === 'reply' ? apps.result!.infos.find((i) => i.app_name === 'temp') : undefined;
          assert.equal(info?.partition_count, 8);
          assert.equal(info?.init_partition_count, 4);
          assert.deepEqual([...(info?.envs ?? [])], [['replica.split.validate_partition_hash', 'true']]);
        },
      ));

    it("switch-over: the parent's primary answers ERR_SPLITTING to reads and writes; its secondaries still serve backup reads", () =>
      withCalls(
        () => make(32, { splitMs: 100, splitSwitchMs: 400 }),
        async (d, c) => {
          const cfg = await d.query('temp');
          const [k] = keysWhere(4, (i) => i === 0, 1);
          const h = keyHeader(cfg.app_id, k!, 0);
          const p0 = cfg.partitions[0]!;
          assert.equal(await put(c, p0.primary, h, k!, 'a'), 'ERR_OK');
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.ok(await d.waitFor(() => table(d).split?.parents[0]?.phase === 'switching', 2000));
          assert.equal(await get(c, p0.primary, h, k!), 'ERR_SPLITTING');
          assert.equal(await put(c, p0.primary, h, k!, 'b'), 'ERR_SPLITTING');
          assert.equal(
            await get(c, p0.secondaries[0]!, keyHeader(cfg.app_id, k!, 0, { is_backup_request: true }), k!),
            '=a',
          );
          // another parent, still copying, serves as usual
          const [k1] = keysWhere(4, (i) => i === 1, 1);
          const p1 = cfg.partitions[1]!;
          assert.equal(await put(c, p1.primary, keyHeader(cfg.app_id, k1!, 1), k1!, 'x'), 'ERR_OK');
          assert.ok(await d.waitFor(() => registered(d, 4), 2000));
          assert.equal(await get(c, p0.primary, h, k!), '=a');
        },
      ));

    it('cancel before any child registered halves the count again (validation stays on); after a registration it is refused', () =>
      withCalls(
        () => make(33, { splitMs: 500 }),
        async (d, c) => {
          const cfg = await d.query('temp');
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.equal((await d.query('temp')).partition_count, 8);
          const cancelled = d.split({ table: 'temp', cancel: true });
          assert.equal(cancelled.ok, true, JSON.stringify(cancelled));
          const back = await d.query('temp');
          assert.equal(back.partition_count, 4);
          assert.deepEqual(back.partitions, cfg.partitions);
          assert.equal(table(d).split, undefined);
          assert.equal(table(d).validatePartitionHash, true);
          // nothing registers later: the scheduled registrations were cancelled
          await d.wait(800);
          assert.equal((await d.query('temp')).partition_count, 4);
          const [k] = keysWhere(4, (i) => i === 2, 1);
          const p2 = cfg.partitions[2]!;
          assert.equal(await put(c, p2.primary, keyHeader(cfg.app_id, k!, 2), k!, 'v'), 'ERR_OK');
          const [other] = keysWhere(4, (i) => i !== 2, 1, 'o');
          assert.equal(
            await get(c, p2.primary, keyHeader(cfg.app_id, other!, 2), other!),
            'ERR_PARENT_PARTITION_MISUSED',
          );
          const again = d.split({ table: 'temp', cancel: true });
          assert.deepEqual(again.ok ? 'ok' : [again.status, again.error], [
            409,
            'table temp is not splitting',
          ]);
          // split again; once one child registered, cancel is refused
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.ok(await d.waitFor(() => registered(d, 4), 3000));
          const late = d.split({ table: 'temp', cancel: true });
          assert.equal(late.ok ? 0 : late.status, 409);
          assert.match(late.ok ? '' : late.error, /already finished split/);
        },
      ));

    it('refusals: unknown table, already splitting, a count that is not a power of two, drop while splitting', () =>
      withCalls(
        () =>
          make(34, {
            tables: [
              { name: 'temp', partitionCount: 4 },
              { name: 'odd', partitionCount: 3 },
            ],
          }),
        async (d, c) => {
          const missing = d.split({ table: 'nope' });
          assert.equal(missing.ok ? 0 : missing.status, 404);
          const odd = d.split({ table: 'odd' });
          assert.equal(odd.ok ? 0 : odd.status, 409);
          assert.match(odd.ok ? '' : odd.error, /power of two/);
          assert.equal(d.split({ table: 'temp' }).ok, true);
          const twice = d.split({ table: 'temp' });
          assert.equal(twice.ok ? 0 : twice.status, 409);
          const drop = d.table({ name: 'temp', action: 'drop' });
          assert.equal(drop.ok ? 0 : drop.status, 409);
          const rpc = await c.call(d.metas[0]!, 'RPC_CM_DROP_APP', {
            app_name: 'temp',
            options: { success_if_not_exist: false },
          });
          assert.equal(rpc.kind === 'reply' && rpc.result?.err, 'ERR_SPLITTING');
          assert.equal((await d.query('temp')).partition_count, 8);
        },
      ));

    it('every write acknowledged during the split is readable from its owner afterwards', () =>
      withCalls(
        () => make(35, { splitMs: 150, splitSwitchMs: 30 }),
        async (d, c) => {
          const keys = Array.from({ length: 24 }, (_, i) => `w${i}`);
          let cfg: QueryCfgResponse = await d.query('temp');
          const acked = new Map<string, string>();
          // a minimal client: route children to parents while ballot < 0; back off on ERR_SPLITTING;
          // refresh the table on ERR_PARENT_PARTITION_MISUSED
          const write = async (k: string, v: string) => {
            for (let attempt = 0; attempt < 50; attempt++) {
              let index = indexOf(k, cfg.partition_count);
              const entry = cfg.partitions.find((p) => p.pid.partition_index === index)!;
              if (entry.ballot < 0n) index -= cfg.partition_count / 2;
              const primary = cfg.partitions.find((p) => p.pid.partition_index === index)!.primary;
              const err = await put(c, primary, keyHeader(cfg.app_id, k, index), k, v);
              if (err === 'ERR_OK') return acked.set(k, v);
              if (err === 'ERR_SPLITTING') await d.wait(10);
              else if (err === 'ERR_PARENT_PARTITION_MISUSED') cfg = await d.query('temp');
              else assert.fail(`put ${k}: ${err}`);
            }
            assert.fail(`put ${k}: no success in 50 attempts`);
          };
          assert.equal(d.split({ table: 'temp' }).ok, true);
          for (let round = 0; table(d).split !== undefined || round < 2; round++) {
            assert.ok(round < 200, 'the split ends');
            for (const k of keys) await write(k, `${k}-${round}`);
            await d.wait(15);
          }
          const final = await d.query('temp');
          assert.equal(final.partition_count, 8);
          for (const [k, v] of acked) {
            const index = indexOf(k, 8);
            const primary = final.partitions.find((p) => p.pid.partition_index === index)!.primary;
            assert.equal(await get(c, primary, keyHeader(final.app_id, k, index), k), `=${v}`, k);
          }
        },
      ));

    it('a write still replicating when the switch-over ends holds the registration back, and reaches the child', () =>
      withCalls(
        () => make(41, { splitMs: 50, splitSwitchMs: 20 }),
        async (d, c) => {
          const cfg = await d.query('temp');
          const [k] = keysWhere(8, (i) => i === 6, 1);
          const p2 = cfg.partitions[2]!;
          // one parent secondary applies 250 ms late: the write commits long after the switch began
          d.fault({ node: p2.secondaries[0]!, kind: 'slow', ms: 250 });
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.equal(await put(c, p2.primary, keyHeader(cfg.app_id, k!, 2), k!, 'late'), 'ERR_OK');
          d.fault({ node: p2.secondaries[0]!, kind: 'heal' });
          assert.ok(await d.waitFor(() => registered(d, 6), 3000));
          const child = (await d.query('temp')).partitions[6]!;
          assert.equal(await get(c, child.primary, keyHeader(cfg.app_id, k!, 6), k!), '=late');
        },
      ));

    it('scans after the split: the parent skips rows that moved (validate_partition_hash), the child holds only its rows', () =>
      withCalls(
        () => make(36, { splitMs: 50 }),
        async (d, c) => {
          const cfg = await d.query('temp');
          const keys = keysWhere(4, (i) => i === 3, 12);
          const p3 = cfg.partitions[3]!;
          for (const k of keys)
            assert.equal(await put(c, p3.primary, keyHeader(cfg.app_id, k, 3), k, k), 'ERR_OK');
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.ok(await d.waitFor(() => table(d).split === undefined, 3000));
          const scan = async (index: number, validate: boolean) => {
            const r = await c.call(
              p3.primary,
              'RPC_RRDB_RRDB_GET_SCANNER',
              scannerRequest(Buffer.from([0, 0]), Buffer.from([0xff, 0xff]), {
                full_scan: true,
                validate_partition_hash: validate,
              }),
              { ...keyHeader(cfg.app_id, '', index), partition_hash: BigInt(index) },
            );
            assert.equal(r.kind === 'reply' && r.error, 'ERR_OK');
            return r.kind === 'reply' ? r.result!.kvs.map((kv) => text(kv.value)).sort() : [];
          };
          const moved = keys.filter((k) => indexOf(k, 8) === 7).sort();
          const stayed = keys.filter((k) => indexOf(k, 8) === 3).sort();
          assert.ok(moved.length > 0 && stayed.length > 0);
          assert.deepEqual(await scan(3, true), stayed);
          assert.deepEqual(await scan(7, true), moved);
          // without validation the parent still returns every row it holds, as a real one does
          assert.deepEqual(await scan(3, false), keys.slice().sort());
        },
      ));

    it('a registered child is replicated like any partition: its primary crashes, a child secondary takes over with the data', () =>
      withCalls(
        () => make(37, { splitMs: 50 }),
        async (d, c) => {
          const cfg = await d.query('temp');
          const [k] = keysWhere(8, (i) => i === 5, 1);
          const h1 = keyHeader(cfg.app_id, k!, 1);
          assert.equal(await put(c, cfg.partitions[1]!.primary, h1, k!, 'kept'), 'ERR_OK');
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.ok(await d.waitFor(() => table(d).split === undefined, 3000));
          const child = (await d.query('temp')).partitions[5]!;
          d.fault({ node: child.primary, kind: 'crash' });
          assert.ok(
            await d.waitFor(() => {
              const p = table(d).partitions[5]!;
              return p.primary !== '' && p.primary !== child.primary;
            }, 4000),
            'a child secondary was promoted',
          );
          const now = table(d).partitions[5]!;
          assert.ok(child.secondaries.includes(now.primary));
          assert.equal(now.ballot, Number(child.ballot) + 2);
          assert.equal(await get(c, now.primary, keyHeader(cfg.app_id, k!, 5), k!), '=kept');
        },
      ));

    it('a meta leader change during the split: the new leader has the split state; registration waits until it is ready', () =>
      withCalls(
        () => make(38, { metas: 3, splitMs: 100, splitSwitchMs: 20 }),
        async (d, c) => {
          const [m1, m2] = d.metas as [string, string];
          assert.equal(d.split({ table: 'temp' }).ok, true);
          assert.equal(d.fault({ node: m2, kind: 'leader', ms: 700 }).ok, true);
          // the old leader forwards to the new one, which is not ready yet
          const fwd = await c.query(m1, 'temp');
          assert.equal(fwd.err, 'ERR_FORWARD_TO_OTHERS');
          assert.equal(fwd.partitions[0]!.primary, m2);
          assert.equal((await c.query(m2, 'temp')).err, 'ERR_SERVICE_NOT_ACTIVE');
          // parent 0 reached its switch-over but cannot register without a ready leader
          assert.ok(await d.waitFor(() => table(d).split?.parents[0]?.phase === 'switching', 2000));
          await d.wait(200);
          assert.equal(registered(d, 4), false);
          const cfg = await d.query('temp'); // through m1: a forward
          assert.equal(cfg.err, 'ERR_FORWARD_TO_OTHERS');
          // once ready, the new leader answers with the split and the children register
          assert.ok(await d.waitFor(() => d.state().metas.find((m) => m.address === m2)!.ready, 2000));
          const mid = await c.query(m2, 'temp');
          assert.equal(mid.err, 'ERR_OK');
          assert.equal(mid.partition_count, 8);
          assert.ok(await d.waitFor(() => table(d).split === undefined, 3000), 'the split finished');
          const done = await c.query(m2, 'temp');
          assert.ok(done.partitions.every((p) => p.ballot > 0n));
        },
      ));

    it("a leader change while a client's query waits: the old leader forwards it to the new one, which answers with the split", () =>
      withCalls(
        () => make(40, { metas: 2, splitMs: 5000 }),
        async (d, c) => {
          const [m1, m2] = d.metas as [string, string];
          assert.equal(d.split({ table: 'temp' }).ok, true);
          // m1 takes 150 ms per message; the leadership moves while the query waits in it
          d.fault({ node: m1, kind: 'slow', ms: 150 });
          d.later(50, () => d.fault({ node: m2, kind: 'leader' }));
          const waited = await c.query(m1, 'temp');
          assert.equal(waited.err, 'ERR_FORWARD_TO_OTHERS');
          assert.equal(waited.partitions[0]!.primary, m2);
          const there = await c.query(m2, 'temp');
          assert.equal(there.err, 'ERR_OK');
          assert.equal(there.partition_count, 8);
          assert.equal(there.partitions.filter((p) => p.ballot < 0n).length, 4);
        },
      ));

    it('the leader meta crashing mid-split: after failover the next leader reports the same split and finishes it', () =>
      withCalls(
        () => make(39, { metas: 2, splitMs: 200, metaFailoverMs: 400 }),
        async (d, c) => {
          const [m1, m2] = d.metas as [string, string];
          assert.equal(d.split({ table: 'temp' }).ok, true);
          d.fault({ node: m1, kind: 'crash' });
          assert.ok(await d.waitFor(() => d.state().leader === m2, 2000), 'm2 took over');
          const cfg = await c.query(m2, 'temp');
          assert.equal(cfg.err, 'ERR_OK');
          assert.equal(cfg.partition_count, 8);
          assert.ok(await d.waitFor(() => table(d).split === undefined, 3000), 'the split finished');
          assert.ok((await c.query(m2, 'temp')).partitions.every((p) => p.ballot > 0n));
        },
      ));
  });
}
