// What a hedged read hears about its primary (core/client/hedge-watch.ts) and how its backup's
// secondary is found (hedge-kind.ts pickSecondary) at the edges: routes not known yet, a partition
// without a primary, a primary never contacted or reconnecting after a failure, routes invalidated
// by another call, and health changes of other nodes than the backup's or the watched primary's.
// Scripted servers and virtual time (tests/fixtures/machines/kill-world.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMachine } from 'xstate';
import type { HedgeSpec } from '../core/client/index.ts';
import { encodeResponse } from '../core/wire/index.ts';
import {
  type HedgeEvent,
  hedgeMachine,
  MACHINES,
  NODE_HEALTH,
  nodeHealthMachine,
} from '../machines/index.ts';
import { GET, get, META, N1, N2, N3, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { cloneConfig } from './fixtures/machines/mutate.ts';
import type { BudgetHarness } from './helpers/budget-harness.ts';
import { getReply, partitionConfig, queryCfgReply, type ServerAnswer } from './helpers/core-harness.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const DELAY: HedgeSpec = { delayMs: 20, onSuspect: true };
/** a long delay: a backup before it is one the primary's state asked for */
const PATIENT: HedgeSpec = { delayMs: 500, onSuspect: true };

type States = Record<string, Record<string, unknown>>;

/** a machine with its states' config edited (machines are data: the client takes any) */
function edited<M extends typeof hedgeMachine | typeof nodeHealthMachine>(
  machine: M,
  edit: (states: States) => void,
): M {
  const config = cloneConfig(machine.config) as unknown as { states: States };
  edit(config.states);
  return createMachine(config as never, machine.implementations as never) as unknown as M;
}

const valueIn = (result: unknown) =>
  Buffer.from((result as { value?: Uint8Array } | undefined)?.value ?? []).toString();
const toSecondaries = (h: BudgetHarness) => sentTo(h, N2, GET).length + sentTo(h, N3, GET).length;

/** meta answers the table's query after `ms`, with a partition whose primary is `primary` */
function metaAnswersAfter(h: BudgetHarness, ms: number, primary: string) {
  h.scripts.set(META, (req) => ({
    ...queryCfgReply(req, {
      app_id: 1,
      partition_count: 1,
      partitions: [partitionConfig(1, 0, 1n, primary, [N2, N3])],
    }),
    delayMs: ms,
  }));
}

/** N1 answers its first get with ERR_INVALID_STATE after `ms` (a refresh), then never */
function refusingOnce(ms: number) {
  let gets = 0;
  return (req: Parameters<typeof getReply>[0]): ServerAnswer =>
    ++gets === 1
      ? { kind: 'reply', delayMs: ms, bytes: encodeResponse(GET, req.seqid, 'ERR_INVALID_STATE') }
      : silent();
}

describe('hedge watch: a read started before its routes are known', () => {
  it('not knowing the routes is no reason for a backup: the delay counts', () => {
    const { h } = world(MACHINES);
    metaAnswersAfter(h, 5, N1);
    h.scripts.set(N1, (req) => getReply(req, 'p', 30));
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    const id = h.call({ ...get(1000), hedge: { delayMs: 100, onSuspect: true } });
    h.runUntil(h.nowMs + 150);
    assert.equal(valueIn(h.settledOf(id)?.result), 'p');
    assert.equal(toSecondaries(h), 0);
  });

  it('a delay that ends before the routes are known: the backup goes out once they are', () => {
    const { h } = world(MACHINES);
    metaAnswersAfter(h, 50, N1);
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(start + 40);
    assert.equal(h.core.hedgeCount(), 1, 'the hedge waits for the routes');
    h.runUntil(start + 100);
    assert.equal(valueIn(h.settledOf(id)?.result), 's', 'served by the backup soon after the routes came');
  });

  it('routes that name no primary: the backup goes out at once, without waiting for the delay', () => {
    const { h } = world(MACHINES);
    metaAnswersAfter(h, 5, '');
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(start + 50);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });
});

describe('hedge watch: where the primary stands', () => {
  it('a partition moved to a node never contacted: a first connection is no reason for a backup', () => {
    const { h, cfg } = world(MACHINES);
    h.scripts.set(N1, refusingOnce(50));
    h.scripts.set(N3, (req) => getReply(req, 'p3'));
    open(h);
    const start = h.nowMs;
    h.call({ ...get(1000), pinnedNode: N1 });
    const id = h.call({ ...get(1000), hedge: PATIENT });
    cfg.ballot = 2n;
    cfg.primary = N3;
    cfg.secondaries = [N2];
    h.runUntil(start + 150); // the refresh asked for at +51 (a query at +103) moved the partition to N3
    assert.equal(valueIn(h.settledOf(id)?.result), 'p3');
    assert.equal(sentTo(h, N2, GET).length, 0, 'nothing sent to the secondary N2');
  });

  it('a primary reconnecting after a failed connect is not usable: the backup goes out at once', () => {
    const { h } = world(MACHINES);
    h.connectBehaviour.set(N1, 'refuse');
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    open(h);
    const start = h.nowMs;
    h.call(get(1000)); // N1 refuses it: down, then idle after the back-off, asked to connect again
    h.runUntil(start + 5);
    h.connectBehaviour.set(N1, 'hang');
    h.runUntil(start + 60);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.connecting);
    const t = h.nowMs;
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(t + 10);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });

  it('a partition invalidated by another call: a read that then waits for routes sends its backup at once', () => {
    const { h } = world(MACHINES);
    let gets = 0;
    // the first get is refused at +2, the hedged read's at +10
    h.scripts.set(N1, (req) =>
      ++gets <= 2
        ? {
            kind: 'reply',
            delayMs: gets === 1 ? 1 : 9,
            bytes: encodeResponse(GET, req.seqid, 'ERR_INVALID_STATE'),
          }
        : silent(),
    );
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    open(h);
    h.scripts.set(META, silent); // the routes do not come back
    const start = h.nowMs;
    h.call(get(1000));
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(start + 50);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });
});

