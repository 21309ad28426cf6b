// What meta's answer to a routing query does besides storing routes (core/client/replies.ts
// applyConfig): which calls it moves at once, and the routing observation it reports (only for an
// answer that changed something, naming what changed). Scripted servers and virtual time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { MACHINES } from '../machines/index.ts';
import { GET, get, META, N1, N2, open, QUERY, sentTo, world } from './fixtures/machines/kill-world.ts';
import type { BudgetHarness } from './helpers/budget-harness.ts';
import { argsOf, errorReply, getReply, partitionConfig, queryCfgReply } from './helpers/core-harness.ts';

/** the routing observations the core reported, with when */
const routingSeen = (h: BudgetHarness) =>
  h.commands.flatMap((c) =>
    c.cmd.type === 'observe' && c.cmd.event.kind === 'routing' ? [{ atMs: c.atMs, event: c.cmd.event }] : [],
  );

describe('client core: a routing answer moves the calls in flight on a partition it moved', () => {
  it('an idempotent call awaiting a silent primary goes to the new primary as soon as meta names it', () => {
    const { h, cfg } = world(MACHINES);
    open(h);
    // N1 never answers the first GET; it rejects the second as stale routing, which makes the table
    // ask meta again, and meta now names N2
    let gets = 0;
    h.scripts.set(N1, (req) => (gets++ === 0 ? { kind: 'silent' } : errorReply(req, 'ERR_INVALID_STATE')));
    h.scripts.set(N2, (req) => getReply(req, 'v'));
    const inFlight = h.call(get(5000));
    h.runUntil(h.nowMs + 5);
    cfg.ballot = 2n;
    cfg.primary = N2;
    const rejected = h.call(get(5000));
    h.runUntil(h.nowMs + 300);
    const answeredAt = routingSeen(h).at(-1)!.atMs;
    assert.equal(sentTo(h, META, QUERY).length, 2, 'one refresh');
    // both go to N2 once its connection opens (1 ms after the answer): the silent attempt is not
    // left to its 400 ms attempt timeout
    assert.deepEqual(
      sentTo(h, N2, GET).map((s) => s.atMs),
      [answeredAt + 1, answeredAt + 1],
    );
    assert.equal(h.settledOf(inFlight)?.ok, true);
    assert.ok(h.settledOf(inFlight)!.atMs < answeredAt + 10, `settled at ${h.settledOf(inFlight)!.atMs}`);
    assert.equal(h.settledOf(rejected)?.ok, true);
  });
});

describe('client core: routing observations', () => {
  it('meta answers that change nothing (polls while a primary is down) report no routing observation', () => {
    const { h } = world(MACHINES, { options: { reconnectBackoffMs: 1000, reconnectBackoffCapMs: 1000 } });
    open(h);
    h.connectBehaviour.set(N1, 'refuse');
    h.call(get(5000));
    h.runUntil(h.nowMs + 600);
    assert.ok(sentTo(h, META, QUERY).length >= 3, 'the table polled meta while its call waited');
    assert.equal(routingSeen(h).length, 1, 'only the first answer changed the routes');
  });

  it('the observation names the table, its app id and partition count, and each changed partition', () => {
    const { h } = world(MACHINES);
    open(h);
    assert.deepEqual(
      routingSeen(h).map((o) => o.event),
      [
        {
          kind: 'routing',
          table: 't',
          appId: 1,
          partitionCount: 1,
          changed: [{ index: 0, ballot: 1n, primary: N1 }],
        },
      ],
    );
  });
});

