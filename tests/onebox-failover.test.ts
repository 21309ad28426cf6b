// Failure detection, the two-step failover, rejoin and durability, on the simulated network.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartitionConfiguration } from '../core/wire/types.ts';
import { createSimOnebox, type SimOnebox } from '../onebox/index.ts';
import { bytes, querySim, routeIn, text } from './helpers/onebox-fixtures.ts';
import { fullKey, SimRawClient } from './helpers/onebox-raw-client.ts';

const TUNING = { detectMs: 1000, beaconMs: 200, promoteDelayMs: 100, learnMs: 50, prepareTimeoutMs: 300 };

function partitionOf(_box: SimOnebox, meta: SimRawClient, hashKey: string): PartitionConfiguration {
  return routeIn(querySim(meta, 'temp'), hashKey).config;
}

/** Polls the meta over the wire every ~10 ms; returns the distinct (ballot, primary) states seen. */
function watchBallots(
  box: SimOnebox,
  meta: SimRawClient,
  hashKey: string,
  until: (p: PartitionConfiguration) => boolean,
) {
  const seen: Array<{ ballot: bigint; primary: string; secondaries: string[] }> = [];
  const deadline = box.sim.nowMs() + 10_000;
  for (;;) {
    const p = partitionOf(box, meta, hashKey);
    const last = seen.at(-1);
    if (last === undefined || last.ballot !== p.ballot) {
      seen.push({ ballot: p.ballot, primary: p.primary, secondaries: [...p.secondaries] });
    }
    if (until(p)) return seen;
    if (box.sim.nowMs() > deadline)
      throw new Error(
        `no convergence: ${JSON.stringify(seen, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`,
      );
    box.sim.runFor(10);
  }
}

function putOk(box: SimOnebox, meta: SimRawClient, hashKey: string, sortKey: string, value: string): void {
  const route = routeIn(querySim(meta, 'temp'), hashKey);
  const c = new SimRawClient(box.sim, route.config.primary);
  const r = c.ok(
    'RPC_RRDB_RRDB_PUT',
    { key: fullKey(hashKey, sortKey), value: bytes(value), expire_ts_seconds: 0 },
    {
      header: route.header,
    },
  );
  assert.equal(r.error, 0);
  c.close();
}

function getFromPrimary(
  box: SimOnebox,
  meta: SimRawClient,
  hashKey: string,
  sortKey: string,
): string | undefined {
  const route = routeIn(querySim(meta, 'temp'), hashKey);
  const c = new SimRawClient(box.sim, route.config.primary);
  const r = c.ok('RPC_RRDB_RRDB_GET', fullKey(hashKey, sortKey), { header: route.header });
  c.close();
  return r.error === 0 ? text(r.value) : undefined;
}

