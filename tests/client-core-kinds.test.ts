// The node and table kinds at the core (core/client/node-kind.ts, table-kind.ts): what a meta
// failure records, which waiting calls a usable node wakes, and what each node health lets a meta
// query do. Pinned because Stryker mutants of these kinds survived the core tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreCommand } from '../core/client/index.ts';
import { CoreHarness, queryCfgReply } from './helpers/core-harness.ts';

const M1 = '127.0.0.1:34601';

type Opened = Extract<CoreCommand, { type: 'tableOpened' }>;
const openedOf = (h: CoreHarness, requestId: number) =>
  h.commands
    .map((c) => c.cmd)
    .find((c): c is Opened => c.type === 'tableOpened' && c.requestId === requestId);
const failureOf = (h: CoreHarness, requestId: number) => {
  const cmd = openedOf(h, requestId);
  assert.ok(cmd !== undefined && !cmd.ok, `open ${requestId} failed`);
  return cmd.failure;
};

describe('what a meta failure records', () => {
  it("a meta's answer after a reconnect is recorded as its answer, not as the earlier connection failure", () => {
    const h = new CoreHarness({ metaServers: [M1] });
    h.connectBehaviour.set(M1, 'refuse');
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(10);
    assert.deepEqual(failureOf(h, 1).metaErrors, [{ address: M1, code: 'ERR_CONNECTION_REFUSED' }]);
    // meta comes back, and answers with an error
    h.connectBehaviour.set(M1, 'accept');
    h.scripts.set(M1, (req) => queryCfgReply(req, { err: 'ERR_UNKNOWN' }));
    h.feed({ type: 'openTable', requestId: 2, table: 't', timeoutMs: 2000 });
    h.runUntil(h.nowMs + 3000);
    const f = failureOf(h, 2);
    assert.equal(f.code, 'ERR_TIMEOUT');
    assert.deepEqual(f.metaErrors, [{ address: M1, code: 'ERR_UNKNOWN' }]);
  });
});

describe('a meta query on a meta known down', () => {
  it('fails at once, recorded with why the connection failed (not as a reset)', () => {
    const h = new CoreHarness({ metaServers: [M1], reconnectBackoffMs: 1000, reconnectBackoffCapMs: 1000 });
    h.connectBehaviour.set(M1, 'refuse');
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(10);
    assert.deepEqual(failureOf(h, 1).metaErrors, [{ address: M1, code: 'ERR_CONNECTION_REFUSED' }]);
    assert.equal(h.core.nodeHealth(M1), 'down');
    // a second open while meta is down (before its reconnect): the next query finds it down
    const connects = h.commands.filter((c) => c.cmd.type === 'connect').length;
    h.feed({ type: 'openTable', requestId: 2, table: 't', timeoutMs: 5000 });
    h.runUntil(500);
    assert.equal(h.core.nodeHealth(M1), 'down');
    const f = failureOf(h, 2);
    assert.equal(f.code, 'ERR_META_UNREACHABLE');
    assert.deepEqual(f.metaErrors, [{ address: M1, code: 'ERR_CONNECTION_REFUSED' }]);
    assert.equal(
      h.commands.filter((c) => c.cmd.type === 'connect').length,
      connects,
      'no connect while down',
    );
  });
});

describe('opening and closing', () => {
  it("an opened table reports meta's app id and partition count; close() disconnects every open connection", () => {
    const h = new CoreHarness({ metaServers: [M1] });
    h.scripts.set(M1, (req) => queryCfgReply(req, { app_id: 3, partition_count: 4, partitions: [] }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(20);
    assert.deepEqual(openedOf(h, 1), {
      type: 'tableOpened',
      requestId: 1,
      ok: true,
      config: { app_id: 3, partition_count: 4 },
    });
    const cmds = h.feed({ type: 'close' });
    assert.deepEqual(
      cmds.filter((c) => c.type === 'disconnect'),
      [{ type: 'disconnect', address: M1 }],
    );
  });
});
