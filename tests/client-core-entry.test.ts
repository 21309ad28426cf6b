// The client core's entry points and introspection, each pinned because a Stryker mutant of
// core/client (client-core.ts, core-state.ts, meta-query.ts, picker.ts) survived the core tests
// without it (docs/MUTANTS.md): handle() returns only the commands of its own event; events about
// unknown calls, nodes, tables and scanners are ignored; an open's failure says exactly what meta
// said (a reset is no refusal); close() is final; a meta query asks for exactly the partitions
// waiting calls need; a scanner's own calls never take a caller's id; a backup never goes to the
// primary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropTimer, type Instance, timerOf } from '../core/client/core-state.ts';
import { ClientCore, type CoreCommand } from '../core/client/index.ts';
import { backupCandidates } from '../core/client/picker.ts';
import { encodeKey, nextKeyOf, partitionHash, partitionIndex } from '../core/routing/index.ts';
import type { RouteSnapshot } from '../core/routing/route-snapshot.ts';
import { encodeResponse, type RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { GET, get, META, N1, N2, N3, open, QUERY, sentTo, world } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  argsOf,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';

const failuresOf = (cmds: readonly CoreCommand[]) =>
  cmds.flatMap((c) => (c.type === 'tableOpened' && !c.ok ? [c.failure] : []));

describe('handle(): the commands of this event, and nothing for unknown ids', () => {
  it('a fresh core and a core with nothing due answer a tick with no command', () => {
    const core = new ClientCore({ metaServers: [META], machines: MACHINES });
    const out = core.handle({ type: 'tick' }, 0);
    assert.deepEqual(out, []);
    // the list is the caller's: it may add to it without touching the next event's output
    (out as CoreCommand[]).push({ type: 'connect', address: N1 });
    assert.deepEqual(core.handle({ type: 'tick' }, 0), []);
    const first = core.handle({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 }, 1);
    assert.ok(first.some((c) => c.type === 'connect'));
    assert.deepEqual(core.handle({ type: 'tick' }, 2), [], 'the previous commands are not repeated');
  });

  it('events naming an unknown call, node, table or scanner change nothing and do not throw', () => {
    const { h } = world(MACHINES);
    open(h);
    assert.deepEqual(h.core.handle({ type: 'tick' }, h.nowMs), []);
    const before = h.core.describe();
    for (const e of [
      { type: 'abort', callId: 99, error: 'ERR_ABORTED' },
      { type: 'connected', address: '10.0.0.9:1' },
      { type: 'connectionLost', address: '10.0.0.9:1', reason: 'reset' },
      { type: 'abortOpen', requestId: 5, table: 'nope', error: 'ERR_ABORTED' },
      { type: 'scanClose', scannerId: 42, error: 'ERR_ABORTED' },
    ] as const)
      assert.deepEqual(h.core.handle(e, h.nowMs), [], e.type);
    assert.deepEqual(h.core.describe(), before);
  });

  it('a next batch of a scanner that has ended (or never was) is the end of the scan, at once', () => {
    const core = new ClientCore({ metaServers: [META], machines: MACHINES });
    assert.deepEqual(core.handle({ type: 'scanNext', callId: 3, scannerId: 8 }, 0), [
      { type: 'settle', callId: 3, ok: true, result: { records: [], done: true }, attempts: [] },
    ]);
  });
});

describe('opening a table: what the failure says', () => {
  it('an open given up by its caller fails with exactly its error and no meta errors', () => {
    const { h } = world(MACHINES);
    h.scripts.delete(META); // meta never answers
    h.feed({ type: 'openTable', requestId: 4, table: 't', timeoutMs: 5000 });
    h.runUntil(20);
    const cmds = h.feed({ type: 'abortOpen', requestId: 4, table: 't', error: 'ERR_ABORTED' });
    assert.deepEqual(cmds, [
      {
        type: 'tableOpened',
        requestId: 4,
        ok: false,
        failure: { code: 'ERR_ABORTED', cause: null, outcomeUnknown: false, attempts: [] },
      },
    ]);
  });

  it('an open that times out before meta said anything has no meta errors', () => {
    const core = new ClientCore({ metaServers: [META], machines: MACHINES, ...PINNED, seed: 7 });
    core.handle({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 50 }, 0);
    core.handle({ type: 'connected', address: META }, 1);
    assert.deepEqual(core.handle({ type: 'tick' }, 50), [
      {
        type: 'tableOpened',
        requestId: 1,
        ok: false,
        failure: { code: 'ERR_TIMEOUT', cause: null, outcomeUnknown: false, attempts: [] },
      },
    ]);
  });

  it("a meta connection reset is recorded as a reset, a refused one as a refusal (the open's metaErrors)", () => {
    for (const [reason, code] of [
      ['reset', 'ERR_SESSION_RESET'],
      ['refused', 'ERR_CONNECTION_REFUSED'],
    ] as const) {
      const core = new ClientCore({ metaServers: [META], machines: MACHINES, ...PINNED, seed: 7 });
      const out: CoreCommand[] = [];
      out.push(...core.handle({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 50 }, 0));
      if (reason === 'reset') out.push(...core.handle({ type: 'connected', address: META }, 1));
      // the driver gives no system error code: the core's own reason is what the caller sees
      out.push(...core.handle({ type: 'connectionLost', address: META, reason }, 2));
      out.push(...core.handle({ type: 'tick' }, 60));
      const [f] = failuresOf(out);
      assert.equal(f?.code, 'ERR_META_UNREACHABLE', reason);
      assert.deepEqual(f?.metaErrors, [{ address: META, code }], reason);
      assert.equal(f?.outcomeUnknown, false);
      assert.deepEqual(f?.attempts, []);
    }
  });
});

describe('close()', () => {
  it('is final: an open after it fails with ERR_CLIENT_CLOSED alone, a second close does nothing', () => {
    const { h } = world(MACHINES);
    open(h);
    h.call(get(1000)); // N1 is silent: the call is pending at close
    h.runUntil(h.nowMs + 5);
    assert.equal(h.core.isClosed, false);
    assert.ok(h.feed({ type: 'close' }).length > 0);
    assert.equal(h.core.isClosed, true);
    assert.deepEqual(h.core.handle({ type: 'close' }, h.nowMs), []);
    assert.deepEqual(h.core.handle({ type: 'openTable', requestId: 2, table: 't', timeoutMs: 10 }, h.nowMs), [
      {
        type: 'tableOpened',
        requestId: 2,
        ok: false,
        failure: { code: 'ERR_CLIENT_CLOSED', cause: null, outcomeUnknown: false, attempts: [] },
      },
    ]);
  });
});

describe('introspection', () => {
  it('names the pending calls, what they wait on, and every machine state; unknown names give null', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req) => getReply(req, 'v', 50));
    assert.equal(h.core.routeTable('t'), null);
    assert.equal(h.core.routingState('t'), null);
    open(h);
    const id = h.call(get(1000));
    h.runUntil(h.nowMs + 5);
    assert.deepEqual(h.core.pendingCallIds(), [id]);
    assert.deepEqual(h.core.callsWaitingOn(N1), [id]);
    assert.deepEqual(h.core.callsWaitingOn(N2), []);
    assert.equal(h.core.callState(id), 'awaiting');
    assert.equal(h.core.callState(99), null);
    assert.equal(h.core.routingState('t'), 'quiet');
    assert.equal(h.core.routeTable('t')?.partitionCount, 1);
    assert.equal(h.core.routeTable('u'), null);
    assert.deepEqual(h.core.machineStates(), {
      calls: { [String(id)]: 'awaiting' },
      nodes: { [META]: 'ready', [N1]: 'ready' },
      tables: { t: 'quiet' },
    });
    assert.equal(h.core.metaLeaderAddress(), META);
    assert.equal(h.core.metaQueriesInFlight('t'), 0);
    h.runUntil(h.nowMs + 100);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.deepEqual(h.core.pendingCallIds(), []);
    assert.deepEqual(h.core.callsWaitingOn(N1), []);
  });

  it('counts the meta query of one table only, while it is in flight', () => {
    const { h } = world(MACHINES);
    h.scripts.delete(META);
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(5);
    assert.equal(h.core.metaQueriesInFlight('t'), 1);
    assert.equal(h.core.metaQueriesInFlight('u'), 0);
  });
});

