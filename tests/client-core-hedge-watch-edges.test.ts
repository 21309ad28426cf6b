// What a hedged read hears about its primary (core/client/hedge-watch.ts) and how its backup's
// secondary is found (hedge-kind.ts pickSecondary) at the edges: routes not known yet, a partition
// without a primary, a primary never contacted or reconnecting after a failure, routes invalidated
// by another call, and health changes of other nodes than the backup's or the watched primary's.
// Scripted servers and virtual time (tests/fixtures/machines/kill-world.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HedgeSpec } from '../core/client/index.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { MACHINES, NODE_HEALTH } from '../machines/index.ts';
import { GET, get, META, N1, N2, N3, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import type { BudgetHarness } from './helpers/budget-harness.ts';
import { getReply, partitionConfig, queryCfgReply, type ServerAnswer } from './helpers/core-harness.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const DELAY: HedgeSpec = { delayMs: 20, onSuspect: true };
/** a long delay: a backup before it is one the primary's state asked for */
const PATIENT: HedgeSpec = { delayMs: 500, onSuspect: true };

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
