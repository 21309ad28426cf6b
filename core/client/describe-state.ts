// A canonical text description of everything that decides the core's future behaviour: every
// machine's state and context, route tables, attempts and queries in flight, seqid counters, the
// jitter generator's position and every timer (relative to now). Two cores with the same
// description behave the same from here on; the exhaustive explorer hashes it to avoid revisits.
import { toJson } from '../trace/index.ts';
import type { CallState, NodeState, TableState } from './core-state.ts';

export interface CoreStateView {
  nowMs: number;
  closed: boolean;
  metas: readonly string[];
  metaLeader: number;
  randomPosition: number;
  nextTimerMs: number | null;
  calls: Iterable<CallState>;
  nodes: Iterable<NodeState>;
  tables: Iterable<TableState>;
}

const text = (v: unknown) => JSON.stringify(toJson(v));

function timersOf(
  owner: { timers: ReadonlyArray<{ dueMs: number; payload: unknown }> },
  now: number,
): string {
  return owner.timers
    .map((e) => `${(e.payload as { id?: string }).id}@+${e.dueMs - now}`)
    .sort()
    .join(',');
}

function describeCall(c: CallState, now: number): string {
  return [
    `call ${c.spec.callId}`,
    text(c.state.value),
    c.state.status,
    text(c.state.context),
    `p${c.partition}`,
    c.inFlight.length === 0 ? '-' : c.inFlight.map((a) => `${a.node.address}#${a.seqid}`).join('+'),
    c.attached?.address ?? '-',
    +c.waiting,
    c.attempts.map((a) => `${a.node}:${a.outcome}`).join(','),
    text(c.result),
    timersOf(c, now),
    c.hedge === null
      ? '-'
      : `hedge ${text(c.hedge.state.value)} ${text(c.hedge.state.context)} ${c.hedge.attempt === null ? '-' : `${c.hedge.attempt.node.address}#${c.hedge.attempt.seqid}`} ${timersOf(c.hedge, now)}`,
  ].join(' ');
}

function describeNode(n: NodeState, now: number): string {
  const pending = n.conn.pending
    .entryList()
    .map(([seq, p]) => `${seq}:${p.kind === 'attempt' ? p.call.spec.callId : p.table.name}`);
  return [
    `node ${n.address}`,
    text(n.state.value),
    text(n.state.context),
    `seq${n.conn.nextSeqidValue}`,
    pending.join(','),
    [...n.attached].map((c) => c.spec.callId).join(','),
    [...n.metaWaiters].map((t) => t.name).join(','),
    timersOf(n, now),
  ].join(' ');
}

function describeTable(t: TableState, now: number): string {
  const r = t.routes;
  const routes = r.partitions.map((p) =>
    p === undefined ? '_' : `${p.ballot}/${p.primary}/${p.secondaries.join('+')}/${+p.invalid}`,
  );
  return [
    `table ${t.name}`,
    text(t.state.value),
    text(t.state.context),
    `app${r.appId}x${r.partitionCount}`,
    routes.join(','),
    [...t.calls].map((c) => c.spec.callId).join(','),
    [...t.waiting].map((c) => c.spec.callId).join(','),
    t.query === null ? '-' : `${t.query.node.address}#${t.query.seqid}`,
    +t.fullRefresh,
    [...t.opens].map(([id, e]) => `${id}@+${e.dueMs - now}`).join(','),
    timersOf(t, now),
  ].join(' ');
}

export function describeState(v: CoreStateView): string[] {
  const now = v.nowMs;
  const out = [
    `core t=${now} closed=${v.closed} leader=${v.metaLeader} metas=${v.metas.join(',')} rnd=${v.randomPosition} next=${v.nextTimerMs}`,
  ];
  for (const c of v.calls) out.push(describeCall(c, now));
  // Nodes are created in the order a path needed them; that order is not state.
  out.push(...[...v.nodes].map((n) => describeNode(n, now)).sort());
  for (const t of v.tables) out.push(describeTable(t, now));
  return out;
}