describe('hedge watch: health changes that are not the loss of the backup or of the watched attempt', () => {
  it("the backup's node becoming suspect (another read timed out there) does not end the backup", () => {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    // N2 never answers plain reads, and answers the backup after 330 ms
    h.scripts.set(N2, (req) => (req.header.is_backup_request ? getReply(req, 's', 330) : silent()));
    open(h);
    const start = h.nowMs;
    h.call({ ...get(2000), pinnedNode: N2 }); // times out on N2 at +401: N2 suspect
    h.runUntil(start + 100);
    const id = h.call({ ...get(2000), hedge: DELAY }); // its backup goes to N2 at +120
    h.runUntil(start + 402);
    assert.equal(h.core.nodeHealth(N2), NODE_HEALTH.suspect);
    h.runUntil(start + 460);
    const s = h.settledOf(id);
    assert.equal(valueIn(s?.result), 's', 'the backup still won');
    assert.equal(s?.atMs, start + 450);
  });

  /** N3 connected by a read pinned to it; N2, the only secondary, answers backups after `ms` */
  function withN3Connected(ms: number) {
    const { h, cfg } = world(MACHINES);
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => getReply(req, 's', ms));
    h.scripts.set(N3, (req) => getReply(req, 'n3'));
    open(h);
    h.call({ ...get(1000), pinnedNode: N3 });
    h.runUntil(h.nowMs + 5);
    assert.equal(h.core.nodeHealth(N3), NODE_HEALTH.ready);
    return h;
  }

  it("another node's connection lost while the backup is out: the backup goes on and wins", () => {
    const h = withN3Connected(50);
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY }); // backup to N2 at +21, answered at +71
    h.runUntil(start + 40);
    h.dropConnection(N3);
    assert.equal(h.core.nodeHealth(N3), NODE_HEALTH.down);
    h.runUntil(start + 80);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });

  it("another node's connection lost while a primary attempt is watched: the watch goes on to its end", () => {
    const h = withN3Connected(1);
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY });
    h.runUntil(start + 30);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
    assert.equal(h.core.hedgeCount(), 1, "the primary's attempt is watched");
    h.dropConnection(N3);
    assert.equal(h.core.hedgeCount(), 1, 'still watched');
    h.runUntil(start + 402);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.suspect, 'the unanswered primary is blamed at the end');
    assert.equal(h.core.hedgeCount(), 0);
  });
});

