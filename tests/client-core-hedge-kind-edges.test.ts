// The hedge machine's named actions as the core performs them (core/client/hedge-kind.ts), at their
// edges: a backup that cannot be encoded, the watched primary attempt when several are in flight,
// actions a definition may emit that the package's machine never does (an unknown node, no primary,
// an unknown action), the bound on lookups in one instant, and how the backup's secondary is drawn.
// Scripted servers and virtual time (tests/fixtures/machines/kill-world.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assign, createMachine } from 'xstate';
import type { HedgeSpec } from '../core/client/index.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { type HedgeEvent, type hedgeMachine, MACHINES, NODE_HEALTH } from '../machines/index.ts';
import { noPending } from './fixtures/machines/kill-hedge.ts';
import { GET, get, N1, N2, N3, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import type { BudgetHarness } from './helpers/budget-harness.ts';
import { getReply, type ServerAnswer } from './helpers/core-harness.ts';
import { hedgeWith, keepingTimedOutReads } from './helpers/edited-machines.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const DELAY: HedgeSpec = { delayMs: 20, onSuspect: true };

const valueIn = (result: unknown) =>
  Buffer.from((result as { value?: Uint8Array } | undefined)?.value ?? []).toString();

describe('hedge kind: a backup that cannot be encoded', () => {
  it('header v0 cannot carry the flag: the hedge hears a backup error and ends; the secondary is never blamed', () => {
    const { h } = world(MACHINES, { options: { headerVersion: 0 } });
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'p', 300));
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(start + 30);
    assert.equal(sentTo(h, N2, GET).length + sentTo(h, N3, GET).length, 0, 'nothing sent to a secondary');
    assert.equal(h.core.hedgeCount(), 0, 'the hedge ended with its unsendable backup');
    h.runUntil(start + 500);
    assert.equal(valueIn(h.settledOf(id)?.result), 'p', 'the primary serves the read');
    for (const sec of [N2, N3]) assert.notEqual(h.core.nodeHealth(sec), NODE_HEALTH.suspect, sec);
  });

  it('the error the hedge machine hears is ERR_INVALID_PARAMETERS', () => {
    // a definition that ends only on that error (the package's ends on any)
    const picky = hedgeWith((states) => {
      const sent = states.sent as { on: Record<string, unknown> };
      sent.on.BACKUP_ERROR = {
        guard: ({ event }: { event: Extract<HedgeEvent, { type: 'BACKUP_ERROR' }> }) =>
          event.error === 'ERR_INVALID_PARAMETERS',
        target: 'done',
      };
    });
    const { h } = world({ ...MACHINES, hedge: picky }, { options: { headerVersion: 0 } });
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'p', 300));
    h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(h.nowMs + 30);
    assert.equal(h.core.hedgeCount(), 0);
  });
});

describe('hedge kind: the primary attempt a won backup watches', () => {
  it('with a timed-out attempt still in flight beside its resend, the unanswered resend is watched', () => {
    // N1 never answers the first get (it times out at +401 and stays in flight beside its resend);
    // the resend is answered at +551; the backup (sent at +22) wins at +412
    const { h, cfg } = world({ ...MACHINES, request: keepingTimedOutReads() });
    cfg.secondaries = [N2];
    let gets = 0;
    h.scripts.set(N1, (req) => (++gets === 1 ? silent() : getReply(req, 'late', 150)));
    h.scripts.set(N2, (req) => getReply(req, 's', 390));
    open(h);
    const start = h.nowMs;
    const id = h.call({ ...get(2000), hedge: DELAY });
    h.runUntil(start + 413);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
    assert.equal(sentTo(h, N1, GET).length, 2, 'the read was resent at its attempt timeout');
    assert.equal(h.core.hedgeCount(), 1, 'the resend, young enough, is watched');
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.suspect, 'the first attempt timed out');
    h.runUntil(start + 553);
    assert.equal(h.core.hedgeCount(), 0, "the resend's reply ended the watch");
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.ready, 'that reply showed N1 alive');
    h.runUntil(start + 900);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.ready, 'nothing blames N1 later');
  });

  it('a definition that adopts a probe before naming a primary adopts nothing: the call still takes its reply', () => {
    // after the delay this machine asks the core to adopt the primary's attempt, with none named
    const early = hedgeWith((states) => {
      states.delaying!.after = { backupDelay: { target: 'watching', actions: 'adoptProbe' } };
    });
    const { h } = world({ ...MACHINES, hedge: early });
    h.scripts.set(N1, (req) => getReply(req, 'p', 100));
    open(h);
    const start = h.nowMs;
    const id = h.call({ ...get(2000), hedge: DELAY });
    h.runUntil(start + 102);
    const s = h.settledOf(id);
    assert.equal(s?.atMs, start + 101, 'connect 1, reply 100');
    assert.equal(valueIn(s?.result), 'p');
  });
});

