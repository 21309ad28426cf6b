// Which waiting calls a node becoming usable wakes (core/client/node-kind.ts onNodeUsable): a call
// waiting for its partition's primary proceeds as soon as that node's connection is ready.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES } from '../machines/index.ts';
import { GET, get, META, N1, N2, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { CoreHarness, getReply } from './helpers/core-harness.ts';

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
