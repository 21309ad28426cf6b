// Unit tests of the sans-I/O client core against scripted servers (tests/helpers/core-harness.ts).
// Each test states one failure rule of issue 4 and checks who settled, when, and what was sent where.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { encodeResponse, type RequestFrame } from '../core/wire/index.ts';
import { MACHINES, NODE_HEALTH, REQUEST_STATE, requestMachine } from '../machines/index.ts';
import {
  CoreHarness,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';

const META = '127.0.0.1:34601';
const META2 = '127.0.0.1:34602';
const N1 = '127.0.0.1:34801';
const N2 = '127.0.0.1:34802';
const N3 = '127.0.0.1:34803';

/** a one-partition table whose configuration the test changes by assigning to `cfg` */
function world(opts: { metas?: string[]; primary?: string } = {}) {
  const h = new CoreHarness({ metaServers: opts.metas ?? [META], seed: 7 });
  const cfg = { ballot: 1n, primary: opts.primary ?? N1, secondaries: [N2, N3] };
  h.scripts.set(META, (req) =>
    queryCfgReply(req, {
      app_id: 1,
      partition_count: 1,
      partitions: [partitionConfig(1, 0, cfg.ballot, cfg.primary, cfg.secondaries)],
    }),
  );
  return { h, cfg };
}

function open(h: CoreHarness) {
  h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
  h.runUntil(h.nowMs + 10);
  assert.deepEqual(h.opened.at(-1), { requestId: 1, ok: true, code: null });
}

const key = encodeKey(Buffer.from('h'), Buffer.from('s'));
const hash = partitionHash(Buffer.from('h'), Buffer.from('s'));
const get = (timeoutMs = 1000) =>
  ({
    table: 't',
    rpc: 'RPC_RRDB_RRDB_GET',
    args: key,
    partitionHash: hash,
    idempotent: true,
    timeoutMs,
  }) as const;
const incr = (timeoutMs = 1000) =>
  ({
    table: 't',
    rpc: 'RPC_RRDB_RRDB_INCR',
    args: { key, increment: 1n, expire_ts_seconds: 0 },
    partitionHash: hash,
    idempotent: false,
    timeoutMs,
  }) as const;

const incrReply = (req: RequestFrame): ServerAnswer => ({
  kind: 'reply',
  bytes: encodeResponse('RPC_RRDB_RRDB_INCR', req.seqid, 'ERR_OK', {
    error: 0,
    new_value: 1n,
    app_id: 1,
    partition_index: 0,
    decree: 1n,
    server: '',
  }),
});

const sentTo = (h: CoreHarness, address: string, name: string) =>
  h.sent.filter((s) => s.address === address && s.frame.name === name);

describe('client core', () => {
  it('opens a table through meta and serves a get from the primary', () => {
    const { h } = world();
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    open(h);
    const id = h.call(get());
    h.runUntil(h.nowMs + 20);
    const s = h.settledOf(id);
    assert.equal(s?.ok, true);
    assert.equal(Buffer.from((s!.result as { value: Uint8Array }).value).toString(), 'v');
    // v1 header, remaining budget in the header, hash of the key
    const sent = sentTo(h, N1, 'RPC_RRDB_RRDB_GET')[0]!;
    assert.equal(sent.frame.headerVersion, 1);
    assert.equal(sent.frame.header.partition_hash, hash);
    assert.ok(sent.frame.header.client_timeout_ms > 900 && sent.frame.header.client_timeout_ms <= 1000);
  });

  it('known dead means nobody waits: a reset re-routes idempotent calls and fails incr as outcome-unknown in the same step', () => {
    const { h, cfg } = world();
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    const g = h.call(get());
    const i = h.call(incr());
    h.runUntil(h.nowMs + 5);
    assert.equal(h.core.callsWaitingOn(N1).length, 2);
    h.connectBehaviour.set(N1, 'refuse'); // crashed: later connects are refused
    const crashAt = h.nowMs;
    h.dropConnection(N1, 'reset');
    // zero simulated time later:
    assert.deepEqual(h.core.callsWaitingOn(N1), []);
    const si = h.settledOf(i);
    assert.equal(si?.code, 'ERR_SESSION_RESET');
    assert.equal(si?.outcomeUnknown, true);
    assert.equal(si?.atMs, crashAt);
    assert.equal(h.settledOf(g), undefined, 'the get is re-routed, not failed');
    assert.equal(h.core.callState(g), REQUEST_STATE.waitingRoute);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.down);
    // meta promotes N2; the get goes there and succeeds; nothing more is sent to N1
    const sentToN1 = h.sent.filter((s) => s.address === N1).length;
    cfg.ballot = 3n;
    cfg.primary = N2;
    cfg.secondaries = [N3];
    h.scripts.set(N2, (req) => getReply(req, 'v2'));
    h.runUntil(crashAt + 300);
    assert.equal(h.settledOf(g)?.ok, true);
    assert.equal(h.sent.filter((s) => s.address === N1).length, sentToN1);
    assert.equal(sentTo(h, N2, 'RPC_RRDB_RRDB_GET').length, 1);
    assert.equal(sentTo(h, N1, 'RPC_RRDB_RRDB_INCR').length, 1, 'incr is never resent');
  });

  it('a partition without a primary blocks calls only until meta names one, polling within the cap', () => {
    const { h, cfg } = world();
    cfg.ballot = 2n;
    cfg.primary = '';
    open(h);
    const g = h.call(get(3000));
    const start = h.nowMs;
    h.runUntil(start + 1000);
    const queries = h.sent.filter((s) => s.address === META && s.atMs >= start);
    assert.ok(queries.length >= 3 && queries.length <= 7, `polled ${queries.length} times in 1 s`);
    for (let k = 1; k < queries.length; k++) {
      assert.ok(queries[k]!.atMs - queries[k - 1]!.atMs <= 200 + 5, 'poll interval exceeds the cap');
    }
    cfg.ballot = 3n;
    cfg.primary = N2;
    h.scripts.set(N2, (req) => getReply(req, 'x'));
    const promotedAt = h.nowMs;
    h.runUntil(promotedAt + 400);
    const s = h.settledOf(g);
    assert.equal(s?.ok, true);
    assert.ok((s?.atMs ?? Infinity) - promotedAt <= 200 + 10, 'promotion not seen within the poll cap');
  });

  it('a hang is caught by the attempt timeout: the node turns suspect, routing refreshes, the call moves', () => {
    const { h, cfg } = world();
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    const g = h.call(get(1000));
    const start = h.nowMs;
    cfg.ballot = 3n;
    cfg.primary = N2;
    h.scripts.set(N2, (req) => getReply(req, 'moved'));
    h.runUntil(start + 1000);
    const s = h.settledOf(g);
    assert.equal(s?.ok, true);
    assert.ok(s!.atMs - start >= 400 && s!.atMs - start < 500, `settled at +${s!.atMs - start}`);
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.suspect);
  });

  it('a non-idempotent call is never resent after an attempt timeout; it settles at its deadline as outcome-unknown', () => {
    const { h } = world();
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    const start = h.nowMs;
    const i = h.call(incr(1000));
    h.runUntil(start + 2000);
    const s = h.settledOf(i);
    assert.equal(s?.code, 'ERR_TIMEOUT');
    assert.equal(s?.outcomeUnknown, true);
    assert.equal(s?.atMs, start + 1000);
    assert.equal(sentTo(h, N1, 'RPC_RRDB_RRDB_INCR').length, 1);
  });

  it('ERR_INVALID_STATE refreshes routing and retries on the new primary, even for incr (a definite rejection)', () => {
    const { h, cfg } = world();
    h.scripts.set(N1, (req) => {
      cfg.ballot = 2n;
      cfg.primary = N2;
      return errorReply(req, 'ERR_INVALID_STATE');
    });
    h.scripts.set(N2, incrReply);
    open(h);
    const i = h.call(incr());
    h.runUntil(h.nowMs + 300);
    assert.equal(h.settledOf(i)?.ok, true);
    assert.equal(sentTo(h, N2, 'RPC_RRDB_RRDB_INCR').length, 1);
  });

  it('every call settles by its deadline even when meta never answers', () => {
    const h = new CoreHarness({ metaServers: [META], seed: 1 });
    h.scripts.set(META, () => ({ kind: 'silent' }));
    const g = h.call(get(700));
    h.runUntil(5000);
    assert.deepEqual(
      h.settled.map((s) => [s.callId, s.code, s.atMs]),
      [[g, 'ERR_TIMEOUT', 700]],
    );
  });

  it('follows ERR_FORWARD_TO_OTHERS from a follower meta, even to a meta not in the configured list', () => {
    const { h } = world({ metas: [META2] });
    h.scripts.set(META2, (req) =>
      queryCfgReply(req, { err: 'ERR_FORWARD_TO_OTHERS', partitions: [partitionConfig(0, 0, 0n, META)] }),
    );
    open(h);
    assert.equal(h.core.metaLeaderAddress(), META);
    assert.equal(sentTo(h, META2, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX').length, 1);
  });

  it('rotates to the next meta when one refuses connections', () => {
    const { h } = world({ metas: [META2, META] });
    h.connectBehaviour.set(META2, 'refuse');
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(500);
    assert.deepEqual(h.opened, [{ requestId: 1, ok: true, code: null }]);
  });

  it('a malformed frame closes the connection with a protocol error and re-routes its calls', () => {
    const { h, cfg } = world();
    h.scripts.set(N1, () => ({ kind: 'reply', bytes: Buffer.from([0, 0, 0, 3, 1, 2, 3]) }));
    open(h);
    const g = h.call(get());
    cfg.ballot = 2n;
    cfg.primary = N2;
    h.scripts.set(N2, (req) => getReply(req, 'ok'));
    h.runUntil(h.nowMs + 400);
    assert.ok(h.commands.some((c) => c.cmd.type === 'disconnect' && c.cmd.address === N1));
    assert.equal(h.settledOf(g)?.ok, true);
  });

  it('close() settles every pending call with ERR_CLIENT_CLOSED and leaves no timers or connections', () => {
    const { h } = world();
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    const ids = [h.call(get()), h.call(incr()), h.call(get())];
    h.runUntil(h.nowMs + 5);
    h.feed({ type: 'close' });
    assert.deepEqual(
      ids.map((id) => h.settledOf(id)?.code),
      ['ERR_CLIENT_CLOSED', 'ERR_CLIENT_CLOSED', 'ERR_CLIENT_CLOSED'],
    );
    assert.equal(h.core.timerCount(), 0);
    assert.equal(h.core.nextTimerMs(), null);
    assert.deepEqual(h.core.openConnections(), []);
    const late = h.call(get());
    assert.equal(h.settledOf(late)?.code, 'ERR_CLIENT_CLOSED');
    assert.equal(h.settled.length, 4, 'each call settled exactly once');
  });

  it('changing a machine definition changes the client: a request machine that treats gets as non-idempotent fails them on reset', () => {
    const mutated = {
      ...MACHINES,
      request: requestMachine.provide({ guards: { isIdempotent: () => false } }),
    };
    const outcomes = [MACHINES, mutated].map((machines) => {
      const h = new CoreHarness({ metaServers: [META], seed: 7, machines });
      h.scripts.set(META, (req) =>
        queryCfgReply(req, {
          app_id: 1,
          partition_count: 1,
          partitions: [partitionConfig(1, 0, 1n, N1, [N2])],
        }),
      );
      h.scripts.set(N1, () => ({ kind: 'silent' }));
      open(h);
      const g = h.call(get());
      h.runUntil(h.nowMs + 5);
      h.dropConnection(N1);
      return h.settledOf(g)?.code ?? 'pending';
    });
    assert.deepEqual(outcomes, ['pending', 'ERR_SESSION_RESET']);
  });
  it('describe(): the same history gives the same description; a different one a different description', () => {
    const run = (extra: boolean) => {
      const { h } = world();
      h.scripts.set(N1, () => ({ kind: 'silent' }));
      open(h);
      h.call(get());
      if (extra) h.call(incr());
      h.runUntil(h.nowMs + 5);
      return h.core.describe();
    };
    assert.deepEqual(run(false), run(false));
    assert.notDeepEqual(run(false), run(true));
    const lines = run(true);
    assert.ok(
      lines.some((l) => l.startsWith('call 2 ') && l.includes('awaiting')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith(`node ${N1} `)),
      'describes the node',
    );
  });
});
