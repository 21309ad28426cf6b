// Workloads and fault schedules of a simulated scenario, as plain data (they go into traces).
import type { FaultKind } from '../onebox/index.ts';

export type SimOp = 'get' | 'set' | 'del' | 'incr' | 'ttl' | 'casAbsent';

export interface SimCall {
  atMs: number;
  op: SimOp;
  /** key index: the simulation uses a handful of keys so operations collide */
  key: number;
  /** value written by set (a unique number, so every read can be traced to one write) */
  value: number;
  timeoutMs: number;
}

/**
 * Topology changes of the simulation's one table: start a split (the count doubles, children
 * register after the onebox's splitMs), cancel it (before a child registered), drop the table,
 * create it again (a new app id, empty). A change the onebox refuses at that moment (a split of a
 * splitting table, a drop of a dropped one, ...) does nothing; the trace says so.
 */
export const TOPOLOGY_FAULT_KINDS = ['split', 'cancelSplit', 'drop', 'recreate'] as const;
export type TopologyFaultKind = (typeof TOPOLOGY_FAULT_KINDS)[number];

export interface SimFault {
  atMs: number;
  /** replica index, or meta index for 'leader'; ignored by topology changes */
  node: number;
  kind: FaultKind | TopologyFaultKind;
  ms?: number;
}

export function isTopologyFault(kind: string): kind is TopologyFaultKind {
  return (TOPOLOGY_FAULT_KINDS as readonly string[]).includes(kind);
}

export const IDEMPOTENT: Record<SimOp, boolean> = {
  get: true,
  set: true,
  del: true,
  ttl: true,
  incr: false,
  casAbsent: false,
};