describe("hedge kind: actions the package's machine never emits", () => {
  it('markSuspect of a node the core does not know is ignored', () => {
    const stray = hedgeWith((states) => {
      states.delaying!.after = {
        backupDelay: { target: 'done', actions: { type: 'markSuspect', params: { node: '127.0.0.1:1' } } },
      };
    });
    const { h } = world({ ...MACHINES, hedge: stray });
    h.scripts.set(N1, (req) => getReply(req, 'p', 50));
    open(h);
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(h.nowMs + 60);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(h.core.nodeHealth('127.0.0.1:1'), null, 'no node made up for it');
    assert.equal(h.core.hedgeCount(), 0);
  });

  it('an unknown action stops the core with an error naming it', () => {
    const odd = hedgeWith((states) => {
      states.delaying!.entry = 'launchRocket';
    });
    const { h } = world({ ...MACHINES, hedge: odd });
    h.scripts.set(N1, silent);
    open(h);
    assert.throws(
      () => h.call({ ...get(1000), hedge: DELAY }),
      /^Error: core: hedge machine emitted unknown action launchRocket$/,
    );
  });
});

/** a hedge definition that looks the primary up `times` times in a row, then rests */
function lookingUp(times: number): typeof hedgeMachine {
  type Ctx = { context: { n: number } };
  const again = (next: string) => [
    { guard: ({ context }: Ctx) => context.n >= times, target: 'resting' },
    { target: next, actions: assign({ n: ({ context }: Ctx) => context.n + 1 }) },
  ];
  const config = {
    id: 'hedge',
    initial: 'ask',
    context: { n: 1 },
    on: { CALL_DONE: { target: '.done' } },
    states: {
      ask: { entry: 'checkPrimary', on: { PRIMARY: again('askAgain') } },
      askAgain: { entry: 'checkPrimary', on: { PRIMARY: again('ask') } },
      resting: {},
      done: { type: 'final' },
    },
  };
  const actions = { checkPrimary: () => {} };
  return createMachine(config as never, { actions } as never) as unknown as typeof hedgeMachine;
}

describe('hedge kind: lookups in one instant', () => {
  it('a thousand lookups in one instant are allowed; the thousand and first stops the machine', () => {
    const ok = world({ ...MACHINES, hedge: lookingUp(1000) }).h;
    open(ok);
    ok.scripts.set(N1, (req) => getReply(req, 'p', 5));
    const id = ok.call({ ...get(1000), hedge: DELAY });
    ok.runUntil(ok.nowMs + 10);
    assert.equal(ok.settledOf(id)?.ok, true);
    const over = world({ ...MACHINES, hedge: lookingUp(1001) }).h;
    open(over);
    assert.throws(
      () => over.call({ ...get(1000), hedge: DELAY }),
      /core: hedge machine of call 1 loops without time passing/,
    );
  });
});

describe("hedge kind: the backup's secondary", () => {
  it('backups are spread over the connected secondaries (a random draw, not always the first)', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => getReply(req, 's2'));
    h.scripts.set(N3, (req) => getReply(req, 's3'));
    // both secondaries connected before the reads
    h.call({ ...get(), pinnedNode: N2 });
    h.call({ ...get(), pinnedNode: N3 });
    h.runUntil(h.nowMs + 5);
    const values = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = h.call({ ...get(1000), hedge: DELAY });
      h.runUntil(h.nowMs + 25);
      values.add(valueIn(h.settledOf(id)?.result));
    }
    assert.deepEqual([...values].sort(), ['s2', 's3']);
  });
});

const getOk = (seqid: number, value: string) =>
  encodeResponse(GET, seqid, 'ERR_OK', {
    error: 0,
    value: Buffer.from(value),
    app_id: 1,
    partition_index: 0,
    server: '',
  });

/**
 * N2 (the only secondary) holds a read pinned to it and the backup of a hedged read whose primary
 * never answers; both wait for replies fed by hand. Returns the two calls and their sequence ids.
 */