// ---- scanners at the core ----

const HK = Buffer.from('h');
const scanSpec = {
  table: 't',
  hashScanHash: partitionHash(HK, Buffer.alloc(0)),
  partitions: [],
  partitionCount: 0,
  startKey: encodeKey(HK, Buffer.alloc(0)),
  stopKey: nextKeyOf(HK),
  startInclusive: true,
  stopInclusive: false,
  batchSize: 10,
  noValue: false,
  returnExpireTs: false,
  hashKeyFilterType: 0,
  hashKeyFilterPattern: Buffer.alloc(0),
  sortKeyFilterType: 0,
  sortKeyFilterPattern: Buffer.alloc(0),
  batchTimeoutMs: 5000,
} as const;

describe('scanners at the core', () => {
  it("a scanner's own call never takes a caller's id; scanClose fails the awaited batch at once", () => {
    const { h } = world(MACHINES);
    // N1 answers gets late and never answers get_scanner
    h.scripts.set(N1, (req) => (req.name === GET ? getReply(req, 'v', 50) : { kind: 'silent' }));
    open(h);
    const id = h.call(get(1000));
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: scanSpec });
    h.runUntil(h.nowMs + 5);
    assert.deepEqual(h.core.openScannerIds(), [1]);
    assert.equal(h.core.scannerState(1), 'opening');
    assert.equal(h.core.scannerState(2), null);
    const ids = h.core.pendingCallIds();
    assert.equal(ids.length, 2, `the caller's call and the scanner's: ${ids}`);
    assert.ok(ids.includes(id));
    assert.ok(
      ids.every((c) => c === id || c < 0),
      `own call ids are negative: ${ids}`,
    );
    const cmds = h.feed({ type: 'scanClose', scannerId: 1, error: 'ERR_ABORTED' });
    const settled = cmds.find((c) => c.type === 'settle' && c.callId === 100);
    assert.equal(settled?.type === 'settle' && !settled.ok && settled.failure.code, 'ERR_ABORTED');
    h.runUntil(h.nowMs + 100);
    assert.equal(h.settledOf(id)?.ok, true);
  });

  it('close() clears the context of a scanner between batches, while the connection is open', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req): ServerAnswer => {
      if (req.name !== 'RPC_RRDB_RRDB_GET_SCANNER') return { kind: 'silent' };
      const resp = {
        error: 0,
        kvs: [{ key: Buffer.from('s'), value: Buffer.from('v') }],
        context_id: 5n,
        app_id: 1,
        partition_index: 0,
        server: '',
      };
      return { kind: 'reply', bytes: encodeResponse('RPC_RRDB_RRDB_GET_SCANNER', req.seqid, 'ERR_OK', resp) };
    });
    open(h);
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: scanSpec });
    h.runUntil(h.nowMs + 5);
    assert.equal(h.settledOf(100)?.ok, true, 'the first batch');
    assert.equal(h.core.scannerState(1), 'yielding');
    h.feed({ type: 'close' });
    assert.equal(sentTo(h, N1, 'RPC_RRDB_RRDB_CLEAR_SCANNER').length, 1, 'the context is cleared');
    assert.deepEqual(h.core.openScannerIds(), []);
  });

  it('close() fails a batch the consumer awaits with ERR_CLIENT_CLOSED', () => {
    const { h } = world(MACHINES);
    open(h);
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: scanSpec });
    h.runUntil(h.nowMs + 5);
    const cmds = h.feed({ type: 'close' });
    const settled = cmds.find((c) => c.type === 'settle' && c.callId === 100);
    assert.equal(settled?.type === 'settle' && !settled.ok && settled.failure.code, 'ERR_CLIENT_CLOSED');
    assert.deepEqual(h.core.openScannerIds(), []);
  });
});