describe("client core: meta's answers that teach only part of the table", () => {
  /**
   * Meta answers in turn from `answers` (the first opens the table); each get is rejected as stale
   * routing by N1 until `rejections` run out. Returns the partitions each query asked for.
   */
  function queriesAfter(answers: Array<Parameters<typeof queryCfgReply>[1]>, rejections: number) {
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, answers.shift() ?? answers.at(-1) ?? {}));
    open(h);
    let left = rejections;
    h.scripts.set(N1, (req) => (left-- > 0 ? errorReply(req, 'ERR_INVALID_STATE') : getReply(req, 'v')));
    const id = h.call(get(5000));
    h.runUntil(h.nowMs + 1000);
    const asked = sentTo(h, META, QUERY).map((q) => argsOf(QUERY, q.frame).partition_indices);
    return { asked, settled: h.settledOf(id) };
  }
  const p = (index: number, ballot: bigint) => partitionConfig(1, index, ballot, N1);

  const one = { app_id: 1, partition_count: 1, partitions: [p(0, 1n)] };

  it('a split, a cancelled split or a recreation learned from an answer about one partition: the next query asks for the whole table', () => {
    // four partitions, partition 1 not known: halving keeps 0 and 1, and the answer names only 0
    const four = { app_id: 1, partition_count: 4, partitions: [p(0, 1n), p(2, 1n), p(3, 1n)] };
    const cases = {
      split: [one, { app_id: 1, partition_count: 2, partitions: [p(0, 2n)] }],
      cancelSplit: [four, { app_id: 1, partition_count: 2, partitions: [p(0, 2n)] }],
      recreated: [one, { app_id: 2, partition_count: 2, partitions: [p(0, 1n)] }],
    };
    for (const [name, [first, partial]] of Object.entries(cases)) {
      const last = { ...partial!, partitions: [p(0, 3n), p(1, 3n)] };
      const { asked, settled } = queriesAfter([first!, partial!, last], 2);
      assert.equal(settled?.ok, true, name);
      // the open's full query, then the stale partition only, then (the table known in part) all
      assert.equal(asked.length, 3, name);
      assert.equal(asked[1]!.length, 1, `${name}: ${JSON.stringify(asked)}`);
      assert.deepEqual(asked[2], [], `${name}: ${JSON.stringify(asked)}`);
    }
  });

  it('a split learned with every partition in the answer: the next query still asks only for what calls need', () => {
    const split = { app_id: 1, partition_count: 2, partitions: [p(0, 2n), p(1, 2n)] };
    const { asked, settled } = queriesAfter([one, split, { ...split, partitions: [p(0, 3n), p(1, 3n)] }], 2);
    assert.equal(settled?.ok, true);
    assert.equal(asked.length, 3);
    assert.equal(asked[2]!.length, 1, `one partition asked for: ${JSON.stringify(asked)}`);
  });

  it('a first answer that lists only some partitions: the next query asks only for what calls need', () => {
    // meta left partition 1 out; nothing was cached before, so this is no split or recreation
    const partial = { app_id: 1, partition_count: 2, partitions: [p(0, 1n)] };
    const full = { app_id: 1, partition_count: 2, partitions: [p(0, 2n), p(1, 2n)] };
    const { asked, settled } = queriesAfter([partial, full], 1);
    assert.equal(settled?.ok, true);
    assert.equal(asked.length, 2);
    assert.equal(asked[1]!.length, 1, `one partition asked for: ${JSON.stringify(asked)}`);
  });

  it('an answer with a partition count no table can have teaches nothing: the open fails, naming it', () => {
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, { app_id: 1, partition_count: 0, partitions: [] }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 300 });
    h.runUntil(400);
    const opened = h.commands.map((c) => c.cmd).find((c) => c.type === 'tableOpened');
    assert.ok(opened?.type === 'tableOpened' && !opened.ok, 'the open failed');
    assert.equal(opened.failure.code, 'ERR_TIMEOUT');
    assert.deepEqual(opened.failure.metaErrors, [{ address: META, code: 'ERR_INVALID_DATA' }]);
    assert.equal(h.core.routeTable('t')?.partitionCount, 0, 'no routes learned');
  });
});

describe('client core: a routing answer and the hedged reads of its table', () => {
  it('a hedged read waiting for a secondary sends its backup once an answer names one that is ready', () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = []; // no secondary at first: the hedge has nowhere to send a backup
    open(h);
    let n1Gets = 0;
    // N1 never answers the hedged read; it rejects the second get as stale routing (a refresh)
    h.scripts.set(N1, (req) => (n1Gets++ === 1 ? errorReply(req, 'ERR_INVALID_STATE') : { kind: 'silent' }));
    h.scripts.set(N2, (req) => getReply(req, 'from-n2'));
    h.call({ ...get(5000), pinnedNode: N2 }); // N2 connected and ready
    h.runUntil(h.nowMs + 10);
    const hedged = h.call({ ...get(5000), hedge: { delayMs: 20, onSuspect: false } });
    h.runUntil(h.nowMs + 50); // past the hedge delay: no secondary, so the hedge stands by
    assert.equal(h.settledOf(hedged), undefined);
    cfg.ballot = 2n;
    cfg.secondaries = [N2]; // meta's next answer names N2 as a secondary
    h.call(get(5000));
    h.runUntil(h.nowMs + 100);
    const answeredAt = routingSeen(h).at(-1)!.atMs;
    const backups = sentTo(h, N2, GET).filter((s) => s.frame.header.is_backup_request);
    assert.deepEqual(
      backups.map((s) => s.atMs),
      [answeredAt],
      'the backup goes out with the answer',
    );
    assert.equal(h.settledOf(hedged)?.ok, true);
  });
});

