// The client core's topology rules (docs/PROTOCOL.md 7.4, 7.5) against scripted servers: a split
// child with ballot < 0 is served by its parent, ERR_PARENT_PARTITION_MISUSED refreshes the whole
// table, ERR_SPLITTING is resent after a back-off without asking meta, a halved count is taken, and
// any other count or a new app_id discards what was cached, ballots included. Each test names the
// one-character change it pins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeKey, partitionHash, partitionIndex } from '../core/routing/index.ts';
import type { RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { GET, META, N1, N2, N3, QUERY, sentTo } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  argsOf,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';

/** a hash key whose partition among 8 is `index` */
function keyOf(index: number): string {
  for (let i = 0; ; i++) {
    const k = `k${i}`;
    if (partitionIndex(partitionHash(Buffer.from(k), Buffer.from('s')), 8) === index) return k;
  }
}

const getOf = (hashKey: string, timeoutMs = 1000) =>
  ({
    table: 't',
    rpc: 'RPC_RRDB_RRDB_GET',
    args: encodeKey(Buffer.from(hashKey), Buffer.from('s')),
    partitionHash: partitionHash(Buffer.from(hashKey), Buffer.from('s')),
    idempotent: true,
    timeoutMs,
  }) as const;

type Part = [index: number, ballot: bigint, primary: string];

/** a scripted meta whose answer is whatever `config` holds when it is asked */
function cluster() {
  const h = new BudgetHarness({ metaServers: [META], seed: 7, machines: MACHINES, ...PINNED });
  const config = { appId: 1, count: 4, parts: [] as Part[] };
  // as the real meta: only the partitions asked for, every one when none is named
  h.scripts.set(META, (req) => {
    const asked = argsOf(QUERY, req).partition_indices;
    return queryCfgReply(req, {
      app_id: config.appId,
      partition_count: config.count,
      partitions: config.parts
        .filter(([i]) => asked.length === 0 || asked.includes(i))
        .map(([i, b, p]) => partitionConfig(config.appId, i, b, p)),
    });
  });
  const open = () => {
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(h.nowMs + 10);
    assert.equal(h.opened.at(-1)?.ok, true, 'table opened');
  };
  return { h, config, open };
}

const parents = (ballot: bigint, primary: string): Part[] => [0, 1, 2, 3].map((i) => [i, ballot, primary]);
const sentHeader = (f: RequestFrame) => [f.header.app_id, f.header.partition_index, f.header.partition_hash];

describe('client core: topology changes', () => {
  const child = 5; // parent 1
  const key = keyOf(child);
  const hash = getOf(key).partitionHash;

  it('a split child with ballot -1 is served by its parent, with the real hash in the header (pins `< 0`)', () => {
    for (const [ballot, to, index] of [
      [-1n, N1, child - 4],
      [0n, N2, child], // ballot 0 is a real ballot: Go's "> 0 is valid" would misroute this
    ] as const) {
      const { h, config, open } = cluster();
      config.count = 8;
      config.parts = [...parents(3n, N1), [4, -1n, ''], [child, ballot, ballot < 0n ? '' : N2]];
      h.scripts.set(N1, (req) => getReply(req, 'parent'));
      h.scripts.set(N2, (req) => getReply(req, 'child'));
      open();
      const id = h.call(getOf(key));
      h.runUntil(h.nowMs + 20);
      assert.equal(h.settledOf(id)?.ok, true, `ballot ${ballot}`);
      const sent = sentTo(h, to, GET);
      assert.equal(sent.length, 1, `ballot ${ballot}: sent to ${to}`);
      assert.deepEqual(sentHeader(sent[0]!.frame), [1, index, hash]);
    }
  });

  it("a parent's ERR_PARENT_PARTITION_MISUSED refreshes the whole table, then the call goes to the child", () => {
    const { h, config, open } = cluster();
    config.parts = parents(3n, N1);
    let misused = 0;
    h.scripts.set(N1, (req) => {
      if (req.header.partition_index === 1 && (req.header.partition_hash & 7n) === BigInt(child)) {
        misused++;
        return errorReply(req, 'ERR_PARENT_PARTITION_MISUSED');
      }
      return getReply(req, 'parent');
    });
    h.scripts.set(N2, (req) => getReply(req, 'child'));
    open();
    // the split has finished on the servers; the client still holds 4 partitions
    config.count = 8;
    config.parts = [...parents(3n, N1), [4, 4n, N1], [child, 4n, N2], [6, 4n, N1], [7, 4n, N1]];
    const id = h.call(getOf(key));
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(misused, 1);
    const queries = sentTo(h, META, QUERY);
    assert.deepEqual(
      argsOf(QUERY, queries.at(-1)!.frame).partition_indices,
      [],
      'the whole table is asked for',
    );
    assert.deepEqual(sentHeader(sentTo(h, N2, GET)[0]!.frame), [1, child, hash]);
    assert.equal(h.core.routeTable('t')?.partitionCount, 8);
  });

  it('ERR_SPLITTING: the call is resent to the same primary after a back-off, and meta is not asked', () => {
    const { h, config, open } = cluster();
    config.parts = parents(3n, N1);
    let n = 0;
    h.scripts.set(
      N1,
      (req): ServerAnswer => (n++ === 0 ? errorReply(req, 'ERR_SPLITTING') : getReply(req, 'v')),
    );
    open();
    const queries = sentTo(h, META, QUERY).length;
    const id = h.call(getOf(key));
    h.runUntil(h.nowMs + 200);
    assert.equal(h.settledOf(id)?.ok, true);
    const sends = sentTo(h, N1, GET);
    assert.equal(sends.length, 2);
    assert.ok(sends[1]!.atMs - sends[0]!.atMs >= PINNED.retryBackoffMs, 'resent after the back-off');
    assert.equal(sentTo(h, META, QUERY).length, queries, 'no meta query');
  });

  it('a cancelled split (count halved) is taken: the child key goes back to its parent', () => {
    const { h, config, open } = cluster();
    config.count = 8;
    config.parts = [...parents(3n, N1), [4, 4n, N1], [child, 4n, N2], [6, 4n, N1], [7, 4n, N1]];
    h.scripts.set(N1, (req) => getReply(req, 'parent'));
    let cancelled = false;
    h.scripts.set(N2, (req) =>
      cancelled ? errorReply(req, 'ERR_OBJECT_NOT_FOUND') : getReply(req, 'child'),
    );
    open();
    const first = h.call(getOf(key));
    h.runUntil(h.nowMs + 20);
    assert.equal(h.settledOf(first)?.ok, true);
    cancelled = true;
    config.count = 4;
    config.parts = parents(3n, N1);
    const second = h.call(getOf(key));
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(second)?.ok, true);
    assert.deepEqual(sentHeader(sentTo(h, N1, GET).at(-1)!.frame), [1, child - 4, hash]);
    assert.equal(h.core.routeTable('t')?.partitionCount, 4);
  });

  it('a halved count keeps the ballots: a late answer from before the split rolls no primary back (pins the cancel guard)', () => {
    const { h, config, open } = cluster();
    config.count = 8;
    config.parts = [...parents(3n, N1), [4, 4n, N2], [child, 4n, N2], [6, 4n, N2], [7, 4n, N2]];
    h.scripts.set(N1, (req) => getReply(req, 'parent'));
    let rejected = false;
    h.scripts.set(N2, (req) => {
      if (rejected) return getReply(req, 'child');
      rejected = true;
      return errorReply(req, 'ERR_OBJECT_NOT_FOUND');
    });
    open();
    // an older configuration: 4 partitions, the parent under an older ballot on N3
    config.count = 4;
    config.parts = parents(2n, N3);
    const id = h.call(getOf(key));
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(sentTo(h, N3, GET).length, 0, 'nothing sent to the primary of an older ballot');
    assert.deepEqual(sentHeader(sentTo(h, N1, GET).at(-1)!.frame), [1, child - 4, hash]);
  });

  it("a doubled count keeps the parents' ballots: an older parent entry in it is not taken (pins the split guard)", () => {
    const { h, config, open } = cluster();
    config.parts = parents(3n, N1);
    h.scripts.set(N1, (req) =>
      (req.header.partition_hash & 7n) === BigInt(child)
        ? errorReply(req, 'ERR_PARENT_PARTITION_MISUSED')
        : getReply(req, 'parent'),
    );
    h.scripts.set(N2, (req) => getReply(req, 'child'));
    open();
    config.count = 8;
    config.parts = [...parents(2n, N3), [4, 4n, N2], [child, 4n, N2], [6, 4n, N2], [7, 4n, N2]];
    const toChild = h.call(getOf(key));
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(toChild)?.ok, true);
    // the parent's cached entry was invalidated by the rejection; meta names it again
    config.parts = [...parents(3n, N1), [4, 4n, N2], [child, 4n, N2], [6, 4n, N2], [7, 4n, N2]];
    const toParent = h.call(getOf(keyOf(1)));
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(toParent)?.ok, true);
    assert.equal(sentTo(h, N3, GET).length, 0, 'nothing sent to the primary of an older ballot');
  });

  it('a recreated table learnt from an answer about some partitions: calls waiting for others are routed (traces/topology-*-stale-partition-after-recreate)', () => {
    const { h, config, open } = cluster();
    config.parts = parents(3n, N1);
    h.scripts.set(N2, (req) => getReply(req, 'new'));
    h.scripts.set(N1, (req) => getReply(req, 'old'));
    open();
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_OBJECT_NOT_FOUND'));
    config.appId = 2;
    config.count = 8;
    config.parts = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, 3n, N2] as Part);
    const ids = [4, 7].map((p) => h.call(getOf(keyOf(p))));
    h.runUntil(h.nowMs + 900);
    for (const id of ids) assert.equal(h.settledOf(id)?.ok, true, `call ${id}`);
  });

  for (const [what, appId, count] of [
    ['a count neither equal, double nor half (pins the count guard)', 1, 3],
    ['a new app_id with the same count (pins the app_id guard)', 2, 4],
  ] as const) {
    it(`${what} discards the cache, ballots included: lower ballots are taken`, () => {
      const { h, config, open } = cluster();
      config.parts = parents(10n, N1);
      let moved = false;
      h.scripts.set(N1, (req) => (moved ? errorReply(req, 'ERR_OBJECT_NOT_FOUND') : getReply(req, 'old')));
      h.scripts.set(N2, (req) => getReply(req, 'new'));
      open();
      moved = true;
      config.appId = appId;
      config.count = count;
      config.parts = [0, 1, 2].concat(count === 4 ? [3] : []).map((i) => [i, 1n, N2] as Part);
      const id = h.call(getOf(key));
      h.runUntil(h.nowMs + 500);
      assert.equal(h.settledOf(id)?.ok, true, 'served by the new configuration');
      const sent = sentTo(h, N2, GET)[0]!.frame;
      assert.deepEqual(sentHeader(sent), [appId, partitionIndex(hash, count), hash]);
      assert.deepEqual(h.core.routeTable('t')?.partitions[partitionIndex(hash, count)]?.ballot, 1n);
    });
  }
});
