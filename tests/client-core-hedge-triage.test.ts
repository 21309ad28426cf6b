// Triage of Stryker run D's survivors in core/client/meta-calls.ts (and hedge-watch.ts): how a
// forwarded meta leader is read (primary, else hp_primary) and how a followed leader joins the
// meta list. Scripted metas and virtual time (tests/helpers/budget-harness.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_TABLE } from '../core/client/meta-calls.ts';
import type { RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { META, META2 } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import { partitionConfig, queryCfgReply, type ServerAnswer } from './helpers/core-harness.ts';

const META3 = '127.0.0.1:34603';
const META4 = '127.0.0.1:34604';
const QUERY = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

const harness = () =>
  new BudgetHarness({ metaServers: [META, META2, META3], seed: 3, machines: MACHINES, ...PINNED });
const order = (h: BudgetHarness) => h.sent.map((s) => s.address);
const query = () =>
  ({
    table: ADMIN_TABLE,
    rpc: QUERY,
    args: { app_name: 't', partition_indices: [] as number[] },
    partitionHash: 0n,
    idempotent: true,
    timeoutMs: 2000,
  }) as const;
const ok = (req: RequestFrame): ServerAnswer =>
  queryCfgReply(req, { app_id: 4, partition_count: 1, partitions: [] });
const forward = (req: RequestFrame, primary: string, hp?: { host: string; port: number; type: number }) =>
  queryCfgReply(req, {
    err: 'ERR_FORWARD_TO_OTHERS',
    partitions: [{ ...partitionConfig(0, 0, 0n, primary), ...(hp === undefined ? {} : { hp_primary: hp }) }],
  });
const noAddress = (req: RequestFrame): ServerAnswer =>
  queryCfgReply(req, { err: 'ERR_FORWARD_TO_OTHERS', partitions: [] });

describe('meta calls: the forwarded leader', () => {
  it('a forward naming the leader only by hp_primary is followed to that host:port', () => {
    const h = harness();
    h.scripts.set(META, (req) => forward(req, '', { host: '127.0.0.1', port: 34603, type: 1 }));
    h.scripts.set(META2, ok);
    h.scripts.set(META3, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META3], 'to the hp_primary, not the next meta');
  });

  it('a forward with both primary and hp_primary follows primary', () => {
    const h = harness();
    h.scripts.set(META, (req) => forward(req, META3, { host: '127.0.0.1', port: 34602, type: 1 }));
    h.scripts.set(META2, ok);
    h.scripts.set(META3, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META3]);
  });

  it('an hp_primary of type 0 (invalid) names no leader: the next meta is asked', () => {
    const h = harness();
    h.scripts.set(META, (req) => forward(req, '', { host: '127.0.0.1', port: 34603, type: 0 }));
    h.scripts.set(META2, ok);
    h.scripts.set(META3, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META2]);
  });

  it('a leader not in the list is added and followed', () => {
    const h = harness();
    h.scripts.set(META, (req) => forward(req, META4));
    h.scripts.set(META4, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META4]);
  });

  it('following a leader already listed adds no second entry: rotation after it skips to the next meta', () => {
    const h = harness();
    let metaAsked = 0;
    let meta2Asked = 0;
    // META: no address (-> META2); META2 names META; META: no address again (-> META2); META2: ok
    h.scripts.set(META, (req) => (metaAsked++ < 2 ? noAddress(req) : ok(req)));
    h.scripts.set(META2, (req) => (meta2Asked++ === 0 ? forward(req, META) : ok(req)));
    h.scripts.set(META3, ok);
    const id = h.call(query());
    h.runUntil(500);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META2, META, META2]);
  });
});

describe('meta calls: where an attempt goes and what is told', () => {
  it('a followed leader is told as a leader event of the admin table ("")', () => {
    const h = harness();
    h.scripts.set(META, (req) => forward(req, META3));
    h.scripts.set(META3, ok);
    h.call(query());
    h.runUntil(300);
    const leaders = h.commands.flatMap((c) =>
      c.cmd.type === 'observe' && c.cmd.event.kind === 'leader' ? [c.cmd.event] : [],
    );
    assert.deepEqual(leaders, [{ kind: 'leader', table: '', address: META3 }]);
  });

  it('meta answering ERR_TIMEOUT in its struct moves the call to the next meta', () => {
    const h = harness();
    h.scripts.set(META, (req) => queryCfgReply(req, { err: 'ERR_TIMEOUT', partitions: [] }));
    h.scripts.set(META2, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META2]);
  });

  it('meta answering ERR_SESSION_RESET in its struct moves the call to the next meta too', () => {
    // a name the client makes for itself; from a meta it still means "ask another", never "fail the call"
    const h = harness();
    h.scripts.set(META, (req) => queryCfgReply(req, { err: 'ERR_SESSION_RESET', partitions: [] }));
    h.scripts.set(META2, ok);
    const id = h.call(query());
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META2]);
  });

  it('a second call while the leader guess is still connecting waits for it, not for the next meta', () => {
    const h = harness();
    h.connectBehaviour.set(META, 'hang');
    h.scripts.set(META2, ok);
    h.scripts.set(META3, ok);
    h.call(query());
    h.call(query());
    h.runUntil(PINNED.connectTimeoutMs - 1);
    assert.deepEqual(order(h), [], 'nothing sent before the connect timeout');
  });
});

describe('meta calls: calls that find the leader connecting', () => {
  it('two calls at once on a fresh client: both are sent to the leader once it connects, and settle', () => {
    const h = harness();
    h.scripts.set(META, ok);
    const a = h.call(query());
    const b = h.call(query());
    h.runUntil(50);
    assert.equal(h.settledOf(a)?.ok, true);
    assert.equal(h.settledOf(b)?.ok, true);
    assert.ok(h.settledOf(b)!.atMs <= 5, `settled at ${h.settledOf(b)!.atMs}`);
    assert.deepEqual(order(h), [META, META]);
  });
});

describe('meta calls: every meta down', () => {
  it('a call that found every meta refusing is sent once one accepts again, well before its deadline', () => {
    const h = harness();
    for (const m of [META, META2, META3]) h.connectBehaviour.set(m, 'refuse');
    h.scripts.set(META, ok);
    h.scripts.set(META2, ok);
    h.scripts.set(META3, ok);
    const id = h.call({ ...query(), timeoutMs: 5000 });
    h.runUntil(100);
    assert.deepEqual(order(h), []);
    for (const m of [META, META2, META3]) h.connectBehaviour.set(m, 'accept');
    h.runUntil(2000);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.ok(h.settledOf(id)!.atMs < 1000, `settled at ${h.settledOf(id)!.atMs}`);
  });
});