describe('hedge watch: what the core tells a hedge definition', () => {
  it('a connected primary is usable whatever failures its node machine still counts', () => {
    // a node definition that does not reset its failure count on connecting
    const unforgiving = edited(nodeHealthMachine, (states) => {
      const connecting = (states.open as { states: States }).states.connecting as {
        on: Record<string, unknown>;
      };
      connecting.on.CONNECTED = { target: 'ready' };
    });
    const { h } = world({ ...MACHINES, nodeHealth: unforgiving });
    h.connectBehaviour.set(N1, 'refuse');
    h.scripts.set(N1, (req) => getReply(req, 'p', 30));
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    open(h);
    const start = h.nowMs;
    const first = h.call(get(1000)); // refused once, then N1 accepts after the back-off
    h.runUntil(start + 5);
    h.connectBehaviour.set(N1, 'accept');
    h.runUntil(start + 100);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.ready);
    assert.equal(h.settledOf(first)?.ok, true);
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(h.nowMs + 40);
    assert.equal(valueIn(h.settledOf(id)?.result), 'p');
    assert.equal(toSecondaries(h), 0);
  });

  it('a primary that is down is told as usable: false (a boolean)', () => {
    // a hedge definition that tests for false itself
    const strict = edited(hedgeMachine, (states) => {
      const start = states.start as { on: { PRIMARY: Array<Record<string, unknown>> } };
      start.on.PRIMARY[0] = {
        guard: ({ event }: { event: Extract<HedgeEvent, { type: 'PRIMARY' }> }) => event.usable === false,
        target: 'choosing',
      };
    });
    const { h } = world({ ...MACHINES, hedge: strict });
    h.connectBehaviour.set(N1, 'refuse');
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    open(h);
    const start = h.nowMs;
    h.call(get(1000));
    h.runUntil(start + 5);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.down);
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(h.nowMs + 10);
    assert.equal(valueIn(h.settledOf(id)?.result), 's', 'the backup went out at once');
  });

  it('a hedge is told of health changes only in the states that listen (not while its backup is out)', () => {
    // a hedge definition that would give its backup up on any news of the primary
    const skittish = edited(hedgeMachine, (states) => {
      (states.sent as { on: Record<string, unknown> }).on.PRIMARY = {
        target: 'done',
        actions: { type: 'forgetBackup', params: { outcome: 'abandoned' } },
      };
    });
    const { h, cfg } = world({ ...MACHINES, hedge: skittish });
    cfg.secondaries = [N2];
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => getReply(req, 's', 50));
    h.scripts.set(N3, (req) => getReply(req, 'n3'));
    open(h);
    h.call({ ...get(1000), pinnedNode: N3 });
    h.runUntil(h.nowMs + 5);
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: DELAY }); // backup to N2 at +21, answered at +71
    h.runUntil(start + 40);
    h.dropConnection(N3); // a health change while the backup is out
    h.runUntil(start + 80);
    assert.equal(valueIn(h.settledOf(id)?.result), 's');
  });

  it("a hedge is told of its own table's routes, not of another table's", () => {
    // a hedge definition that, while delaying, chooses a secondary on any news
    const eager = edited(hedgeMachine, (states) => {
      (states.delaying as { on: Record<string, unknown> }).on.PRIMARY = { target: 'choosing' };
    });
    const { h } = world({ ...MACHINES, hedge: eager });
    h.scripts.set(N1, (req) => getReply(req, 'p', 100));
    h.scripts.set(N2, (req) => getReply(req, 's'));
    h.scripts.set(N3, (req) => getReply(req, 's'));
    open(h);
    h.call(get(1000)); // N1 connected before the hedged read: its health changes no more
    h.runUntil(h.nowMs + 110);
    const start = h.nowMs;
    const id = h.call({ ...get(1000), hedge: PATIENT });
    h.runUntil(start + 10);
    // another table opens: meta answers, no node's health changes
    h.feed({ type: 'openTable', requestId: 2, table: 'u', timeoutMs: 1000 });
    h.runUntil(start + 110);
    assert.equal(h.opened.at(-1)?.ok, true, 'u opened');
    assert.equal(valueIn(h.settledOf(id)?.result), 'p');
    assert.equal(toSecondaries(h), 0);
  });
});