describe('onebox failover', () => {
  it('primary crash: ballot b -> b+1 (no primary) -> b+2 (a secondary promoted), after detectMs', () => {
    const box = createSimOnebox({ seed: 21, ...TUNING });
    const meta = new SimRawClient(box.sim, box.metas[0]!);
    const before = partitionOf(box, meta, 'acct');
    const crashAt = box.sim.nowMs();
    assert.equal(box.fault({ node: before.primary, kind: 'crash' }).ok, true);
    const seen = watchBallots(box, meta, 'acct', (p) => p.primary !== '' && p.primary !== before.primary);
    const b = before.ballot;
    assert.deepEqual(
      seen.map((s) => [
        s.ballot,
        s.primary === '' ? 'none' : s.primary === before.primary ? 'old' : 'promoted',
      ]),
      [
        [b, 'old'],
        [b + 1n, 'none'],
        [b + 2n, 'promoted'],
      ],
    );
    assert.ok(before.secondaries.includes(seen[2]!.primary), 'the new primary was a secondary');
    assert.deepEqual(seen[1]!.secondaries, [...before.secondaries], 'step 1 only removes the primary');
    const history = box.cluster.model.history.filter(
      (c) => c.config.primary === '' && c.previous.primary === before.primary,
    );
    const detectedAfter = history[0]!.atMs - crashAt;
    assert.ok(detectedAfter >= 800 && detectedAfter <= 1000 + 200, `detected after ${detectedAfter} ms`);
    box.close();
  });

  it('committed writes survive the primary crash; the restarted node learns and rejoins as secondary (b+3)', () => {
    const box = createSimOnebox({ seed: 22, ...TUNING });
    const meta = new SimRawClient(box.sim, box.metas[0]!);
    const keys = Array.from({ length: 40 }, (_, i) => `user${i}`);
    for (const k of keys) putOk(box, meta, k, 's', `v-${k}`);
    const before = partitionOf(box, meta, 'user0');
    box.fault({ node: before.primary, kind: 'crash' });
    watchBallots(box, meta, 'user0', (p) => p.ballot === before.ballot + 2n);
    // Every partition the crashed node led has a new primary, and every acknowledged write is there.
    box.sim.runFor(300);
    for (const k of keys) assert.equal(getFromPrimary(box, meta, k, 's'), `v-${k}`);
    // New writes go on with two replicas.
    putOk(box, meta, 'user0', 'after', 'x');

    box.fault({ node: before.primary, kind: 'restart' });
    const seen = watchBallots(box, meta, 'user0', (p) => p.secondaries.includes(before.primary));
    const rejoined = seen.at(-1)!;
    assert.equal(rejoined.ballot, before.ballot + 3n);
    // The learner holds a copy of the primary's store: a backup read from it finds the data.
    const route = routeIn(querySim(meta, 'temp'), 'user0', { is_backup_request: true });
    const learner = new SimRawClient(box.sim, before.primary);
    const r = learner.ok('RPC_RRDB_RRDB_GET', fullKey('user0', 'after'), { header: route.header });
    assert.equal(text(r.value), 'x');
    assert.equal(
      box.state().tables[0]!.partitions.every((p) => p.secondaries.length === 2),
      true,
    );
    box.close();
  });

  it('a write is acknowledged only after every live member applied it; a hung secondary is removed after the prepare timeout', () => {
    const box = createSimOnebox({ seed: 23, ...TUNING });
    const meta = new SimRawClient(box.sim, box.metas[0]!);
    const route = routeIn(querySim(meta, 'temp'), 'w');
    const [s1, s2] = route.config.secondaries as [string, string];
    const c = new SimRawClient(box.sim, route.config.primary);
    const h = { header: route.header };
    c.ok('RPC_RRDB_RRDB_PUT', { key: fullKey('w', 'a'), value: bytes('1'), expire_ts_seconds: 0 }, h);
    const idx = route.header.partition_index;
    for (const s of [route.config.primary, s1, s2]) {
      assert.equal(box.cluster.replica(s)!.store(route.header.app_id, idx)!.lastDecree, 1n, `${s} applied`);
    }
    box.fault({ node: s1, kind: 'hang' });
    const start = box.sim.nowMs();
    const r = c.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('w', 'b'), value: bytes('2'), expire_ts_seconds: 0 },
      {
        ...h,
        timeoutMs: 2000,
      },
    );
    assert.equal(r.kind === 'reply' && r.error, 'ERR_OK');
    const waited = box.sim.nowMs() - start;
    assert.ok(waited >= 300 && waited < 400, `acknowledged after ${waited} ms`);
    const now = partitionOf(box, meta, 'w');
    assert.equal(now.ballot, route.config.ballot + 1n);
    assert.deepEqual(now.secondaries, [s2]);
    box.close();
  });

  it('with both secondaries gone, writes get ERR_NOT_ENOUGH_MEMBER (reads still work)', () => {
    const box = createSimOnebox({ seed: 24, ...TUNING });
    const meta = new SimRawClient(box.sim, box.metas[0]!);
    const route = routeIn(querySim(meta, 'temp'), 'n');
    const c = new SimRawClient(box.sim, route.config.primary);
    c.ok(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('n', 'a'), value: bytes('1'), expire_ts_seconds: 0 },
      { header: route.header },
    );
    for (const s of route.config.secondaries) box.fault({ node: s, kind: 'crash' });
    watchBallots(box, meta, 'n', (p) => p.secondaries.length === 0);
    const w = c.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('n', 'b'), value: bytes('2'), expire_ts_seconds: 0 },
      {
        header: route.header,
      },
    );
    assert.equal(w.kind === 'reply' && w.error, 'ERR_NOT_ENOUGH_MEMBER');
    assert.equal(text(c.ok('RPC_RRDB_RRDB_GET', fullKey('n', 'a'), { header: route.header }).value), '1');
    box.close();
  });

  it('meta leader crash: followers point at the old leader until metaFailoverMs, then a new leader serves', () => {
    const box = createSimOnebox({ seed: 25, metas: 3, ...TUNING, metaFailoverMs: 500 });
    const [m1, m2] = box.metas as [string, string];
    box.fault({ node: m1, kind: 'crash' });
    const follower = new SimRawClient(box.sim, m2);
    const first = querySim(follower, 'temp');
    assert.equal(first.err, 'ERR_FORWARD_TO_OTHERS');
    assert.equal(first.partitions[0]!.primary, m1);
    box.sim.runFor(600);
    assert.equal(querySim(follower, 'temp').err, 'ERR_OK');
    assert.equal(box.state().leader, m2);
    // Failure detection continues under the new leader.
    const before = partitionOf(box, follower, 'x');
    box.fault({ node: before.primary, kind: 'crash' });
    const seen = watchBallots(box, follower, 'x', (p) => p.ballot === before.ballot + 2n);
    assert.equal(seen.length, 3);
    box.close();
  });

  it('a primary that hangs longer than detectMs is replaced; when it wakes it answers ERR_INVALID_STATE', () => {
    const box = createSimOnebox({ seed: 26, ...TUNING });
    const meta = new SimRawClient(box.sim, box.metas[0]!);
    const route = routeIn(querySim(meta, 'temp'), 'h');
    box.fault({ node: route.config.primary, kind: 'hang', ms: 2000 });
    watchBallots(box, meta, 'h', (p) => p.ballot === route.config.ballot + 2n);
    box.sim.runFor(1500);
    const old = new SimRawClient(box.sim, route.config.primary);
    const r = old.call(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('h', 'a'), value: bytes('1'), expire_ts_seconds: 0 },
      {
        header: route.header,
      },
    );
    assert.equal(r.kind === 'reply' && r.error, 'ERR_INVALID_STATE');
    // It beacons again and is brought back as a secondary.
    const seen = watchBallots(box, meta, 'h', (p) => p.secondaries.includes(route.config.primary));
    assert.equal(seen.at(-1)!.ballot, route.config.ballot + 3n);
    box.close();
  });
});