describe('client core: a recreated table named only in part', () => {
  it('a call in flight on a partition the answer does not name leaves its old node at once', () => {
    // keys 'a' and 'b' (sort key 's') fall in partitions 0 and 1 of a two-partition table
    const read = (hashKey: string) => ({
      ...get(5000),
      args: encodeKey(Buffer.from(hashKey), Buffer.from('s')),
      partitionHash: partitionHash(Buffer.from(hashKey), Buffer.from('s')),
    });
    const p = (app: number, index: number, primary: string) => partitionConfig(app, index, 1n, primary);
    const answers = [
      { app_id: 1, partition_count: 2, partitions: [p(1, 0, N1), p(1, 1, N1)] },
      // the table was dropped and created again: only partition 1 (the one asked for) is named
      { app_id: 2, partition_count: 2, partitions: [p(2, 1, N2)] },
      { app_id: 2, partition_count: 2, partitions: [p(2, 0, N2), p(2, 1, N2)] },
    ];
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, answers.shift() ?? answers.at(-1) ?? {}));
    open(h);
    let n1Gets = 0;
    // N1 never answers the first read; it rejects the second (partition 1) as stale routing
    h.scripts.set(N1, (req) => (n1Gets++ === 1 ? errorReply(req, 'ERR_INVALID_STATE') : { kind: 'silent' }));
    h.scripts.set(N2, (req) => getReply(req, 'v'));
    const inFlight = h.call(read('a'));
    h.runUntil(h.nowMs + 5);
    const rejected = h.call(read('b'));
    h.runUntil(h.nowMs + 300);
    const recreatedAt = routingSeen(h).find((o) => o.event.appId === 2)!.atMs;
    assert.equal(h.settledOf(rejected)?.ok, true);
    const settled = h.settledOf(inFlight);
    assert.equal(settled?.ok, true, 'sent again to the new table, not left to its attempt timeout');
    // it waits for the full query that follows (a poll later), well before its 400 ms attempt timeout
    assert.ok(settled!.atMs < recreatedAt + 200, `settled at ${settled!.atMs}, answer at ${recreatedAt}`);
    const toN2 = sentTo(h, N2, GET).map((x) => x.frame.header.app_id);
    assert.deepEqual(toN2, [2, 2]);
  });
});

describe('client core: an answer that leaves out the partition of a call in flight', () => {
  it('the call keeps its attempt: no second copy is sent while its partition waits for meta', () => {
    // keys 'a' and 'b' (sort key 's') fall in partitions 0 and 1 of a two-partition table
    const read = (hashKey: string) => ({
      ...get(5000),
      args: encodeKey(Buffer.from(hashKey), Buffer.from('s')),
      partitionHash: partitionHash(Buffer.from(hashKey), Buffer.from('s')),
    });
    const p = (index: number, ballot: bigint) => partitionConfig(1, index, ballot, N1);
    const answers = [
      { app_id: 1, partition_count: 2, partitions: [p(0, 1n), p(1, 1n)] },
      // asked for partition 0 (invalidated by a rejection), meta names only partition 1, unchanged
      { app_id: 1, partition_count: 2, partitions: [p(1, 1n)] },
      { app_id: 1, partition_count: 2, partitions: [p(0, 2n), p(1, 1n)] },
    ];
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, answers.shift() ?? answers.at(-1) ?? {}));
    open(h);
    let n1Gets = 0;
    // N1 never answers the first read; it rejects the second (same partition) as stale routing
    h.scripts.set(N1, (req) => {
      n1Gets++;
      if (n1Gets === 1) return { kind: 'silent' };
      return n1Gets === 2 ? errorReply(req, 'ERR_INVALID_STATE') : getReply(req, 'v');
    });
    const inFlight = h.call(read('a'));
    h.runUntil(h.nowMs + 5);
    const rejected = h.call(read('a'));
    h.runUntil(h.nowMs + 300); // well before the silent attempt's 400 ms timeout
    assert.ok(sentTo(h, META, QUERY).length >= 3, 'the partial answer was followed by another query');
    assert.equal(h.settledOf(rejected)?.ok, true);
    // the silent attempt still stands: N1 got it, the rejected read, and that read's retry only
    assert.equal(sentTo(h, N1, GET).length, 3);
    assert.equal(h.settledOf(inFlight), undefined);
  });
});