// ---- the meta query ----

/** a hash key whose partition among 4 is `index` */
function keyOf(index: number): string {
  for (let i = 0; ; i++) {
    const k = `k${i}`;
    if (partitionIndex(partitionHash(Buffer.from(k), Buffer.from('s')), 4) === index) return k;
  }
}

const getOf = (index: number) => {
  const k = Buffer.from(keyOf(index));
  return {
    table: 't',
    rpc: 'RPC_RRDB_RRDB_GET',
    args: encodeKey(k, Buffer.from('s')),
    partitionHash: partitionHash(k, Buffer.from('s')),
    idempotent: true,
    timeoutMs: 5000,
  } as const;
};

describe('the meta query', () => {
  it('asks for exactly the partitions waiting calls need, in order, with its own timeout and no backup flag', () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 7, machines: MACHINES, ...PINNED });
    h.scripts.set(META, (req): ServerAnswer => {
      const asked = argsOf(QUERY, req).partition_indices;
      return queryCfgReply(req, {
        app_id: 1,
        partition_count: 4,
        partitions: [0, 1, 2, 3]
          .filter((i) => asked.length === 0 || asked.includes(i))
          .map((i) => partitionConfig(1, i, 1n, N1, [N2, N3])),
      });
    });
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
    h.runUntil(10);
    assert.equal(h.opened.at(-1)?.ok, true);
    const first = sentTo(h, META, QUERY)[0]!.frame;
    assert.deepEqual(argsOf(QUERY, first).partition_indices, [], 'the first query asks for the whole table');
    // every partition's primary rejects once (its entry is stale): the three calls wait for one query
    const rejected = new Set<number>();
    h.scripts.set(N1, (req: RequestFrame) => {
      const p = req.header.partition_index;
      if (rejected.has(p)) return getReply(req, 'v');
      rejected.add(p);
      return errorReply(req, 'ERR_OBJECT_NOT_FOUND');
    });
    const ids = [3, 0, 1].map((p) => h.call(getOf(p)));
    h.runUntil(h.nowMs + 1000);
    for (const id of ids) assert.equal(h.settledOf(id)?.ok, true, `call ${id}`);
    const queries = sentTo(h, META, QUERY).slice(1);
    assert.deepEqual(
      queries.map((q) => argsOf(QUERY, q.frame).partition_indices),
      [[0, 1, 3]],
      'one query, for the three partitions, in index order (not the order the calls were rejected in)',
    );
    for (const q of queries) {
      assert.equal(q.frame.header.client_timeout_ms, PINNED.metaQueryTimeoutMs);
      assert.equal(q.frame.header.is_backup_request, false);
    }
  });
});

