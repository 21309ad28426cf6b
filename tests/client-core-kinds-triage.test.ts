// Which waiting calls a node becoming usable wakes (core/client/node-kind.ts onNodeUsable): a call
// waiting for its partition's primary proceeds as soon as that node's connection is ready. Also the
// table kind's edges (core/client/table-kind.ts: abandoned queries, a query while its meta connects,
// an open's cause and its abort) and where an admin call leaves the meta leader guess
// (core/client/meta-calls.ts) when every meta is down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_TABLE } from '../core/client/meta-calls.ts';
import type { RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { GET, get, META, META2, N1, N2, open, QUERY, sentTo, world } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  CoreHarness,
  errorReply,
  getReply,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';
import { fullScanSpec } from './helpers/scanner-spec.ts';

const META3 = '127.0.0.1:34603';
const METAS = [META, META2, META3];
/** an admin call (query_cfg through the admin table): it goes to the meta leader guess */
const adminQuery = (timeoutMs: number) =>
  ({
    table: ADMIN_TABLE,
    rpc: QUERY,
    args: { app_name: 't', partition_indices: [] as number[] },
    partitionHash: 0n,
    idempotent: true,
    timeoutMs,
  }) as const;
const metaOk = (req: RequestFrame): ServerAnswer =>
  queryCfgReply(req, { app_id: 4, partition_count: 1, partitions: [] });
/** the metas, in order, that were asked something from `fromMs` on */
const metasAsked = (h: BudgetHarness, fromMs: number) =>
  h.sent.filter((x) => x.atMs >= fromMs && METAS.includes(x.address)).map((x) => x.address);

describe('a node becoming usable wakes the calls waiting for it', () => {
  it("a call waiting for its primary's connection is sent as soon as the primary is ready", () => {
    const { h } = world(MACHINES, { options: { reconnectBackoffMs: 50, reconnectBackoffCapMs: 50 } });
    open(h);
    h.connectBehaviour.set(N1, 'refuse');
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    const first = h.call(get(5000));
    h.runUntil(h.nowMs + 5);
    assert.equal(h.core.nodeHealth(N1), 'down');
    // a call routed while its primary is known down waits in its table for a usable route
    const id = h.call(get(5000));
    h.runUntil(h.nowMs + 5);
    assert.equal(h.settledOf(first), undefined, 'still waiting');
    assert.equal(h.settledOf(id), undefined, 'still waiting');
    h.connectBehaviour.set(N1, 'accept');
    h.runUntil(h.nowMs + 400);
    const connects = h.commands.filter((c) => c.cmd.type === 'connect' && c.cmd.address === N1);
    // refused at 11, reconnected after the 50 ms backoff (not by a call)
    assert.deepEqual(
      connects.map((c) => c.atMs),
      [10, 60],
    );
    const reconnect = 60;
    // the connection opens 1 ms after its connect: the call goes out then, not at a later retry
    assert.deepEqual(
      sentTo(h, N1, GET).map((s) => s.atMs),
      [reconnect + 1, reconnect + 1],
    );
    for (const c of [first, id])
      assert.deepEqual([h.settledOf(c)?.ok, h.settledOf(c)?.atMs], [true, reconnect + 2]);
  });
});

describe('another node becoming usable', () => {
  it('does not wake a call waiting for its own down primary, nor send it to that other node', () => {
    const { h } = world(MACHINES, { options: { reconnectBackoffMs: 1000, reconnectBackoffCapMs: 1000 } });
    open(h);
    h.connectBehaviour.set(N1, 'refuse');
    h.call(get(5000));
    h.runUntil(h.nowMs + 5);
    assert.equal(h.core.nodeHealth(N1), 'down');
    const id = h.call(get(5000));
    h.runUntil(h.nowMs + 5);
    // a GET pinned to N2 connects N2: N2 becoming ready is no route for the waiting GETs
    h.call({ ...get(5000), pinnedNode: N2 });
    h.runUntil(h.nowMs + 20);
    assert.equal(h.core.nodeHealth(N2), 'ready');
    assert.equal(sentTo(h, N2, GET).length, 1, 'only the pinned GET');
    assert.equal(h.settledOf(id), undefined);
  });
});

describe('a malformed frame', () => {
  it("a meta's malformed answer is recorded as ERR_PROTOCOL in the open's meta errors", () => {
    const h = new CoreHarness({ metaServers: [META] });
    // a frame whose header claims an impossible length
    h.scripts.set(META, () => ({
      kind: 'reply',
      bytes: Buffer.from('THFT\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1'),
    }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 500 });
    h.runUntil(600);
    const cmd = h.commands.map((c) => c.cmd).find((c) => c.type === 'tableOpened');
    assert.ok(cmd !== undefined && !cmd.ok, 'open failed');
    assert.deepEqual(cmd.failure.metaErrors, [{ address: META, code: 'ERR_PROTOCOL' }]);
  });
});

describe('refresh observations', () => {
  it("a table polling meta for a call's route reports the refresh's table and phase", () => {
    const { h } = world(MACHINES, { options: { reconnectBackoffMs: 1000, reconnectBackoffCapMs: 1000 } });
    open(h);
    h.connectBehaviour.set(N1, 'refuse');
    h.call(get(5000));
    h.runUntil(h.nowMs + 200);
    const refreshes = h.commands
      .map((c) => c.cmd)
      .flatMap((c) => (c.type === 'observe' && c.event.kind === 'refresh' ? [c.event] : []));
    assert.deepEqual(refreshes.slice(0, 4), [
      { kind: 'refresh', table: 't', phase: 'query' },
      { kind: 'refresh', table: 't', phase: 'poll' },
      { kind: 'refresh', table: 't', phase: 'query' },
      { kind: 'refresh', table: 't', phase: 'poll' },
    ]);
  });
});

describe('an admin call while every meta is down', () => {
  it('leaves the leader guess one past the last meta it tried: the next admin call asks that meta first', () => {
    const h = new BudgetHarness({ metaServers: METAS, seed: 3, machines: MACHINES });
    for (const m of METAS) h.connectBehaviour.set(m, 'refuse');
    // tries META, META2, META3 (each refused), then waits for one; it ends before any comes back
    const first = h.call(adminQuery(20));
    h.runUntil(30);
    assert.equal(h.settledOf(first)?.code, 'ERR_TIMEOUT');
    for (const m of METAS) {
      h.connectBehaviour.set(m, 'accept');
      h.scripts.set(m, metaOk);
    }
    h.runUntil(300); // every meta's back-off is over: all idle, none preferred by its health
    const from = h.nowMs;
    const next = h.call(adminQuery(1000));
    h.runUntil(from + 100);
    assert.equal(h.settledOf(next)?.ok, true);
    assert.deepEqual(metasAsked(h, from), [META]);
  });

  it('is not woken by a data node becoming ready: the leader guess stays where it was', () => {
    const { h } = world(MACHINES, { metas: METAS });
    open(h);
    h.scripts.set(N2, (req) => getReply(req, 'v'));
    for (const m of METAS) h.connectBehaviour.set(m, 'refuse');
    h.dropConnection(META);
    const start = h.nowMs;
    const admin = h.call(adminQuery(20)); // META down, META2 and META3 refused: it waits
    h.runUntil(start + 5);
    assert.deepEqual(
      METAS.map((m) => h.core.nodeHealth(m)),
      ['down', 'down', 'down'],
    );
    // a data node becomes ready while the admin call waits
    const pinned = h.call({ ...get(1000), pinnedNode: N2 });
    h.runUntil(start + 30);
    assert.equal(h.settledOf(pinned)?.ok, true);
    assert.equal(h.settledOf(admin)?.code, 'ERR_TIMEOUT');
    for (const m of METAS) {
      h.connectBehaviour.set(m, 'accept');
      h.scripts.set(m, metaOk);
    }
    h.runUntil(start + 300);
    const from = h.nowMs;
    const next = h.call(adminQuery(1000));
    h.runUntil(from + 100);
    assert.equal(h.settledOf(next)?.ok, true);
    assert.deepEqual(metasAsked(h, from), [META], 'one past META3, the last meta tried');
  });
});

describe('table kind', () => {
  it('a query abandoned at its timeout leaves nothing pending on the meta connection', () => {
    const h = new BudgetHarness({ metaServers: [META, META2], seed: 3, machines: MACHINES });
    h.scripts.set(META, () => ({ kind: 'silent' }));
    h.scripts.set(META2, () => ({ kind: 'silent' }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 60_000 });
    h.runUntil(10);
    assert.equal(h.core.metaQueriesInFlight('t'), 1);
    // the query timeout (1 s by default) abandons the query; the next goes to META2 after a back-off
    let max = 0;
    for (let t = 20; t <= 5000; t += 10) {
      h.runUntil(t);
      max = Math.max(max, h.core.metaQueriesInFlight('t'));
    }
    assert.ok(sentTo(h, META2, QUERY).length >= 1, 'queried again after the timeout');
    assert.equal(max, 1, 'at most the current query is pending');
  });

  it('two tables opened in the same instant share the meta connection being opened', () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 3, machines: MACHINES });
    h.scripts.set(META, (req) => queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [] }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.feed({ type: 'openTable', requestId: 2, table: 'u', timeoutMs: 1000 });
    h.runUntil(50);
    assert.deepEqual(h.opened, [
      { requestId: 1, ok: true, code: null },
      { requestId: 2, ok: true, code: null },
    ]);
    const settledAt = h.commands.filter((c) => c.cmd.type === 'tableOpened').map((c) => c.atMs);
    assert.deepEqual(settledAt, [2, 2], 'both answered by the first connection, no back-off');
    assert.equal(sentTo(h, META, QUERY).length, 2);
  });

  it("an open failed by meta's verdict carries meta's answer as its cause; a reused verdict carries none", () => {
    const { h } = world(MACHINES);
    h.scripts.set(META, (req) => queryCfgReply(req, { err: 'ERR_OBJECT_NOT_FOUND' }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(20);
    h.feed({ type: 'openTable', requestId: 2, table: 't', timeoutMs: 1000 });
    h.runUntil(40);
    const failures = h.commands.flatMap((c) =>
      c.cmd.type === 'tableOpened' && !c.cmd.ok
        ? [[c.cmd.requestId, c.cmd.failure.code, c.cmd.failure.cause]]
        : [],
    );
    assert.deepEqual(failures, [
      [1, 'ERR_APP_NOT_EXIST', 'ERR_OBJECT_NOT_FOUND'],
      [2, 'ERR_APP_NOT_EXIST', null],
    ]);
  });

  it('aborting an open that already settled changes nothing', () => {
    const { h } = world(MACHINES);
    open(h);
    const commands = h.feed({ type: 'abortOpen', requestId: 1, table: 't', error: 'ERR_ABORTED' });
    assert.deepEqual(commands, []);
    assert.deepEqual(h.opened, [{ requestId: 1, ok: true, code: null }]);
    // and one still pending is failed once, with the abort's code
    h.scripts.set(META, () => ({ kind: 'silent' }));
    h.feed({ type: 'openTable', requestId: 2, table: 'u', timeoutMs: 1000 });
    h.runUntil(h.nowMs + 5);
    h.feed({ type: 'abortOpen', requestId: 2, table: 'u', error: 'ERR_ABORTED' });
    h.feed({ type: 'abortOpen', requestId: 2, table: 'u', error: 'ERR_ABORTED' });
    h.runUntil(h.nowMs + 2000);
    assert.deepEqual(h.opened.slice(1), [{ requestId: 2, ok: false, code: 'ERR_ABORTED' }]);
  });
});

describe("a scanner's call (core/client/call-kind.ts, a call the core owns)", () => {
  it('a scan failing after a rejection names the rejection as its cause', () => {
    const { h } = world(MACHINES);
    // stale routing first (retried after meta answers again), then a busy replica (not retried)
    const answers = ['ERR_INVALID_STATE', 'ERR_BUSY'];
    h.scripts.set(N1, (req) => errorReply(req, answers.shift() ?? 'ERR_BUSY'));
    open(h);
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
    h.runUntil(h.nowMs + 400);
    const settle = h.commands.map((c) => c.cmd).find((c) => c.type === 'settle' && c.callId === 100);
    assert.ok(settle?.type === 'settle' && !settle.ok, 'the scan failed');
    assert.equal(settle.failure.code, 'ERR_BUSY');
    assert.equal(settle.failure.cause, 'ERR_INVALID_STATE');
    assert.deepEqual(
      settle.failure.attempts.map((a) => a.outcome),
      ['ERR_INVALID_STATE', 'ERR_BUSY'],
    );
  });
});
