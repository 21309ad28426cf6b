// What arrives from the servers (core/client/replies.ts): several frames in one chunk of data, each
// matched to what waits for it, whatever the frames before it did (a late reply, an error, a value,
// a meta answer). The driver hands the core whatever the socket read, so one read often holds many
// replies. Scripted servers and virtual time; the chunks are fed by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_TABLE } from '../core/client/meta-calls.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { MACHINES, REQUEST_STATE } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { GET, get, META, META2, N1, open, QUERY, sentTo, world } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  type CoreHarness,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const LIST = 'RPC_CM_LIST_APPS';

const getOk = (seqid: number, value: string) =>
  encodeResponse(GET, seqid, 'ERR_OK', {
    error: 0,
    value: Buffer.from(value),
    app_id: 1,
    partition_index: 0,
    server: '',
  });

/** the sequence ids of the requests of one kind `address` received, in order */
const seqids = (h: CoreHarness, address: string, name: string) =>
  h.sent.filter((s) => s.address === address && s.frame.name === name).map((s) => s.frame.seqid);

const settledValue = (h: CoreHarness, id: number) =>
  Buffer.from((h.settledOf(id)?.result as { value: Uint8Array } | undefined)?.value ?? []).toString();

const list = () =>
  ({
    table: ADMIN_TABLE,
    rpc: LIST,
    args: { status: 1 },
    partitionHash: 0n,
    idempotent: true,
    timeoutMs: 5000,
  }) as const;

describe('client core: several replies in one chunk', () => {
  it('a late reply, an error and two values in one chunk: every frame after the first is still matched', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, silent);
    const a = h.call(get());
    const b = h.call(get());
    const c = h.call(get());
    h.runUntil(h.nowMs + 5);
    const [sa, sb, sc] = seqids(h, N1, GET);
    const chunk = Buffer.concat([
      getOk(999_999, 'late'), // nothing waits for it: dropped
      encodeResponse(GET, sa!, 'ERR_INVALID_PARAMETERS'),
      getOk(sb!, 'b'),
      getOk(sc!, 'c'),
    ]);
    h.feed({ type: 'data', address: N1, bytes: chunk });
    assert.equal(h.settledOf(a)?.code, 'ERR_INVALID_PARAMETERS');
    assert.equal(settledValue(h, b), 'b');
    assert.equal(settledValue(h, c), 'c');
  });

  it("meta's RPC-level error on a query, then an admin call's answer, in one chunk: both are heard", () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 3, machines: MACHINES, ...PINNED });
    h.scripts.set(META, silent);
    const data = h.call(get()); // the table is not open: the core queries meta for it
    const admin = h.call(list());
    h.runUntil(5);
    const [query] = seqids(h, META, QUERY);
    const [listed] = seqids(h, META, LIST);
    const chunk = Buffer.concat([
      encodeResponse(QUERY, query!, 'ERR_BUSY'),
      encodeResponse(LIST, listed!, 'ERR_OK', { err: 'ERR_OK', infos: [] }),
    ]);
    h.feed({ type: 'data', address: META, bytes: chunk });
    assert.equal(h.settledOf(admin)?.ok, true, 'the admin answer after the failed query was heard');
    assert.equal(h.core.metaQueriesInFlight('t'), 0, 'the query failed');
    assert.equal(h.core.callState(data), REQUEST_STATE.waitingRoute);
  });

  it("meta's answer to a query, then an admin call's answer, in one chunk: both are heard", () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 3, machines: MACHINES, ...PINNED });
    h.scripts.set(META, silent);
    h.scripts.set(N1, silent);
    const data = h.call(get());
    const admin = h.call(list());
    h.runUntil(5);
    const [query] = seqids(h, META, QUERY);
    const [listed] = seqids(h, META, LIST);
    const chunk = Buffer.concat([
      encodeResponse(QUERY, query!, 'ERR_OK', {
        err: 'ERR_OK',
        app_id: 1,
        partition_count: 1,
        is_stateful: true,
        partitions: [partitionConfig(1, 0, 1n, N1)],
      }),
      encodeResponse(LIST, listed!, 'ERR_OK', { err: 'ERR_OK', infos: [] }),
    ]);
    h.feed({ type: 'data', address: META, bytes: chunk });
    assert.equal(h.settledOf(admin)?.ok, true, 'the admin answer after the query answer was heard');
    assert.equal(h.core.routeTable('t')?.partitions[0]?.primary, N1, 'the routes were learned');
    assert.notEqual(h.core.callState(data), REQUEST_STATE.waitingRoute);
  });
});

describe("client core: meta's forward", () => {
  it('a forward naming the leader by address and by host:port follows the address', () => {
    const { h } = world(MACHINES, { metas: [META, META2] });
    const elsewhere = { host: '127.0.0.1', port: 34609, type: 1 };
    const ok = (req: Parameters<typeof queryCfgReply>[0]) =>
      queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 1n, N1)] });
    h.scripts.set(META, (req) =>
      queryCfgReply(req, {
        err: 'ERR_FORWARD_TO_OTHERS',
        partitions: [{ ...partitionConfig(0, 0, 0n, META2), hp_primary: elsewhere }],
      }),
    );
    h.scripts.set(META2, ok);
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 3000 });
    h.runUntil(100);
    assert.deepEqual(h.opened, [{ requestId: 1, ok: true, code: null }]);
    assert.equal(sentTo(h, META2, QUERY).length, 1);
    assert.ok(
      h.commands.every((c) => c.cmd.type !== 'connect' || c.cmd.address !== '127.0.0.1:34609'),
      'the host:port is not used when the address is given',
    );
  });
});
