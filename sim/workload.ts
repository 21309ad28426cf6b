// Workloads and fault schedules of a simulated scenario, as plain data (they go into traces).
import type { FaultKind } from '../onebox/index.ts';

/** cam: checkAndMutate "if the value exists, overwrite it" (a non-idempotent write of the register) */
export type SimOp = 'get' | 'set' | 'del' | 'incr' | 'ttl' | 'casAbsent' | 'cam';

export interface SimCall {
  atMs: number;
  op: SimOp;
  /** key index: the simulation uses a handful of keys so operations collide */
  key: number;
  /** value written by set (a unique number, so every read can be traced to one write) */
  value: number;
  timeoutMs: number;
}

export interface SimFault {
  atMs: number;
  /** replica index, or meta index for 'leader' */
  node: number;
  kind: FaultKind;
  ms?: number;
}

export const IDEMPOTENT: Record<SimOp, boolean> = {
  get: true,
  set: true,
  del: true,
  ttl: true,
  incr: false,
  casAbsent: false,
  cam: false,
};