describe('client core: an answer that changes no route and the hedged reads of its table', () => {
  it("a hedged read's backup waits for its delay although another call's rejection left its partition unrouted", () => {
    // keys 'a' and 'b' (sort key 's') fall in partitions 0 and 1 of a two-partition table
    const read = (hashKey: string) => ({
      ...get(5000),
      args: encodeKey(Buffer.from(hashKey), Buffer.from('s')),
      partitionHash: partitionHash(Buffer.from(hashKey), Buffer.from('s')),
    });
    const p = (index: number, ballot: bigint) => partitionConfig(1, index, ballot, N1, [N2]);
    const answers = [
      { app_id: 1, partition_count: 2, partitions: [p(0, 1n), p(1, 1n)] },
      // asked for partition 0 (invalidated by a rejection), meta names only partition 1, unchanged
      { app_id: 1, partition_count: 2, partitions: [p(1, 1n)] },
      { app_id: 1, partition_count: 2, partitions: [p(0, 1n), p(1, 1n)] },
    ];
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, answers.shift() ?? answers.at(-1) ?? {}));
    open(h);
    let n1Gets = 0;
    // N1 never answers the hedged read; it rejects the next read (same partition) as stale routing
    h.scripts.set(N1, (req) => {
      n1Gets++;
      if (n1Gets === 1) return { kind: 'silent' };
      return n1Gets === 2 ? errorReply(req, 'ERR_INVALID_STATE') : getReply(req, 'v');
    });
    h.scripts.set(N2, (req) => getReply(req, 'from-n2'));
    h.call({ ...read('a'), pinnedNode: N2 }); // N2 connected and ready
    h.runUntil(h.nowMs + 10);
    const calledAt = h.nowMs;
    const hedged = h.call({ ...read('a'), hedge: { delayMs: 100, onSuspect: true } });
    h.runUntil(h.nowMs + 1);
    const rejected = h.call(read('a'));
    h.runUntil(h.nowMs + 300);
    assert.ok(sentTo(h, META, QUERY).length >= 3, 'the partial answer was followed by another query');
    assert.equal(h.settledOf(rejected)?.ok, true);
    // no health or route of the hedged read changed that its hedge was not told: only the delay
    // sends the backup
    const backups = sentTo(h, N2, GET).filter((s) => s.frame.header.is_backup_request);
    assert.deepEqual(
      backups.map((s) => s.atMs),
      [calledAt + 100],
    );
    assert.equal(h.settledOf(hedged)?.ok, true);
  });
});

describe('client core: a cancelled split and the hedged reads it moves', () => {
  it("a hedged read waiting for a down primary sends its backup once the split's cancellation moves it to a partition with a ready secondary", () => {
    // a key of partition 3 of 4, which is partition 1 of 2
    const key = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].find(
      (k) => partitionHash(Buffer.from(k), Buffer.from('s')) % 4n === 3n,
    )!;
    const read = {
      ...get(5000),
      args: encodeKey(Buffer.from(key), Buffer.from('s')),
      partitionHash: partitionHash(Buffer.from(key), Buffer.from('s')),
    };
    const p = (index: number, secondaries: string[]) => partitionConfig(1, index, 1n, N1, secondaries);
    const answers = [
      { app_id: 1, partition_count: 4, partitions: [p(0, []), p(1, [N2]), p(2, []), p(3, [])] },
      // the split is cancelled: the two partitions left are as they were (no entry changes)
      { app_id: 1, partition_count: 2, partitions: [p(0, []), p(1, [N2])] },
    ];
    const { h } = world(MACHINES, { options: { reconnectBackoffMs: 1000, reconnectBackoffCapMs: 1000 } });
    h.scripts.set(META, (req) => queryCfgReply(req, answers.length > 1 ? answers.shift()! : answers[0]!));
    open(h);
    h.scripts.set(N2, (req) => getReply(req, 'from-n2'));
    h.call({ ...read, pinnedNode: N2 }); // N2 connected and ready
    h.runUntil(h.nowMs + 10);
    h.connectBehaviour.set(N1, 'refuse'); // the primary of every partition is down
    const hedged = h.call({ ...read, hedge: { delayMs: 100, onSuspect: true } });
    h.runUntil(h.nowMs + 600);
    // the second query (the waiting read's refresh) is answered with the cancellation
    const askedAt = sentTo(h, META, QUERY)[1]!.atMs;
    const backups = sentTo(h, N2, GET).filter((s) => s.frame.header.is_backup_request);
    assert.equal(backups.length, 1, 'one backup');
    assert.ok(backups[0]!.atMs - askedAt <= 5, `backup at ${backups[0]!.atMs}, query at ${askedAt}`);
    assert.equal(h.settledOf(hedged)?.ok, true);
  });
});