function backupBesidePinned(h: BudgetHarness) {
  h.scripts.set(N1, silent);
  h.scripts.set(N2, silent);
  open(h);
  const pinned = h.call({ ...get(1000), pinnedNode: N2 });
  const hedged = h.call({ ...get(1000), hedge: DELAY });
  h.runUntil(h.nowMs + 25);
  const onN2 = sentTo(h, N2, GET);
  const backup = onN2.find((x) => x.frame.header.is_backup_request)?.frame.seqid;
  const plain = onN2.find((x) => !x.frame.header.is_backup_request)?.frame.seqid;
  assert.ok(backup !== undefined && plain !== undefined, 'both on N2');
  return { pinned, hedged, backup, plain };
}

describe("hedge kind: a backup's reply in a chunk of several", () => {
  it('a backup answered with an error, then another reply in the same chunk: that reply is still heard', () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    const { pinned, backup, plain } = backupBesidePinned(h);
    const chunk = Buffer.concat([encodeResponse(GET, backup, 'ERR_INVALID_STATE'), getOk(plain, 'c')]);
    h.feed({ type: 'data', address: N2, bytes: chunk });
    assert.equal(valueIn(h.settledOf(pinned)?.result), 'c');
  });

  it('a backup answered with a value, then another reply in the same chunk: both are heard', () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    const { pinned, hedged, backup, plain } = backupBesidePinned(h);
    h.feed({ type: 'data', address: N2, bytes: Buffer.concat([getOk(backup, 's'), getOk(plain, 'c')]) });
    assert.equal(valueIn(h.settledOf(hedged)?.result), 's');
    assert.equal(valueIn(h.settledOf(pinned)?.result), 'c');
  });

  it("a backup's malformed value breaks the connection: it settles nothing, and the frames after it are not read", () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    const { pinned, hedged, backup, plain } = backupBesidePinned(h);
    const good = getOk(backup, 's');
    // the body cut short by one byte, the frame's length fixed to match
    const bad = Buffer.from(good.subarray(0, good.length - 1));
    bad.writeInt32BE(bad.length, 0);
    const out = h.feed({ type: 'data', address: N2, bytes: Buffer.concat([bad, getOk(plain, 'c')]) });
    assert.ok(out.some((c) => c.type === 'disconnect' && c.address === N2));
    assert.equal(h.settledOf(hedged), undefined, 'no value from a malformed backup reply');
    assert.equal(h.settledOf(pinned), undefined, 'nothing read after the malformed frame');
    assert.equal(h.core.nodeHealth(N2), NODE_HEALTH.down);
  });
});

describe('hedge kind: a reply to a backup the hedge no longer tracks', () => {
  it('a definition that writes three backups: only the last counts; replies to the others are dropped, while the hedge lives and after it ended', () => {
    const thrice = hedgeWith((states) => {
      const ready = (states.choosing as { on: { BACKUP_READY: { actions: unknown[] } } }).on.BACKUP_READY;
      const send = ready.actions[1];
      ready.actions = [...ready.actions, send, send];
    });
    const { h, cfg } = world({ ...MACHINES, hedge: thrice });
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    h.scripts.set(N2, silent);
    open(h);
    const pinned = h.call({ ...get(1000), pinnedNode: N2 });
    const hedged = h.call({ ...get(2000), hedge: DELAY });
    h.runUntil(h.nowMs + 25);
    const onN2 = sentTo(h, N2, GET);
    const [b1, b2, b3] = onN2.filter((x) => x.frame.header.is_backup_request).map((x) => x.frame.seqid);
    const plain = onN2.find((x) => !x.frame.header.is_backup_request)!.frame.seqid;
    assert.ok(b1 !== undefined && b2 !== undefined && b3 !== undefined, 'three backups');
    h.feed({ type: 'data', address: N2, bytes: Buffer.concat([getOk(b1, 's1'), getOk(plain, 'c')]) });
    assert.equal(h.settledOf(hedged), undefined, 'the first backup no longer counts');
    assert.equal(valueIn(h.settledOf(pinned)?.result), 'c', 'the frame after it is still read');
    h.feed({ type: 'data', address: N2, bytes: getOk(b3, 's3') });
    assert.equal(valueIn(h.settledOf(hedged)?.result), 's3', 'the last backup wins');
    h.runUntil(h.nowMs + 500); // the watch of the primary's attempt ends at its attempt timeout
    assert.equal(h.core.hedgeCount(), 0);
    h.feed({ type: 'data', address: N2, bytes: getOk(b2, 's2') });
    assert.equal(h.settled.filter((x) => x.callId === hedged).length, 1, 'settled once');
  });
});

