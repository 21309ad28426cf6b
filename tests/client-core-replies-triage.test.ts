// What meta's answer to a routing query does besides storing routes (core/client/replies.ts
// applyConfig): which calls it moves at once, and the routing observation it reports (only for an
// answer that changed something, naming what changed). Scripted servers and virtual time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES } from '../machines/index.ts';
import { GET, get, META, N1, N2, open, QUERY, sentTo, world } from './fixtures/machines/kill-world.ts';
import type { BudgetHarness } from './helpers/budget-harness.ts';
import { errorReply, getReply } from './helpers/core-harness.ts';

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
