// The client core when no meta answers (issue 15.1): the routing machine gives up the pending opens
// after one unanswered round over every meta, with what each meta did; any answer restarts the
// round; calls on an opened table keep their deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreCommand } from '../core/client/index.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { CoreHarness, errorReply, getReply, partitionConfig, queryCfgReply } from './helpers/core-harness.ts';

const M1 = '127.0.0.1:34601';
const M2 = '127.0.0.1:34602';
const M3 = '127.0.0.1:34603';
const N1 = '127.0.0.1:34801';

type Opened = Extract<CoreCommand, { type: 'tableOpened' }>;
const openedCmds = (h: CoreHarness): Opened[] =>
  h.commands.map((c) => c.cmd).filter((c): c is Opened => c.type === 'tableOpened');
const openedAt = (h: CoreHarness, requestId: number) =>
  h.commands.find((c) => c.cmd.type === 'tableOpened' && c.cmd.requestId === requestId)?.atMs;
const failureOf = (h: CoreHarness) => {
  const [cmd] = openedCmds(h);
  assert.ok(cmd !== undefined, 'the open settled');
  assert.equal(cmd.ok, false, 'the open failed');
  return (cmd as Extract<Opened, { ok: false }>).failure;
};

describe('client core: no meta answers', () => {
  it('refused, connect-timed-out and silent metas: the open is given up after one round, naming each', () => {
    const h = new CoreHarness({ metaServers: [M1, M2, M3], metaQueryTimeoutMs: 300, connectTimeoutMs: 200 });
    h.connectBehaviour.set(M1, 'refuse');
    h.connectBehaviour.set(M2, 'hang');
    // M3 accepts and never answers (no script)
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(5000);
    const f = failureOf(h);
    assert.equal(f.code, 'ERR_META_UNREACHABLE');
    assert.deepEqual(
      f.metaErrors,
      [
        { address: M1, code: 'ERR_CONNECTION_REFUSED' },
        { address: M2, code: 'ERR_CONNECT_TIMEOUT' },
        { address: M3, code: 'ERR_TIMEOUT' },
      ],
      'one entry per meta, in the order tried',
    );
    // 1 + back-off + 200 (connect timeout) + back-off + 1 + 300 (query timeout): well under 5000
    const at = openedAt(h, 1)!;
    assert.ok(at > 500 && at < 1500, `given up at ${at}`);
  });

  it('a connection failure carries its system error code (ENOTFOUND) into the cause', () => {
    const h = new CoreHarness({ metaServers: [M1] });
    h.connectBehaviour.set(M1, 'hang');
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(5);
    h.feed({ type: 'connectionLost', address: M1, reason: 'error', code: 'ENOTFOUND' });
    h.runUntil(10);
    const f = failureOf(h);
    assert.equal(f.code, 'ERR_META_UNREACHABLE');
    assert.deepEqual(f.metaErrors, [{ address: M1, code: 'ENOTFOUND' }]);
    assert.equal(openedAt(h, 1), 5, 'one meta: given up in the step that lost it');
  });

  it('with two metas, one failure is not a round: the open waits for the second', () => {
    const h = new CoreHarness({ metaServers: [M1, M2], metaQueryTimeoutMs: 300 });
    h.connectBehaviour.set(M1, 'refuse');
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(50);
    assert.equal(openedCmds(h).length, 0, 'still waiting after the first meta refused');
    h.runUntil(5000);
    assert.equal(failureOf(h).code, 'ERR_META_UNREACHABLE');
    assert.ok(openedAt(h, 1)! >= 300, 'after the second meta timed out');
  });

  it('a meta that answers (even "not active") restarts the round: the open waits for its deadline', () => {
    const h = new CoreHarness({ metaServers: [M1] });
    h.scripts.set(M1, (req) => queryCfgReply(req, { err: 'ERR_SERVICE_NOT_ACTIVE' }));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 2000 });
    h.runUntil(3000);
    assert.equal(failureOf(h).code, 'ERR_TIMEOUT');
    assert.equal(openedAt(h, 1), 2000);
  });

  it('calls on an opened table keep retrying until their deadline when the metas die', () => {
    const h = new CoreHarness({ metaServers: [M1] });
    h.scripts.set(M1, (req) =>
      queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 1n, N1)] }),
    );
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(10);
    assert.equal(openedCmds(h)[0]?.ok, true);
    // the primary starts rejecting (stale routing) and meta goes away
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    h.connectBehaviour.set(M1, 'refuse');
    h.dropConnection(M1);
    const id = h.call({
      table: 't',
      rpc: 'RPC_RRDB_RRDB_GET',
      args: encodeKey(Buffer.from('h'), Buffer.from('s')),
      partitionHash: partitionHash(Buffer.from('h'), Buffer.from('s')),
      idempotent: true,
      timeoutMs: 1500,
    });
    h.runUntil(3000);
    const s = h.settledOf(id);
    assert.equal(s?.code, 'ERR_TIMEOUT');
    assert.equal(s?.atMs, 10 + 1500, 'at its deadline, not given up early');
  });
});