describe('hedge kind: when the routes move under a hedged read', () => {
  /** N1 answers the first get (a read pinned to it) with ERR_INVALID_STATE after `ms`: a refresh */
  const refusingOnce = (ms: number) => {
    let gets = 0;
    return (req: Parameters<typeof getReply>[0]): ServerAnswer =>
      ++gets === 1
        ? { kind: 'reply', delayMs: ms, bytes: encodeResponse(GET, req.seqid, 'ERR_INVALID_STATE') }
        : silent();
  };

  it("a backup never goes to the node that holds the call's own attempt, even once the routes list it as a secondary", () => {
    const { h, cfg } = world(MACHINES);
    h.connectBehaviour.set(N2, 'hang');
    h.connectBehaviour.set(N3, 'hang');
    h.scripts.set(N1, refusingOnce(50));
    open(h);
    const start = h.nowMs;
    h.call({ ...get(1000), pinnedNode: N1 });
    // a read that is not idempotent stays with its attempt on N1 when the partition moves
    h.call({ ...get(1000), idempotent: false, hedge: DELAY });
    h.runUntil(start + 30); // the backup found no connected secondary: the hedge waits
    cfg.ballot = 2n;
    cfg.primary = N2;
    cfg.secondaries = [N1, N3];
    h.runUntil(start + 110); // the refresh asked for at +51 (a query at +103) moved the partition to N2
    assert.equal(h.core.routeTable('t')?.partitions[0]?.primary, N2);
    assert.equal(
      sentTo(h, N1, GET).filter((x) => x.frame.header.is_backup_request).length,
      0,
      'no backup to N1',
    );
  });

  it("a primary's reply and the backup's, in one chunk from the same node: the primary's value is kept", () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    h.scripts.set(N1, refusingOnce(50));
    h.scripts.set(N2, silent);
    open(h);
    const start = h.nowMs;
    h.call({ ...get(1000), pinnedNode: N1 });
    const hedged = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(start + 30); // the backup is on N2
    cfg.ballot = 2n;
    cfg.primary = N2;
    cfg.secondaries = [N1];
    h.runUntil(start + 110); // the partition moved to N2 (the query at +103): the read is resent there
    const onN2 = sentTo(h, N2, GET);
    const backup = onN2.find((x) => x.frame.header.is_backup_request)?.frame.seqid;
    const own = onN2.find((x) => !x.frame.header.is_backup_request)?.frame.seqid;
    assert.ok(backup !== undefined && own !== undefined, 'the backup and the resend, both on N2');
    h.feed({ type: 'data', address: N2, bytes: Buffer.concat([getOk(own, 'p'), getOk(backup, 's')]) });
    assert.equal(valueIn(h.settledOf(hedged)?.result), 'p');
  });
});

describe('hedge kind: what an ended hedge leaves behind', () => {
  it("a definition that ends with its backup still out: the core drops the backup's pending entry itself", () => {
    // on CALL_DONE this definition ends without forgetBackup
    const careless = hedgeWith((states) => {
      (states.sent as { on: Record<string, unknown> }).on.CALL_DONE = { target: 'done' };
    });
    const { h, cfg } = world({ ...MACHINES, hedge: careless });
    cfg.secondaries = [N2];
    h.scripts.set(N1, (req) => getReply(req, 'p', 40));
    h.scripts.set(N2, silent);
    open(h);
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(h.nowMs + 50);
    assert.equal(valueIn(h.settledOf(id)?.result), 'p');
    assert.equal(sentTo(h, N2, GET).length, 1, 'the backup was out');
    assert.equal(h.core.hedgeCount(), 0);
    noPending(h);
  });

  it('a call whose hedge ended (its backup answered with an error) no longer shows a hedge', () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => ({
      kind: 'reply',
      bytes: encodeResponse(GET, req.seqid, 'ERR_INVALID_STATE'),
    }));
    open(h);
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(h.nowMs + 30);
    assert.equal(h.core.hedgeCount(), 0, 'the hedge ended');
    const line = h.core.describe().find((l) => l.startsWith(`call ${id} `));
    assert.ok(line !== undefined, 'the call goes on');
    assert.doesNotMatch(line, / hedge /);
  });
});

describe("hedge kind: the backup's secondary when none is healthy", () => {
  it('with no healthy secondary connected, a suspect one takes the backup (it may have recovered)', () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    // N2 never answers plain reads, and answers backups at once
    h.scripts.set(N2, (req) => (req.header.is_backup_request ? getReply(req, 's') : silent()));
    open(h);
    h.call({ ...get(2000), pinnedNode: N2 }); // times out on N2: N2 suspect
    h.runUntil(h.nowMs + 402);
    assert.equal(h.core.nodeHealth(N2), NODE_HEALTH.suspect);
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(start + 30);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });
});
