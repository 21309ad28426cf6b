// The interpreter's side of the core (core/client/machine-set.ts, describe-state.ts), pinned where
// Stryker mutants of these files survived the core tests (docs/MUTANTS.md).
//
// core/client/machine-set.ts: a machine set made before scans and hedged reads (the demo's policy)
// names no scanner and no hedge machine; the core then runs the client's own.
//
// core/client/describe-state.ts: the core's canonical description, which the exhaustive explorer
// hashes to skip states it has seen. Its contract: two states that differ in anything that decides
// the core's future are described differently, and the order in which the core happened to create
// nodes or timers is not state. Each case below builds a view (the function's whole input) twice,
// differing in one thing, so a description that dropped or blurred that thing would say the same
// for both. Written because Stryker mutants of the file survived the core tests (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreStateView } from '../core/client/describe-state.ts';
import { describeState } from '../core/client/describe-state.ts';
import { IdTable } from '../core/client/id-table.ts';
import { MACHINES } from '../machines/index.ts';
import { get, N1, open, world } from './fixtures/machines/kill-world.ts';
import { getReply } from './helpers/core-harness.ts';

describe('machine-set: a machine set without scanner and hedge machines', () => {
  it("runs a core with the client's own scanner and hedge machines", () => {
    const { request, nodeHealth, routingRefresh } = MACHINES;
    const { h } = world({ request, nodeHealth, routingRefresh } as typeof MACHINES);
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    open(h);
    const id = h.call(get());
    h.runUntil(h.nowMs + 20);
    assert.equal(h.settledOf(id)?.ok, true);
  });
});

const A = '10.0.0.1:1';
const B = '10.0.0.2:1';

interface Timer {
  id: string;
  dueMs: number;
}
const timers = (list: Timer[] = []) => list.map((t) => ({ dueMs: t.dueMs, payload: { id: t.id } }));
const machine = (value: unknown = 'idle', context: unknown = { n: 0 }, status = 'active') => ({
  state: { value, context, status },
});
/** a call as another record lists it (only its id is read there) */
const ref = (callId: number) => ({ spec: { callId } });
const idList = <T>(list: T[]) => new Set(list);

interface CallOpts {
  callId?: number;
  value?: unknown;
  status?: string;
  context?: unknown;
  partition?: number;
  inFlight?: Array<[string, number]>;
  attached?: string | null;
  waiting?: boolean;
  attempts?: Array<[string, string | null]>;
  result?: unknown;
  timers?: Timer[];
  hedge?: { value?: unknown; context?: unknown; attempt?: [string, number] | null; timers?: Timer[] } | null;
}

function call(o: CallOpts = {}) {
  return {
    spec: { callId: o.callId ?? 1 },
    ...machine(o.value ?? { active: 'awaiting' }, o.context ?? { attempts: 1 }, o.status ?? 'active'),
    partition: o.partition ?? 0,
    inFlight: (o.inFlight ?? [[A, 3]]).map(([address, seqid]) => ({ node: { address }, seqid })),
    attached: o.attached === null ? null : { address: o.attached ?? A },
    waiting: o.waiting ?? false,
    attempts: (o.attempts ?? [[A, null]]).map(([node, outcome]) => ({ node, outcome })),
    result: o.result ?? null,
    timers: timers(o.timers ?? [{ id: 'xstate.after.deadline', dueMs: 1400 }]),
    hedge:
      o.hedge === null
        ? null
        : {
            ...machine(o.hedge?.value ?? 'waiting', o.hedge?.context ?? { sent: 0 }),
            attempt:
              o.hedge?.attempt === null
                ? null
                : {
                    node: { address: (o.hedge?.attempt ?? [B, 4])[0] },
                    seqid: (o.hedge?.attempt ?? [B, 4])[1],
                  },
            timers: timers(o.hedge?.timers ?? [{ id: 'xstate.after.backupDelay', dueMs: 1050 }]),
          },
  };
}

