// Calls and their attempts in the client core: a call pinned to a node, one-way sends that leave
// nothing waiting, two attempts of one call in flight at once (matched by node and sequence id), and
// a meta answer no table can have.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sendAttempt } from '../core/client/attempts.ts';
import type { CoreState } from '../core/client/core-state.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { MACHINES, REQUEST_STATE } from '../machines/index.ts';
import { get, META, N1, N2, N3, open, world } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  type CoreHarness,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
} from './helpers/core-harness.ts';

const clearScanner = (pinnedNode?: string) => ({
  ...get(),
  rpc: 'RPC_RRDB_RRDB_CLEAR_SCANNER' as const,
  args: 42n,
  ...(pinnedNode === undefined ? {} : { pinnedNode }),
});

/** the kill suite's one-partition world (primary N1, secondaries N2 and N3), opened */
function opened() {
  const w = world(MACHINES);
  open(w.h);
  return w;
}

const sentNames = (h: CoreHarness, address: string) =>
  h.sent.filter((s) => s.address === address).map((s) => s.frame.name);

describe('client core: calls and attempts', () => {
  it('a call pinned to a node sends there, not to the primary, and stays when the primary moves', () => {
    const { h, cfg } = opened();
    // N1 rejects as a stale primary: routing refreshes while the pinned attempt on N2 waits
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    h.scripts.set(N2, (req) => getReply(req, 'from-pinned', 250));
    h.scripts.set(N3, (req) => getReply(req, 'from-new-primary'));
    cfg.ballot = 2n;
    cfg.primary = N3;
    const pinned = h.call({ ...get(), pinnedNode: N2 });
    const plain = h.call(get());
    h.runUntil(h.nowMs + 200);
    assert.equal(h.settledOf(plain)?.ok, true, 'the plain call moved to the new primary');
    assert.deepEqual(sentNames(h, N3), ['RPC_RRDB_RRDB_GET']);
    assert.equal(h.core.routeTable('t')?.partitions[0]?.primary, N3, 'the client learned the move');
    assert.equal(h.core.callState(pinned), REQUEST_STATE.awaiting, 'the pinned call still waits on N2');
    h.runUntil(h.nowMs + 100);
    const s = h.settledOf(pinned);
    assert.equal(s?.ok, true);
    assert.equal(Buffer.from((s!.result as { value: Uint8Array }).value).toString(), 'from-pinned');
    assert.deepEqual(sentNames(h, N2), ['RPC_RRDB_RRDB_GET'], 'sent to N2 once, never moved');
  });

  it('a one-way send goes out on an open connection and settles at once, leaving nothing waiting', () => {
    const { h } = opened();
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    h.call(get()); // opens the connection to N1
    h.runUntil(h.nowMs + 10);
    const timersBefore = h.core.timerCount();
    const pendingBefore = h.core.describe().find((l) => l.startsWith(`node ${N1}`));
    const id = h.call(clearScanner(N1));
    const out = h.commands.filter((c) => c.atMs === h.nowMs).map((c) => c.cmd.type);
    assert.deepEqual(out.slice(-2), ['send', 'settle'], 'sent and settled in the step that started it');
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(sentNames(h, N1), ['RPC_RRDB_RRDB_GET', 'RPC_RRDB_RRDB_CLEAR_SCANNER']);
    const settle = h.commands.find((c) => c.cmd.type === 'settle' && c.cmd.callId === id)!.cmd;
    assert.deepEqual(
      settle.type === 'settle' && settle.ok ? settle.attempts : null,
      [{ node: N1, sentAtMs: h.nowMs, outcome: 'sent', endedAtMs: h.nowMs }],
      'its one attempt: sent and ended at once',
    );
    const clear = h.sent.find((x) => x.frame.name === 'RPC_RRDB_RRDB_CLEAR_SCANNER')!;
    assert.equal(clear.frame.header.is_backup_request, false, 'a one-way message is no backup request');
    assert.equal(h.core.timerCount(), timersBefore, 'no timer for a one-way send');
    assert.deepEqual(h.core.pendingCallIds(), [], 'no call waits');
    // the node's line differs only in its next sequence id: no pending entry was added
    const pendingAfter = h.core.describe().find((l) => l.startsWith(`node ${N1}`));
    assert.equal(pendingAfter?.replace(/ seq\d+ /, ' seq? '), pendingBefore?.replace(/ seq\d+ /, ' seq? '));
  });

  it('a one-way send with no open connection to its node sends nothing and settles ERR_SESSION_RESET', () => {
    const { h } = opened();
    const toPrimary = h.call(clearScanner());
    const toStranger = h.call(clearScanner(N3));
    assert.equal(h.settledOf(toPrimary)?.code, 'ERR_SESSION_RESET');
    assert.equal(h.settledOf(toStranger)?.code, 'ERR_SESSION_RESET');
    for (const id of [toPrimary, toStranger]) {
      const settle = h.commands.find((c) => c.cmd.type === 'settle' && c.cmd.callId === id)!.cmd;
      assert.deepEqual(
        settle.type === 'settle' && !settle.ok
          ? [settle.failure.outcomeUnknown, settle.failure.attempts]
          : null,
        [false, []],
        'nothing was written: a known outcome, no attempt',
      );
    }
    assert.deepEqual(sentNames(h, N1), []);
    assert.equal(
      h.commands.some((c) => c.cmd.type === 'connect' && c.cmd.address !== META),
      false,
      'no connection is opened for a one-way send',
    );
  });

  it('two attempts of one call in flight on two nodes are told apart by node, though their seqids are equal', () => {
    const { h } = opened();
    h.scripts.set(N1, (req) => getReply(req, 'warm-up'));
    h.scripts.set(N2, (req) => getReply(req, 'warm-up'));
    h.call(get());
    h.call({ ...get(), pinnedNode: N2 }); // both connections open, each has used seqid 1
    h.runUntil(h.nowMs + 10);
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    h.scripts.set(N2, () => ({ kind: 'silent' }));
    const id = h.call(get());
    const s = (h.core as unknown as { s: CoreState }).s;
    const call = s.calls.get(id)!;
    assert.equal(call.inFlight.length, 1);
    // a second attempt of the same call (what a hedged read does), on the secondary N2
    sendAttempt(s, call, s.nodes.get(N2)!, 500);
    const [first, second] = call.inFlight;
    assert.equal(first!.seqid, second!.seqid, 'each connection numbers its own requests');
    const reply = (seqid: number, value: string) =>
      encodeResponse('RPC_RRDB_RRDB_GET', seqid, 'ERR_OK', {
        error: 0,
        value: Buffer.from(value),
        app_id: 1,
        partition_index: 0,
        server: '',
      });
    // N2 answers under the shared seqid: the N2 attempt is matched, the call succeeds with its value
    h.feed({ type: 'data', address: N2, bytes: reply(second!.seqid, 'from-N2') });
    const settled = h.settledOf(id);
    assert.equal(settled?.ok, true);
    assert.equal(Buffer.from((settled!.result as { value: Uint8Array }).value).toString(), 'from-N2');
    // the N1 attempt was answered by nobody (closing its record is the hedging machine's business:
    // it forgets the other attempts before it settles); it is no longer pending, its reply is dropped
    assert.deepEqual(
      call.attempts.map((a) => `${a.node}:${a.outcome}`),
      [`${N1}:null`, `${N2}:ERR_OK`],
    );
    assert.equal(s.nodes.get(N1)!.conn.pending.has(first!.seqid), false);
    assert.deepEqual(call.inFlight, []);
    h.feed({ type: 'data', address: N1, bytes: reply(first!.seqid, 'late') });
    assert.equal(h.settled.filter((x) => x.callId === id).length, 1, 'settled once');
  });

  it('a meta answer with a partition count no table can have is ignored; a later answer routes the call', () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 3 });
    let count = 0;
    h.scripts.set(META, (req) =>
      queryCfgReply(req, {
        app_id: 1,
        partition_count: count,
        partitions: count === 0 ? [] : [partitionConfig(1, 0, 1n, N1, [])],
      }),
    );
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    const id = h.call(get());
    h.runUntil(300);
    assert.equal(
      h.core.callState(id),
      REQUEST_STATE.waitingRoute,
      'still waiting, and the core did not throw',
    );
    count = 1;
    h.runUntil(700);
    assert.equal(h.settledOf(id)?.ok, true);
  });
});
