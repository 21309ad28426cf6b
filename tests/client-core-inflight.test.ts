// A call with more than one attempt in flight (core/client/attempts.ts): the package's request
// machine forgets an attempt before it writes the next, but the client runs any request machine
// definition it is given, and the core keeps each attempt's pending entry and record by attempt.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sendAttempt } from '../core/client/attempts.ts';
import type { CoreState } from '../core/client/core-state.ts';
import { MACHINES, NODE_HEALTH } from '../machines/index.ts';
import { noPending } from './fixtures/machines/kill-hedge.ts';
import { settleOf } from './fixtures/machines/kill-scripted.ts';
import { GET, get, N1, N2, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { getReply, type ServerAnswer } from './helpers/core-harness.ts';
import { keepingTimedOutReads } from './helpers/edited-machines.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });

describe('client core: several attempts of one call in flight', () => {
  it('a late reply to the first attempt settles the call; the resend still in flight leaves no pending entry', () => {
    const { h } = world({ ...MACHINES, request: keepingTimedOutReads() });
    open(h);
    let gets = 0;
    // the first get is answered after its attempt timeout (400 ms), the resend never
    h.scripts.set(N1, (req) => (++gets === 1 ? getReply(req, 'first', 450) : silent()));
    const id = h.call(get(1000));
    h.runUntil(h.nowMs + 460);
    assert.equal(sentTo(h, N1, GET).length, 2, 'the read was resent at its attempt timeout');
    const s = h.settledOf(id);
    assert.equal(s?.ok, true);
    assert.equal(Buffer.from((s!.result as { value: Uint8Array }).value).toString(), 'first');
    noPending(h);
    assert.deepEqual(h.core.pendingCallIds(), []);
  });

  it('an attempt timeout closes the record of the attempt on that node only; the others are abandoned', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'warm-up'));
    h.scripts.set(N2, (req) => getReply(req, 'warm-up'));
    h.call({ ...get(), pinnedNode: N2 }); // opens N2
    h.runUntil(h.nowMs + 10);
    h.scripts.set(N1, silent);
    h.scripts.set(N2, silent);
    const id = h.call(get(600));
    h.runUntil(h.nowMs + 5);
    const s = (h.core as unknown as { s: CoreState }).s;
    const call = s.calls.get(id)!;
    // a second attempt of the call, on N2, beside the request machine's own on N1
    sendAttempt(s, call, s.nodes.get(N2)!, 500);
    h.runUntil(h.nowMs + 410); // N1's attempt times out: N1 is suspect, the call forgets both
    assert.deepEqual(
      call.attempts.map((a) => [a.node, a.outcome]),
      [
        [N1, 'ERR_TIMEOUT'],
        [N2, 'abandoned'],
        [N1, null],
      ],
    );
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.suspect);
    assert.equal(h.core.nodeHealth(N2), NODE_HEALTH.ready);
    h.runUntil(h.nowMs + 300);
    const settled = settleOf(h, id);
    assert.equal(settled?.ok, false);
  });
});
