// A call's own rules in the core (core/client/call-kind.ts): one-way sends (where they go, when they
// are refused), the route a rejected attempt invalidates, a second call while the primary connects,
// a write waiting for its late reply when its connection is lost, and a request machine that asks
// for an action the core does not know. Scripted servers and virtual time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMachine } from 'xstate';
import { MACHINES, NODE_HEALTH, REQUEST_STATE, requestMachine } from '../machines/index.ts';
import { settleOf } from './fixtures/machines/kill-scripted.ts';
import {
  GET,
  get,
  INCR,
  incr,
  META,
  N1,
  N2,
  open,
  QUERY,
  sentTo,
  world,
} from './fixtures/machines/kill-world.ts';
import { cloneConfig } from './fixtures/machines/mutate.ts';
import {
  argsOf,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';

const silent = (): ServerAnswer => ({ kind: 'silent' });
const CLEAR = 'RPC_RRDB_RRDB_CLEAR_SCANNER' as const;

const clearScanner = (pinnedNode?: string, args: bigint = 42n) => ({
  ...get(),
  rpc: CLEAR,
  args,
  ...(pinnedNode === undefined ? {} : { pinnedNode }),
});

/** the world with connections to N1 (the primary) and N2 open */
function twoOpen() {
  const { h, cfg } = world(MACHINES);
  open(h);
  h.scripts.set(N1, (req) => getReply(req, 'v'));
  h.scripts.set(N2, (req) => getReply(req, 'v'));
  h.call(get());
  h.call({ ...get(), pinnedNode: N2 });
  h.runUntil(h.nowMs + 10);
  return { h, cfg };
}

describe('client core: one-way sends', () => {
  it('a one-way send pinned to an open node that is not the primary goes to that node', () => {
    const { h } = twoOpen();
    const id = h.call(clearScanner(N2));
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(sentTo(h, N2, CLEAR).length, 1);
    assert.equal(sentTo(h, N1, CLEAR).length, 0);
    const unpinned = h.call(clearScanner());
    assert.equal(h.settledOf(unpinned)?.ok, true);
    assert.equal(sentTo(h, N1, CLEAR).length, 1, 'an unpinned one goes to the primary');
  });

  it('a one-way send goes out on a suspect node (its connection is open) but not on one still connecting', () => {
    const { h } = twoOpen();
    h.scripts.set(N2, silent);
    h.call({ ...get(), pinnedNode: N2 });
    h.runUntil(h.nowMs + 410); // N2's attempt times out: N2 is suspect
    assert.equal(h.core.nodeHealth(N2), NODE_HEALTH.suspect);
    const toSuspect = h.call(clearScanner(N2));
    assert.equal(h.settledOf(toSuspect)?.ok, true);
    assert.equal(sentTo(h, N2, CLEAR).length, 1);
    // N1's connection lost: it reconnects (after its back-off) and is connecting for 1 ms
    h.dropConnection(N1);
    h.call(get()); // asks N1 to connect again
    let connecting = false;
    for (let t = 0; t < 200 && !connecting; t++) {
      h.runUntil(h.nowMs + 1);
      connecting = h.core.nodeHealth(N1) === NODE_HEALTH.connecting;
    }
    assert.ok(connecting, 'N1 is connecting');
    const toConnecting = h.call(clearScanner());
    assert.equal(h.settledOf(toConnecting)?.code, 'ERR_SESSION_RESET');
    assert.equal(sentTo(h, N1, CLEAR).length, 0, 'nothing written to a connection not yet open');
  });

  it('a one-way send whose arguments cannot be encoded fails ERR_INVALID_PARAMETERS and sends nothing', () => {
    const { h } = twoOpen();
    const id = h.call(clearScanner(N1, 'not a context id' as unknown as bigint));
    const s = settleOf(h, id);
    assert.ok(s !== undefined && !s.ok);
    assert.deepEqual(
      [s.failure.code, s.failure.outcomeUnknown, s.failure.attempts],
      ['ERR_INVALID_PARAMETERS', false, []],
    );
    assert.equal(sentTo(h, N1, CLEAR).length, 0);
  });
});

describe('client core: the route a rejected attempt invalidates', () => {
  it('a stale primary (ERR_INVALID_STATE): calls made before meta answers wait instead of going to it', () => {
    const { h, cfg } = twoOpen();
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    h.scripts.set(N2, (req) => getReply(req, 'new'));
    // meta answers the refresh late, with N2 as the new primary
    h.scripts.set(META, (req) => ({
      ...queryCfgReply(req, {
        app_id: 1,
        partition_count: 1,
        partitions: [partitionConfig(1, 0, 2n, N2, [N1])],
      }),
      delayMs: 50,
    }));
    cfg.primary = N2;
    const first = h.call(get());
    h.runUntil(h.nowMs + 2); // rejected by N1
    const before = sentTo(h, N1, GET).length;
    const second = h.call(get());
    assert.equal(h.core.callState(second), REQUEST_STATE.waitingRoute, 'the invalidated route is not used');
    h.runUntil(h.nowMs + 300);
    assert.equal(sentTo(h, N1, GET).length, before, 'nothing more went to the stale primary');
    assert.equal(h.settledOf(first)?.ok, true);
    assert.equal(h.settledOf(second)?.ok, true);
  });

  it('a rejection that concerns the whole table: the next query asks for every partition', () => {
    const { h } = twoOpen();
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_PARENT_PARTITION_MISUSED'));
    const queriesBefore = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).length;
    h.call(get());
    h.runUntil(h.nowMs + 300);
    const queries = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).slice(queriesBefore);
    assert.ok(queries.length > 0, 'meta was asked');
    assert.deepEqual(argsOf(QUERY, queries[0]!.frame).partition_indices, []);
  });

  it('a partition rejection: the next query asks for that partition only', () => {
    const { h } = twoOpen();
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    const queriesBefore = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).length;
    h.call(get());
    h.runUntil(h.nowMs + 300);
    const queries = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).slice(queriesBefore);
    assert.ok(queries.length > 0, 'meta was asked');
    assert.deepEqual(argsOf(QUERY, queries[0]!.frame).partition_indices, [0]);
  });
});

