// The meta failover rules of admin calls (core/client/meta-calls.ts) against scripted metas: a
// forwarded leader is followed, a forward without an address and an unanswered attempt move to the
// next meta, a meta not ready is asked again, an answer about the request itself is final.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_TABLE } from '../core/client/meta-calls.ts';
import { encodeResponse, type RequestFrame, type RpcName } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { META, META2 } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import { partitionConfig, queryCfgReply, type ServerAnswer } from './helpers/core-harness.ts';

const META3 = '127.0.0.1:34603';
const LIST = 'RPC_CM_LIST_APPS';
const CREATE = 'RPC_CM_CREATE_APP';
const QUERY = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

const reply = (req: RequestFrame, body: object): ServerAnswer => ({
  kind: 'reply',
  bytes: encodeResponse(req.name as RpcName, req.seqid, 'ERR_OK', body as never),
});
const listReply = (err: string) => (req: RequestFrame) => reply(req, { err, infos: [] });

function harness() {
  return new BudgetHarness({ metaServers: [META, META2, META3], seed: 3, machines: MACHINES, ...PINNED });
}

const list = (timeoutMs = 2000) =>
  ({
    table: ADMIN_TABLE,
    rpc: LIST,
    args: { status: 1 },
    partitionHash: 0n,
    idempotent: true,
    timeoutMs,
  }) as const;

const order = (h: BudgetHarness) => h.sent.map((s) => s.address);

describe('admin calls: meta failover rules', () => {
  it('a forward naming the leader is followed (query_cfg), not the next meta in the list', () => {
    const h = harness();
    h.scripts.set(META, (req) =>
      queryCfgReply(req, { err: 'ERR_FORWARD_TO_OTHERS', partitions: [partitionConfig(0, 0, 0n, META3)] }),
    );
    h.scripts.set(META3, (req) => queryCfgReply(req, { app_id: 4, partition_count: 1, partitions: [] }));
    const id = h.call({
      table: ADMIN_TABLE,
      rpc: QUERY,
      args: { app_name: 't', partition_indices: [] },
      partitionHash: 0n,
      idempotent: true,
      timeoutMs: 2000,
    });
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META3]);
  });

  it('a forward without an address moves to the next meta; a meta not ready is asked again', () => {
    const h = harness();
    let notReady = 1;
    h.scripts.set(META, listReply('ERR_FORWARD_TO_OTHERS'));
    h.scripts.set(META2, (req) => listReply(notReady-- > 0 ? 'ERR_SERVICE_NOT_ACTIVE' : 'ERR_OK')(req));
    const id = h.call(list());
    h.runUntil(500);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META2, META2]);
    // the leader guess stays: the next call goes straight to it
    const next = h.call(list());
    h.runUntil(h.nowMs + 20);
    assert.equal(h.settledOf(next)?.ok, true);
    assert.equal(order(h).at(-1), META2);
  });

  it('an unanswered list moves on to the next meta after the attempt timeout; so does a refused connection', () => {
    const h = harness();
    h.scripts.set(META, () => ({ kind: 'silent' }));
    h.connectBehaviour.set(META2, 'refuse');
    h.scripts.set(META3, listReply('ERR_OK'));
    const id = h.call(list());
    h.runUntil(1000);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(order(h), [META, META3]);
    const atMs = h.settledOf(id)!.atMs;
    assert.ok(atMs >= PINNED.attemptTimeoutMs, 'after the attempt timeout');
    // a meta known down is passed at once, not waited for (its reconnect back-off is 50 ms)
    assert.ok(atMs <= PINNED.attemptTimeoutMs + 20, `settled at ${atMs}`);
  });

  it('an answer about the request itself (ERR_APP_EXIST) is final: no resend', () => {
    const h = harness();
    h.scripts.set(META, (req) => reply(req, { err: 'ERR_APP_EXIST', appid: 0 }));
    const id = h.call({
      table: ADMIN_TABLE,
      rpc: CREATE,
      args: {
        app_name: 't',
        options: {
          partition_count: 4,
          replica_count: 3,
          success_if_exist: false,
          app_type: 'pegasus',
          is_stateful: true,
          envs: new Map(),
        },
      },
      partitionHash: 0n,
      idempotent: false,
      timeoutMs: 2000,
    });
    h.runUntil(300);
    assert.equal(h.settledOf(id)?.code, 'ERR_APP_EXIST');
    assert.deepEqual(order(h), [META]);
  });

  it('with every meta refusing, the call waits for one and settles by its deadline', () => {
    const h = harness();
    for (const m of [META, META2, META3]) h.connectBehaviour.set(m, 'refuse');
    const id = h.call(list(600));
    h.runUntil(2000);
    const s = h.settledOf(id);
    assert.equal(s?.code, 'ERR_TIMEOUT');
    assert.ok(s!.atMs <= 601, `settled at ${s!.atMs}`);
  });
});