interface NodeOpts {
  address?: string;
  value?: unknown;
  context?: unknown;
  nextSeqid?: number;
  /** seqid -> a call id (an attempt) or a table name (a meta query) */
  pending?: Array<[number, number | string]>;
  attached?: number[];
  metaWaiters?: string[];
  timers?: Timer[];
}

function node(o: NodeOpts = {}) {
  const pending = new IdTable<unknown>();
  for (const [seq, p] of o.pending ?? [[3, 21]])
    pending.set(
      seq,
      typeof p === 'number' ? { kind: 'attempt', call: ref(p) } : { kind: 'meta', table: { name: p } },
    );
  return {
    address: o.address ?? A,
    ...machine(o.value ?? { open: 'ready' }, o.context ?? { failures: 0 }),
    conn: { pending, nextSeqidValue: o.nextSeqid ?? 4 },
    attached: idList((o.attached ?? [22]).map(ref)),
    metaWaiters: idList((o.metaWaiters ?? ['w']).map((name) => ({ name }))),
    timers: timers(o.timers ?? [{ id: 'xstate.after.connectTimeout', dueMs: 2000 }]),
  };
}

type Route = { ballot: bigint; primary: string; secondaries: string[]; invalid: boolean } | undefined;

interface TableOpts {
  name?: string;
  value?: unknown;
  context?: unknown;
  appId?: number;
  partitionCount?: number;
  partitions?: Route[];
  calls?: number[];
  waiting?: number[];
  query?: [string, number] | null;
  fullRefresh?: boolean;
  opens?: Array<[number, number]>;
  timers?: Timer[];
}

function table(o: TableOpts = {}) {
  return {
    name: o.name ?? 't',
    ...machine(o.value ?? 'quiet', o.context ?? { polls: 1 }),
    routes: {
      appId: o.appId ?? 1,
      partitionCount: o.partitionCount ?? 2,
      partitions: o.partitions ?? [{ ballot: 1n, primary: A, secondaries: [B], invalid: false }, undefined],
    },
    calls: idList((o.calls ?? [31]).map(ref)),
    waiting: idList((o.waiting ?? [32]).map(ref)),
    query:
      o.query === null ? null : { node: { address: (o.query ?? [B, 5])[0] }, seqid: (o.query ?? [B, 5])[1] },
    fullRefresh: o.fullRefresh ?? false,
    opens: new Map((o.opens ?? [[7, 1500]]).map(([id, dueMs]) => [id, { dueMs }])),
    timers: timers(o.timers ?? [{ id: 'xstate.after.quiet', dueMs: 1900 }]),
  };
}

interface ViewOpts {
  nowMs?: number;
  closed?: boolean;
  metas?: string[];
  metaLeader?: number;
  randomPosition?: number;
  nextTimerMs?: number | null;
  calls?: CallOpts[];
  nodes?: NodeOpts[];
  tables?: TableOpts[];
}

function view(o: ViewOpts = {}): CoreStateView {
  return {
    nowMs: o.nowMs ?? 1000,
    closed: o.closed ?? false,
    metas: o.metas ?? ['10.0.0.9:1'],
    metaLeader: o.metaLeader ?? 0,
    randomPosition: o.randomPosition ?? 5,
    nextTimerMs: o.nextTimerMs === undefined ? 1050 : o.nextTimerMs,
    calls: (o.calls ?? [{}]).map(call),
    nodes: (o.nodes ?? [{}]).map(node),
    tables: (o.tables ?? [{}]).map(table),
  } as unknown as CoreStateView;
}

/** every view in `cases` is described differently from every other */
function assertAllDistinct(cases: Record<string, ViewOpts>) {
  const seen = new Map<string, string>();
  for (const [name, opts] of Object.entries(cases)) {
    const text = describeState(view(opts)).join('\n');
    assert.equal(seen.get(text), undefined, `"${name}" is described as "${seen.get(text)}" is:\n${text}`);
    seen.set(text, name);
  }
}

