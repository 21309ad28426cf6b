// Planted bugs: machine sets with one decision changed, to show the explorer finds what it should.
import { MACHINES } from '../../machines/index.ts';

export type MachineSet = typeof MACHINES;

export const MUTANTS: Record<string, () => MachineSet> = {
  /** every call counts as idempotent: an incr is resent after a timeout or reset (double apply) */
  'idempotent-always': () => ({
    ...MACHINES,
    request: MACHINES.request.provide({ guards: { isIdempotent: () => true } }),
  }),
  /** no call counts as idempotent: a get/set fails on the first reset instead of failing over */
  'idempotent-never': () => ({
    ...MACHINES,
    request: MACHINES.request.provide({ guards: { isIdempotent: () => false } }),
  }),
};
