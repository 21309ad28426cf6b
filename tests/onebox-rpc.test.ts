// Replica and meta server semantics, observed through the wire codec on the simulated network.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRequest } from '../core/wire/index.ts';
import { MAX_CREATE_PARTITIONS, MAX_LIVE_PARTITIONS } from '../onebox/cluster/meta-server.ts';
import { createSimOnebox, type SimOnebox } from '../onebox/index.ts';
import {
  bytes,
  EMPTY,
  multiGetRequest,
  pegasusSeconds,
  querySim,
  routeIn,
  scannerRequest,
  text,
} from './helpers/onebox-fixtures.ts';
import { fullKey, SimRawClient } from './helpers/onebox-raw-client.ts';

function setup(extra: Parameters<typeof createSimOnebox>[0] = { seed: 7 }): {
  box: SimOnebox;
  meta: SimRawClient;
  primaryFor(hashKey: string): { client: SimRawClient; route: ReturnType<typeof routeIn> };
} {
  const box = createSimOnebox({ detectMs: 2000, ...extra });
  const meta = new SimRawClient(box.sim, box.metas[0]!);
  const cfg = querySim(meta, 'temp');
  const clients = new Map<string, SimRawClient>();
  const clientFor = (address: string) => {
    let c = clients.get(address);
    if (c === undefined) {
      c = new SimRawClient(box.sim, address);
      clients.set(address, c);
    }
    return c;
  };
  return {
    box,
    meta,
    primaryFor(hashKey) {
      const route = routeIn(cfg, hashKey);
      return { client: clientFor(route.config.primary), route };
    },
  };
}