describe('describeState: states that differ are described differently', () => {
  it('the core itself: time, closed, metas and leader, the jitter position, the next timer', () => {
    assertAllDistinct({
      base: { calls: [], nodes: [], tables: [] },
      later: { calls: [], nodes: [], tables: [], nowMs: 1001 },
      closed: { calls: [], nodes: [], tables: [], closed: true },
      'other leader': {
        calls: [],
        nodes: [],
        tables: [],
        metas: ['10.0.0.9:1', '10.0.0.8:1'],
        metaLeader: 1,
      },
      'two metas': { calls: [], nodes: [], tables: [], metas: ['10.0.0.9:1', '10.0.0.8:1'] },
      // the same characters, another split into addresses
      'two metas, split elsewhere': { calls: [], nodes: [], tables: [], metas: ['10.0.0.9:11', '0.0.0.8:1'] },
      'jitter drawn': { calls: [], nodes: [], tables: [], randomPosition: 6 },
      'no timer': { calls: [], nodes: [], tables: [], nextTimerMs: null },
    });
  });

  it('a call: its id, machine, partition, attempts in flight, node, history, result, timers and hedge', () => {
    const only = (c: CallOpts): ViewOpts => ({ calls: [c], nodes: [], tables: [] });
    assertAllDistinct({
      base: only({}),
      'another id': only({ callId: 2 }),
      'another state': only({ value: { active: 'backoff' } }),
      'another context': only({ context: { attempts: 2 } }),
      'another partition': only({ partition: 1 }),
      'nothing in flight': only({ inFlight: [] }),
      'in flight under another seqid': only({ inFlight: [[A, 4]] }),
      'in flight to another node': only({ inFlight: [[B, 3]] }),
      'two in flight': only({
        inFlight: [
          [A, 3],
          [B, 4],
        ],
      }),
      // the same characters as the two above: "10.0.0.1:1#31" and "0.0.0.2:1#4"
      'two in flight, split elsewhere': only({
        inFlight: [
          [A, 31],
          ['0.0.0.2:1', 4],
        ],
      }),
      'attached elsewhere': only({ attached: B }),
      'attached nowhere': only({ attached: null }),
      waiting: only({ waiting: true }),
      'an attempt answered': only({ attempts: [[A, 'ERR_OK']] }),
      'another result': only({ result: { value: 1 } }),
      'a timer due later': only({ timers: [{ id: 'xstate.after.deadline', dueMs: 1401 }] }),
      'another timer': only({ timers: [{ id: 'xstate.after.attemptTimeout', dueMs: 1400 }] }),
      'no hedge': only({ hedge: null }),
      'hedge in another state': only({ hedge: { value: 'racing' } }),
      'hedge with another context': only({ hedge: { context: { sent: 1 } } }),
      'hedge without a backup in flight': only({ hedge: { attempt: null } }),
      'hedge backup under another seqid': only({ hedge: { attempt: [B, 5] } }),
      'hedge timer due later': only({ hedge: { timers: [{ id: 'xstate.after.backupDelay', dueMs: 1051 }] } }),
    });
  });

  it('a node: its address, machine, next seqid, replies awaited, calls attached, meta waiters, timers', () => {
    const only = (n: NodeOpts): ViewOpts => ({ calls: [], nodes: [n], tables: [] });
    assertAllDistinct({
      base: only({}),
      'another address': only({ address: B }),
      'another state': only({ value: { open: 'suspect' } }),
      'another context': only({ context: { failures: 1 } }),
      'another next seqid': only({ nextSeqid: 5 }),
      'awaiting a meta answer': only({ pending: [[3, 't']] }),
      'awaiting another call': only({ pending: [[3, 22]] }),
      'awaiting two calls': only({
        pending: [
          [3, 1],
          [24, 5],
        ],
      }),
      // "3:12" and "4:5" against "3:1" and "24:5": the same characters
      'awaiting two calls, split elsewhere': only({
        pending: [
          [3, 12],
          [4, 5],
        ],
      }),
      'other calls attached': only({ attached: [1, 23] }),
      'other calls attached, split elsewhere': only({ attached: [12, 3] }),
      'other meta waiters': only({ metaWaiters: ['a', 'bc'] }),
      'other meta waiters, split elsewhere': only({ metaWaiters: ['ab', 'c'] }),
      'a timer due later': only({ timers: [{ id: 'xstate.after.connectTimeout', dueMs: 2001 }] }),
    });
  });

  it('a table: its name, machine, routes, calls, waiting calls, meta query, refresh kind, opens, timers', () => {
    const only = (t: TableOpts): ViewOpts => ({ calls: [], nodes: [], tables: [t] });
    const route = (r: Partial<NonNullable<Route>> = {}): Route => ({
      ballot: 1n,
      primary: A,
      secondaries: [B],
      invalid: false,
      ...r,
    });
    assertAllDistinct({
      base: only({}),
      'another name': only({ name: 'u' }),
      'another state': only({ value: 'query' }),
      'another context': only({ context: { polls: 2 } }),
      'another app id': only({ appId: 2 }),
      'another partition count': only({ partitionCount: 4 }),
      'the second partition described': only({ partitions: [route(), route()] }),
      'the first partition unknown': only({ partitions: [undefined, undefined] }),
      'another ballot': only({ partitions: [route({ ballot: 2n }), undefined] }),
      'another primary': only({ partitions: [route({ primary: B }), undefined] }),
      'two secondaries': only({ partitions: [route({ secondaries: [B, '10.0.0.3:1'] }), undefined] }),
      // "10.0.0.2:11" and "0.0.0.3:1": the characters of the two above
      'two secondaries, split elsewhere': only({
        partitions: [route({ secondaries: ['10.0.0.2:11', '0.0.0.3:1'] }), undefined],
      }),
      'the route invalid': only({ partitions: [route({ invalid: true }), undefined] }),
      'other calls': only({ calls: [1, 23] }),
      'other calls, split elsewhere': only({ calls: [12, 3] }),
      'other waiting calls': only({ waiting: [1, 23] }),
      'other waiting calls, split elsewhere': only({ waiting: [12, 3] }),
      // one call counted among the calls, or among the waiting ones: the fields stay apart
      'a call, none waiting': only({ calls: [8], waiting: [] }),
      'no call, one waiting': only({ calls: [], waiting: [8] }),
      'no meta query': only({ query: null }),
      'a meta query under another seqid': only({ query: [B, 6] }),
      'a full refresh': only({ fullRefresh: true }),
      'two opens': only({
        opens: [
          [1, 1023],
          [4, 1005],
        ],
      }),
      // "1@+23" and "4@+5" against "1@+2" and "34@+5"
      'two opens, split elsewhere': only({
        opens: [
          [1, 1002],
          [34, 1005],
        ],
      }),
      'a timer due later': only({ timers: [{ id: 'xstate.after.quiet', dueMs: 1901 }] }),
    });
  });
});

describe('describeState: the order things were created in is not state', () => {
  it('the same nodes listed in another order, and the same timers held in another order, read the same', () => {
    const t1 = { id: 'xstate.after.a', dueMs: 1100 };
    const t2 = { id: 'xstate.after.b', dueMs: 1200 };
    const one = view({
      calls: [{ timers: [t1, t2] }],
      nodes: [{ address: A }, { address: B, pending: [], attached: [] }],
    });
    const other = view({
      calls: [{ timers: [t2, t1] }],
      nodes: [{ address: B, pending: [], attached: [] }, { address: A }],
    });
    assert.deepEqual(describeState(other), describeState(one));
  });
});
