// biome-ignore-all lint/complexity/useLiteralKeys: element access is how TypeScript lets this read private fields
// Canonical description of a ClientCore's whole state, for state hashing: every machine's state
// value and context, route tables, pending attempts and queries, seqid counters, the jitter
// generator and every timer (relative to now). Read-only; it reaches the core's private fields
// by element access because the core's public introspection stops short of contexts and seqids.

import type { ClientCore } from '../../core/client/index.ts';
import { canon } from '../canon.ts';

type Core = ClientCore;
type CallState = ReturnType<Core['calls']['get']> & object;
type NodeState = ReturnType<Core['nodes']['get']> & object;
type TableState = ReturnType<Core['tables']['get']> & object;

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
  const attempts = c.attempts.map((a) => `${a.node}:${a.outcome}`).join(',');
  return [
    `call ${c.spec.callId}`,
    canon(c.state.value),
    c.state.status,
    canon(c.state.context),
    `p${c.partition}`,
    c.attempt === null ? '-' : `${c.attempt.address}#${c.attempt.seqid}`,
    c.attached?.address ?? '-',
    +c.waiting,
    attempts,
    canon(c.result),
    timersOf(c, now),
  ].join(' ');
}

function describeNode(n: NodeState, now: number): string {
  const pending = [...n.conn.pending].map(([seq, p]) => `${seq}:${p.kind === 'call' ? p.callId : p.table}`);
  return [
    `node ${n.address}`,
    canon(n.state.value),
    canon(n.state.context),
    `seq${n.conn['nextSeqid']}`,
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
    canon(t.state.value),
    canon(t.state.context),
    `app${r.appId}x${r.partitionCount}`,
    routes.join(','),
    [...t.calls].map((c) => c.spec.callId).join(','),
    [...t.waiting].map((c) => c.spec.callId).join(','),
    t.query === null ? '-' : `${t.query.address}#${t.query.seqid}`,
    +t.fullRefresh,
    [...t.opens].map(([id, e]) => `${id}@+${e.dueMs - now}`).join(','),
    timersOf(t, now),
  ].join(' ');
}

export function describeCore(core: Core, out: string[]): void {
  const now = core.now;
  out.push(
    `core t=${now} closed=${core.isClosed} leader=${core['metaLeader']} metas=${core['metas'].join(',')} rnd=${core['random']['state']} next=${core.nextTimerMs()}`,
  );
  for (const c of core['calls'].values()) out.push(describeCall(c, now));
  // Nodes are created in the order a path needed them; that order is not state.
  out.push(...[...core['nodes'].values()].map((n) => describeNode(n, now)).sort());
  for (const t of core['tables'].values()) out.push(describeTable(t, now));
}