describe('onebox replica server: every rrdb operation round-trips', () => {
  const { box, primaryFor } = setup();
  const { client: c, route } = primaryFor('user1');
  const h = { header: route.header };
  const primary = route.config.primary;

  it('put / get / ttl / remove', () => {
    const put = c.ok(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('user1', 's1'), value: bytes('v1'), expire_ts_seconds: 0 },
      h,
    );
    assert.equal(put.error, 0);
    assert.equal(put.server, primary);
    assert.equal(put.partition_index, route.header.partition_index);
    assert.ok(put.decree > 0n);
    const got = c.ok('RPC_RRDB_RRDB_GET', fullKey('user1', 's1'), h);
    assert.equal(got.error, 0);
    assert.equal(text(got.value), 'v1');
    assert.equal(got.server, primary);
    const ttl = c.ok('RPC_RRDB_RRDB_TTL', fullKey('user1', 's1'), h);
    assert.equal(ttl.ttl_seconds, -1);
    const rm = c.ok('RPC_RRDB_RRDB_REMOVE', fullKey('user1', 's1'), h);
    assert.equal(rm.error, 0);
    assert.equal(c.ok('RPC_RRDB_RRDB_GET', fullKey('user1', 's1'), h).error, 1);
  });

  it('multi_put / multi_get / sortkey_count / batch_get / multi_remove', () => {
    const kvs = ['a', 'b', 'c'].map((s) => ({ key: bytes(s), value: bytes(`v${s}`) }));
    assert.equal(
      c.ok('RPC_RRDB_RRDB_MULTI_PUT', { hash_key: bytes('user1'), kvs, expire_ts_seconds: 0 }, h).error,
      0,
    );
    const mg = c.ok('RPC_RRDB_RRDB_MULTI_GET', multiGetRequest('user1'), h);
    assert.deepEqual(
      mg.kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}`),
      ['a=va', 'b=vb', 'c=vc'],
    );
    assert.equal(c.ok('RPC_RRDB_RRDB_SORTKEY_COUNT', bytes('user1'), h).count, 3n);
    const bg = c.ok(
      'RPC_RRDB_RRDB_BATCH_GET',
      {
        keys: [
          { hash_key: bytes('user1'), sort_key: bytes('b') },
          { hash_key: bytes('user1'), sort_key: bytes('zz') },
        ],
      },
      h,
    );
    assert.deepEqual(
      bg.data.map((d) => text(d.value)),
      ['vb'],
    );
    const mr = c.ok(
      'RPC_RRDB_RRDB_MULTI_REMOVE',
      { hash_key: bytes('user1'), sort_keys: [bytes('a')], max_count: 0n },
      h,
    );
    assert.equal(mr.count, 1n);
    assert.equal(c.ok('RPC_RRDB_RRDB_SORTKEY_COUNT', bytes('user1'), h).count, 2n);
  });

  it('incr / check_and_set / check_and_mutate', () => {
    const incr = c.ok(
      'RPC_RRDB_RRDB_INCR',
      { key: fullKey('user1', 'n'), increment: 5n, expire_ts_seconds: 0 },
      h,
    );
    assert.equal(incr.new_value, 5n);
    const casOk = c.ok(
      'RPC_RRDB_RRDB_CHECK_AND_SET',
      {
        hash_key: bytes('user1'),
        check_sort_key: bytes('n'),
        check_type: 15, // CT_VALUE_INT_EQUAL
        check_operand: bytes('5'),
        set_diff_sort_key: true,
        set_sort_key: bytes('flag'),
        set_value: bytes('set'),
        set_expire_ts_seconds: 0,
        return_check_value: true,
      },
      h,
    );
    assert.equal(casOk.error, 0);
    assert.equal(text(casOk.check_value), '5');
    const cam = c.ok(
      'RPC_RRDB_RRDB_CHECK_AND_MUTATE',
      {
        hash_key: bytes('user1'),
        check_sort_key: bytes('flag'),
        check_type: 1, // CT_VALUE_NOT_EXIST: fails
        check_operand: EMPTY,
        mutate_list: [{ operation: 0, sort_key: bytes('x'), value: bytes('y'), set_expire_ts_seconds: 0 }],
        return_check_value: false,
      },
      h,
    );
    assert.equal(cam.error, 13); // TryAgain: check not passed
  });

  it('get_scanner / scan / clear_scanner (no reply)', () => {
    const start = fullKey('user1', '');
    const stop = fullKey('user1', '\xff');
    const first = c.ok('RPC_RRDB_RRDB_GET_SCANNER', scannerRequest(start, stop, { batch_size: 1 }), h);
    assert.equal(first.kvs.length, 1);
    assert.ok(first.context_id >= 0n);
    const next = c.ok('RPC_RRDB_RRDB_SCAN', { context_id: first.context_id }, h);
    assert.equal(next.kvs.length, 1);
    assert.ok(next.context_id >= 0n);
    const cleared = c.call('RPC_RRDB_RRDB_CLEAR_SCANNER', next.context_id, { ...h, timeoutMs: 200 });
    assert.deepEqual(cleared, { kind: 'timeout' });
    const gone = c.ok('RPC_RRDB_RRDB_SCAN', { context_id: next.context_id }, h);
    assert.equal(gone.error, 1); // context no longer exists
  });

  it('TTL: expire_ts_seconds counts from the Pegasus epoch and expires on the virtual clock', () => {
    const now = pegasusSeconds(box.sim.wallSeconds());
    c.ok(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('user1', 'ttl'), value: bytes('t'), expire_ts_seconds: now + 5 },
      h,
    );
    const ttl = c.ok('RPC_RRDB_RRDB_TTL', fullKey('user1', 'ttl'), h);
    assert.ok(ttl.ttl_seconds >= 4 && ttl.ttl_seconds <= 5, `ttl ${ttl.ttl_seconds}`);
    box.sim.runFor(6000);
    assert.equal(c.ok('RPC_RRDB_RRDB_GET', fullKey('user1', 'ttl'), h).error, 1);
    assert.equal(c.ok('RPC_RRDB_RRDB_TTL', fullKey('user1', 'ttl'), h).error, 1);
  });

  it('closes', () => box.close());
});

describe('onebox replica server: dispatch errors', () => {
  const { box, meta, primaryFor } = setup({ seed: 8, replicas: 4 });
  const { client: c, route } = primaryFor('k');
  const h = { header: route.header };

  it('write body above max_allowed_write_size (1 MiB) -> ERR_INVALID_DATA; at the limit it passes', () => {
    const big = Buffer.alloc(1 << 20, 1);
    const r = c.call('RPC_RRDB_RRDB_PUT', { key: fullKey('k', 'big'), value: big, expire_ts_seconds: 0 }, h);
    assert.equal(r.kind === 'reply' && r.error, 'ERR_INVALID_DATA');
    assert.equal(r.kind === 'reply' && r.result, undefined);
    const fits = Buffer.alloc((1 << 20) - 200, 1);
    const ok = c.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('k', 'big'), value: fits, expire_ts_seconds: 0 },
      h,
    );
    assert.equal(ok.kind === 'reply' && ok.error, 'ERR_OK');
  });

  it('not primary: writes and plain reads get ERR_INVALID_STATE; backup reads are served', () => {
    const secondary = new SimRawClient(box.sim, route.config.secondaries[0]!);
    c.ok('RPC_RRDB_RRDB_PUT', { key: fullKey('k', 's'), value: bytes('v'), expire_ts_seconds: 0 }, h);
    const w = secondary.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('k', 's'), value: bytes('v'), expire_ts_seconds: 0 },
      h,
    );
    assert.equal(w.kind === 'reply' && w.error, 'ERR_INVALID_STATE');
    const r = secondary.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), h);
    assert.equal(r.kind === 'reply' && r.error, 'ERR_INVALID_STATE');
    const backup = secondary.ok('RPC_RRDB_RRDB_GET', fullKey('k', 's'), {
      header: { ...route.header, is_backup_request: true },
    });
    assert.equal(text(backup.value), 'v');
    assert.equal(backup.server, route.config.secondaries[0]);
    // The flag never makes a secondary accept a write.
    const bw = secondary.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('k', 's'), value: bytes('v'), expire_ts_seconds: 0 },
      {
        header: { ...route.header, is_backup_request: true },
      },
    );
    assert.equal(bw.kind === 'reply' && bw.error, 'ERR_INVALID_STATE');
  });

  it('not serving the partition (or no such table) -> ERR_OBJECT_NOT_FOUND', () => {
    const members = new Set([route.config.primary, ...route.config.secondaries]);
    const outsider = box.replicas.find((a) => !members.has(a))!;
    const o = new SimRawClient(box.sim, outsider);
    const r = o.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), h);
    assert.equal(r.kind === 'reply' && r.error, 'ERR_OBJECT_NOT_FOUND');
    const noTable = c.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), {
      header: { ...route.header, app_id: 99 },
    });
    assert.equal(noTable.kind === 'reply' && noTable.error, 'ERR_OBJECT_NOT_FOUND');
  });

  it('unknown RPC names and app_id <= 0 -> ERR_HANDLER_NOT_FOUND, for meta RPCs on a replica too', () => {
    const raw = encodeRequest('RPC_RRDB_RRDB_GET', 4242, fullKey('k', 's'), route.header);
    // Patch the method name to an unknown one of the same length.
    const at = raw.indexOf('RPC_RRDB_RRDB_GET');
    raw.write('RPC_RRDB_RRDB_XYZ', at, 'latin1');
    c.sendRaw(raw);
    box.sim.runUntilTrue(() => c.unmatched.some((f) => f.seqid === 4242), 1000);
    const f = c.unmatched.find((x) => x.seqid === 4242)!;
    assert.equal(f.error, 'ERR_HANDLER_NOT_FOUND');
    assert.equal(f.name, 'RPC_RRDB_RRDB_XYZ_ACK');
    const zero = c.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), { header: { ...route.header, app_id: 0 } });
    assert.equal(zero.kind === 'reply' && zero.error, 'ERR_HANDLER_NOT_FOUND');
    const metaOnReplica = c.call('RPC_CM_LIST_APPS', { status: 0 });
    assert.equal(metaOnReplica.kind === 'reply' && metaOnReplica.error, 'ERR_HANDLER_NOT_FOUND');
    const dataOnMeta = meta.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), h);
    assert.equal(dataOnMeta.kind === 'reply' && dataOnMeta.error, 'ERR_HANDLER_NOT_FOUND');
  });

  it('a malformed frame closes the connection', () => {
    const victim = new SimRawClient(box.sim, route.config.primary);
    victim.sendRaw(Buffer.from('NOPE0000000000000000000000000000000000000000000000'));
    box.sim.runUntilTrue(() => victim.closedHow !== undefined, 1000);
    assert.equal(victim.closedHow, 'closed');
    // Header v0 is accepted too.
    const v0 = c.call('RPC_RRDB_RRDB_GET', fullKey('k', 's'), { ...h, headerVersion: 0 });
    assert.equal(v0.kind === 'reply' && v0.error, 'ERR_OK');
  });

  it('closes', () => box.close());
});

describe('onebox meta server', () => {
  it('query_cfg returns every partition (or the valid requested ones) with ballots and addresses', () => {
    const { box, meta } = setup({ seed: 9 });
    const cfg = querySim(meta, 'temp');
    assert.equal(cfg.err, 'ERR_OK');
    assert.equal(cfg.partition_count, 8);
    assert.equal(cfg.is_stateful, true);
    assert.equal(cfg.partitions.length, 8);
    for (const p of cfg.partitions) {
      assert.equal(p.ballot, 3n);
      assert.equal(p.secondaries.length, 2);
      assert.ok(box.replicas.includes(p.primary));
      assert.deepEqual(p.hp_primary?.host, '127.0.0.1');
    }
    const some = meta.ok('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
      app_name: 'temp',
      partition_indices: [2, 99],
    });
    assert.deepEqual(
      some.partitions.map((p) => p.pid.partition_index),
      [2],
    );
    const missing = meta.ok('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
      app_name: 'nope',
      partition_indices: [],
    });
    assert.equal(missing.err, 'ERR_OBJECT_NOT_FOUND');
    box.close();
  });

  it('create_app refuses partition counts that would exhaust memory (regression: npm run fuzz)', () => {
    const { box, meta } = setup({ seed: 11 });
    const options = {
      partition_count: 4,
      replica_count: 3,
      success_if_exist: false,
      app_type: 'pegasus',
      is_stateful: true,
      envs: new Map<string, string>(),
    };
    // Regression (npm run fuzz): a create_app for 1.5e9 partitions ran the onebox out of memory.
    // Refused at the per-table cap + 1, and once the live tables would exceed the total cap.
    assert.equal(
      meta.ok('RPC_CM_CREATE_APP', {
        app_name: 'huge',
        options: { ...options, partition_count: 1_500_000_000 },
      }).err,
      'ERR_INVALID_PARAMETERS',
    );
    assert.equal(
      meta.ok('RPC_CM_CREATE_APP', {
        app_name: 'huge',
        options: { ...options, partition_count: MAX_CREATE_PARTITIONS + 1 },
      }).err,
      'ERR_INVALID_PARAMETERS',
    );
    // temp (8) is live: 7 tables at the per-table cap fit, an 8th does not
    const big = (name: string) =>
      meta.ok('RPC_CM_CREATE_APP', {
        app_name: name,
        options: { ...options, partition_count: MAX_CREATE_PARTITIONS },
      }).err;
    const fits = Math.floor((MAX_LIVE_PARTITIONS - 8) / MAX_CREATE_PARTITIONS);
    for (let i = 0; i < fits; i++) assert.equal(big(`big${i}`), 'ERR_OK');
    assert.equal(big('one-too-many'), 'ERR_INVALID_PARAMETERS');
    for (let i = 0; i < fits; i++)
      meta.ok('RPC_CM_DROP_APP', { app_name: `big${i}`, options: { success_if_not_exist: false } });
    box.close();
  });

  it('create / list / drop tables', () => {
    const { box, meta } = setup({ seed: 10 });
    const options = {
      partition_count: 4,
      replica_count: 3,
      success_if_exist: false,
      app_type: 'pegasus',
      is_stateful: true,
      envs: new Map<string, string>(),
    };
    const created = meta.ok('RPC_CM_CREATE_APP', { app_name: 'orders', options });
    assert.equal(created.err, 'ERR_OK');
    assert.equal(created.appid, 2);
    assert.equal(meta.ok('RPC_CM_CREATE_APP', { app_name: 'orders', options }).err, 'ERR_APP_EXIST');
    assert.equal(
      meta.ok('RPC_CM_CREATE_APP', { app_name: 'orders', options: { ...options, success_if_exist: true } })
        .appid,
      2,
    );
    assert.equal(
      meta.ok('RPC_CM_CREATE_APP', { app_name: 'bad', options: { ...options, partition_count: 0 } }).err,
      'ERR_INVALID_PARAMETERS',
    );
    const cfg = querySim(meta, 'orders');
    assert.equal(cfg.partition_count, 4);
    // The new table serves data right away.
    const route = routeIn(cfg, 'h');
    const c = new SimRawClient(box.sim, route.config.primary);
    assert.equal(
      c.ok(
        'RPC_RRDB_RRDB_PUT',
        { key: fullKey('h', 's'), value: bytes('v'), expire_ts_seconds: 0 },
        { header: route.header },
      ).error,
      0,
    );
    const listed = meta.ok('RPC_CM_LIST_APPS', { status: 1 });
    assert.deepEqual(
      listed.infos.map((i) => [i.app_name, i.app_id, i.partition_count, i.status]),
      [
        ['temp', 1, 8, 1],
        ['orders', 2, 4, 1],
      ],
    );
    assert.equal(
      meta.ok('RPC_CM_DROP_APP', { app_name: 'orders', options: { success_if_not_exist: false } }).err,
      'ERR_OK',
    );
    assert.equal(
      meta.ok('RPC_CM_DROP_APP', { app_name: 'orders', options: { success_if_not_exist: false } }).err,
      'ERR_APP_NOT_EXIST',
    );
    assert.equal(
      meta.ok('RPC_CM_DROP_APP', { app_name: 'orders', options: { success_if_not_exist: true } }).err,
      'ERR_OK',
    );
    assert.equal(querySim(meta, 'orders').err, 'ERR_OBJECT_NOT_FOUND');
    const after = c.call('RPC_RRDB_RRDB_GET', fullKey('h', 's'), { header: route.header });
    assert.equal(after.kind === 'reply' && after.error, 'ERR_OBJECT_NOT_FOUND');
    const all = meta.ok('RPC_CM_LIST_APPS', { status: 0 });
    assert.deepEqual(
      all.infos.map((i) => [i.app_name, i.status]),
      [
        ['temp', 1],
        ['orders', 6],
      ],
    );
    box.close();
  });

  it('a follower answers ERR_FORWARD_TO_OTHERS with the leader in partitions[0] (docs/PROTOCOL.md 11, vector S8)', () => {
    const box = createSimOnebox({ seed: 11, metas: 3, detectMs: 2000 });
    // Make the second meta the leader, as in vector S8 (leader 127.0.0.1:34602).
    assert.deepEqual(box.fault({ node: '127.0.0.1:34602', kind: 'leader' }).ok, true);
    const follower = new SimRawClient(box.sim, '127.0.0.1:34601');
    const chunks: Buffer[] = [];
    box.sim.onEvent((e) => {
      if (e.type === 'data' && e.direction === 's2c' && e.bytes) chunks.push(Buffer.from(e.bytes));
    });
    const r = follower.ok('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
      app_name: 'temp',
      partition_indices: [],
    });
    assert.equal(r.err, 'ERR_FORWARD_TO_OTHERS');
    assert.equal(r.partitions.length, 1);
    assert.equal(r.partitions[0]!.primary, '127.0.0.1:34602');
    assert.deepEqual(r.partitions[0]!.hp_primary, { host: '127.0.0.1', port: 34602, type: 1 });
    // Vector S8 (docs/PROTOCOL.md 11), row by row.
    const s8 = [
      '00 00 00 dd 00 00 00 06 45 52 52 5f 4f 4b 80 01',
      '00 02 00 00 00 2a 52 50 43 5f 43 4d 5f 51 55 45',
      '52 59 5f 50 41 52 54 49 54 49 4f 4e 5f 43 4f 4e',
      '46 49 47 5f 42 59 5f 49 4e 44 45 58 5f 41 43 4b',
      '00 00 00 01 0c 00 00 0c 00 01 00 00 00 15 45 52',
      '52 5f 46 4f 52 57 41 52 44 5f 54 4f 5f 4f 54 48',
      '45 52 53 08 00 02 00 00 00 00 08 00 03 00 00 00',
      '00 02 00 04 00 0f 00 05 0c 00 00 00 01 0c 00 01',
      '00 00 00 00 00 00 00 00 0a 00 02 00 00 00 00 00',
      '00 00 00 08 00 03 00 00 00 00 0c 00 04 7f 00 00',
      '01 87 2a 00 01 0f 00 05 0c 00 00 00 00 0f 00 06',
      '0c 00 00 00 00 0a 00 07 00 00 00 00 00 00 00 00',
      '08 00 08 00 00 00 00 0c 00 09 00 00 00 09 31 32',
      '37 2e 30 2e 30 2e 31 87 2a 01 00 00 00',
    ]
      .join(' ')
      .replaceAll(' ', '');
    assert.equal(Buffer.concat(chunks).toString('hex'), s8);
    // Other meta RPCs carry the error without an address.
    assert.equal(follower.ok('RPC_CM_LIST_APPS', { status: 0 }).err, 'ERR_FORWARD_TO_OTHERS');
    box.close();
  });

  it('a leader that is not ready answers ERR_SERVICE_NOT_ACTIVE', () => {
    const box = createSimOnebox({ seed: 12, metas: 2, detectMs: 2000 });
    assert.equal(box.fault({ node: '127.0.0.1:34602', kind: 'leader', ms: 500 }).ok, true);
    const m = new SimRawClient(box.sim, '127.0.0.1:34602');
    assert.equal(querySim(m, 'temp').err, 'ERR_SERVICE_NOT_ACTIVE');
    box.sim.runFor(600);
    assert.equal(querySim(m, 'temp').err, 'ERR_OK');
    box.close();
  });
});
