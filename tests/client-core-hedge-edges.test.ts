// Hedged reads at the core's edges (core/client/hedge-kind.ts, hedge-watch.ts): which calls get a
// hedge machine at all, and the guard against a hedge machine definition that answers itself
// forever. Scripted servers and virtual time (tests/fixtures/machines/kill-world.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HedgeSpec } from '../core/client/index.ts';
import { MACHINES } from '../machines/index.ts';
import { GET, get, N1, N2, N3, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { getReply, type ServerAnswer } from './helpers/core-harness.ts';
import { hedgeWith } from './helpers/edited-machines.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const DELAY: HedgeSpec = { delayMs: 20, onSuspect: true };

describe('client core: which reads are hedged', () => {
  it('a read pinned to a node is never hedged: no hedge machine, no backup, however long it waits', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => getReply(req, 'pinned', 300));
    h.scripts.set(N3, (req) => getReply(req, 'other'));
    const id = h.call({ ...get(1000), pinnedNode: N2, hedge: DELAY });
    assert.equal(h.core.hedgeCount(), 0, 'no hedge machine for a pinned read');
    h.runUntil(h.nowMs + 400);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(sentTo(h, N2, GET).length, 1);
    assert.equal(sentTo(h, N3, GET).length, 0, 'no backup to the other secondary');
    assert.equal(sentTo(h, N1, GET).length, 0, 'nothing to the primary');
  });

  it('a hedge spec with neither a delay nor onSuspect starts no hedge machine', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'v', 50));
    const id = h.call({ ...get(1000), hedge: { delayMs: null, onSuspect: false } });
    assert.equal(h.core.hedgeCount(), 0);
    const hedged = h.call({ ...get(1000), hedge: { delayMs: null, onSuspect: true } });
    assert.equal(h.core.hedgeCount(), 1, 'onSuspect alone is a hedge');
    h.call({ ...get(1000), hedge: { delayMs: 5000, onSuspect: false } });
    assert.equal(h.core.hedgeCount(), 2, 'a delay alone is a hedge');
    h.runUntil(h.nowMs + 100);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(h.settledOf(hedged)?.ok, true);
    assert.equal(h.core.hedgeCount(), 0, 'each hedge ends with its call');
  });
});

describe('client core: a hedge machine that loops', () => {
  it('one that answers itself forever in one instant is stopped with an error naming its call', () => {
    // standby asks for the primary again on entry: PRIMARY -> choosing -> NO_BACKUP -> standby ...
    const looping = hedgeWith((states) => {
      states.standby!.entry = 'checkPrimary';
    });
    const { h } = world({ ...MACHINES, hedge: looping });
    h.connectBehaviour.set(N2, 'hang');
    h.connectBehaviour.set(N3, 'hang');
    open(h);
    h.scripts.set(N1, silent);
    assert.throws(() => {
      h.call({ ...get(1000), hedge: DELAY });
      h.runUntil(h.nowMs + 100);
    }, /core: hedge machine of call 1 loops without time passing/);
  });

  it('one that looks up often, but once per instant, is no loop: thousands of lookups over time are fine', () => {
    // after each 1 ms delay the machine starts over (checkPrimary) instead of sending a backup
    const restarting = hedgeWith((states) => {
      states.delaying!.after = { backupDelay: { target: 'start' } };
    });
    const { h } = world({ ...MACHINES, hedge: restarting }, { options: { attemptTimeoutMs: 5000 } });
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'late', 1500));
    const id = h.call({ ...get(3000), hedge: { delayMs: 1, onSuspect: true } });
    h.runUntil(h.nowMs + 1600);
    assert.equal(h.settledOf(id)?.ok, true, 'the primary answered after 1500 lookups');
    assert.equal(sentTo(h, N2, GET).length + sentTo(h, N3, GET).length, 0);
  });
});