describe('client core: calls and their node', () => {
  it('a second call while the primary connects waits for that connection, not for meta', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    const queries = () => h.sent.filter((s) => s.address === META && s.frame.name === QUERY).length;
    const asked = queries();
    const a = h.call(get()); // N1 idle: asked to connect
    assert.equal(h.core.nodeHealth(N1), NODE_HEALTH.connecting);
    const b = h.call(get()); // N1 connecting
    assert.equal(h.core.callState(b), REQUEST_STATE.connecting);
    h.runUntil(h.nowMs + 10);
    assert.equal(h.settledOf(a)?.ok, true);
    assert.equal(h.settledOf(b)?.ok, true);
    assert.equal(queries(), asked, 'no meta query');
  });

  it('a write awaiting its late reply fails at once when its connection is lost (outcome unknown)', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, silent);
    const id = h.call(incr(2000));
    h.runUntil(h.nowMs + 420); // its attempt timed out: the write waits for its own reply
    assert.equal(h.core.callState(id), REQUEST_STATE.awaitingLate);
    assert.deepEqual(h.core.callsWaitingOn(N1), [id]);
    h.dropConnection(N1);
    const s = h.settledOf(id);
    assert.equal(s?.code, 'ERR_SESSION_RESET');
    assert.equal(s?.outcomeUnknown, true);
    assert.equal(sentTo(h, N1, INCR).length, 1);
  });

  it('a call that runs out of time after rejections fails ERR_TIMEOUT, the last rejection its cause', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    const id = h.call(get(100));
    h.runUntil(h.nowMs + 200);
    const s = settleOf(h, id);
    assert.ok(s !== undefined && !s.ok);
    assert.deepEqual([s.failure.code, s.failure.cause], ['ERR_TIMEOUT', 'ERR_INVALID_STATE']);
  });

  it('a scan request is a read: unanswered at its attempt timeout, it is sent again', () => {
    const { h } = world(MACHINES);
    open(h);
    h.scripts.set(N1, silent);
    h.call({ ...get(1000), rpc: 'RPC_RRDB_RRDB_SCAN', args: { context_id: 7n }, idempotent: false });
    h.runUntil(h.nowMs + 430);
    assert.equal(sentTo(h, N1, 'RPC_RRDB_RRDB_SCAN').length, 2);
  });

  it('a call routed after waiting leaves the waiting set: the next query asks only for partitions still waited for', () => {
    const { h } = world(MACHINES);
    const two = (req: Parameters<typeof queryCfgReply>[0]) =>
      queryCfgReply(req, {
        app_id: 1,
        partition_count: 2,
        partitions: [partitionConfig(1, 0, 1n, N1, [N2]), partitionConfig(1, 1, 1n, N2, [N1])],
      });
    h.scripts.set(META, two);
    h.scripts.set(N1, silent);
    h.scripts.set(N2, (req) => errorReply(req, 'ERR_INVALID_STATE'));
    const a = h.call({ ...get(5000), partitionHash: 0n }); // waits for the routes, then goes to N1
    h.runUntil(h.nowMs + 20);
    assert.equal(h.core.callState(a), REQUEST_STATE.awaiting);
    const queriesBefore = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).length;
    h.call({ ...get(5000), partitionHash: 1n }); // rejected by N2: partition 1 is refreshed
    h.runUntil(h.nowMs + 150);
    const queries = h.sent.filter((s) => s.address === META && s.frame.name === QUERY).slice(queriesBefore);
    assert.ok(queries.length > 0, 'meta was asked');
    assert.deepEqual(argsOf(QUERY, queries[0]!.frame).partition_indices, [1]);
  });

  it('a request machine asking for an action the core does not know is an error naming it', () => {
    const config = cloneConfig(requestMachine.config) as unknown as {
      states: { active: { states: { resolving: { entry: unknown } } } };
    };
    const resolving = config.states.active.states.resolving;
    const entry = resolving.entry === undefined ? [] : [resolving.entry].flat();
    resolving.entry = [...entry, 'launchRocket'];
    const odd = createMachine(config as never, requestMachine.implementations as never);
    const { h } = world({ ...MACHINES, request: odd as unknown as typeof requestMachine });
    open(h);
    assert.throws(() => h.call(get()), /core: request machine emitted unknown action launchRocket/);
  });
});