// ---- backup candidates ----

describe('backup candidates', () => {
  const route = (primary: string, secondaries: string[]) => ({
    ballot: 1n,
    primary,
    secondaries,
    invalid: false,
  });
  const routes: RouteSnapshot = {
    appId: 1,
    partitionCount: 3,
    partitions: [route(N1, [N2, N3]), route(N1, [N1, N2]), undefined],
  };

  it("are the partition's secondaries, never its primary (even when meta lists it among them)", () => {
    assert.deepEqual(backupCandidates(routes, 0), [N2, N3]);
    assert.deepEqual(backupCandidates(routes, 1), [N2]);
  });

  it('are none for a partition meta has not described', () => {
    assert.deepEqual(backupCandidates(routes, 2), []);
    assert.deepEqual(backupCandidates(routes, 7), []);
  });
});

describe("an owner's timer list", () => {
  it('dropping any one timer keeps every other, so each can still be found and cancelled', () => {
    const entry = (id: string) => ({ dueMs: 0, seq: 0, payload: { owner: null, id } }) as never;
    for (const drop of ['a', 'b', 'c']) {
      const owner = { timers: [entry('a'), entry('b'), entry('c')] } as unknown as Instance;
      dropTimer(owner, timerOf(owner, drop)!);
      const left = ['a', 'b', 'c'].filter((id) => id !== drop);
      assert.deepEqual(
        left.map((id) => timerOf(owner, id) !== undefined),
        [true, true],
        `after dropping ${drop}`,
      );
      assert.equal(owner.timers.length, 2);
      assert.equal(timerOf(owner, drop), undefined);
    }
    // a timer the owner does not hold (already dropped) leaves the others alone
    const owner = { timers: [entry('a'), entry('b')] } as unknown as Instance;
    dropTimer(owner, entry('gone'));
    assert.deepEqual(
      ['a', 'b'].map((id) => timerOf(owner, id) !== undefined),
      [true, true],
    );
    assert.equal(owner.timers.length, 2);
  });
});
