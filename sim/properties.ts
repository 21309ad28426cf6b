// The named properties a scenario is judged by. Traces name one; replay re-runs it by that name.
import { checkBoundedLoad, checkConvergence, checkTransparentFailover } from './liveness.ts';
import type { ScenarioResult, ScenarioSpec, Violation } from './scenario.ts';
import { checkDroppedFailFast, linearizableByIncarnation } from './topology.ts';

export type PropertyCheck = (spec: ScenarioSpec, result: ScenarioResult) => Violation[];

function linearizable(r: ScenarioResult): Violation[] {
  const lin = linearizableByIncarnation(r.calls, r.incarnations);
  return lin.ok
    ? []
    : [{ invariant: 'linearizable', atMs: 0, detail: `history of ${lin.register} is not linearizable` }];
}

export const PROPERTIES: Record<string, PropertyCheck> = {
  /** every online invariant of the run, and a linearizable history */
  'simulation-safety': (_spec, r) => [...r.violations, ...linearizable(r)],
  /** safety, plus: idempotent calls succeed once their partition is usable again (or with no fault) */
  'transparent-failover': (spec, r) => [
    ...r.violations,
    ...linearizable(r),
    ...checkTransparentFailover(spec, r),
    ...checkConvergence(r),
  ],
  /**
   * safety (answered-by-owner included) under splits, cancelled splits, drops and recreates,
   * linearizable per incarnation; the routes converge to meta's (app id, count, primaries) after the
   * run; calls on a dropped table fail fast
   */
  topology: (spec, r) => [
    ...r.violations,
    ...linearizable(r),
    ...checkConvergence(r),
    ...checkDroppedFailFast(spec.faults, r.calls, r.incarnations),
  ],
  /** safety, plus convergence of routing after the run and the load bounds */
  'convergence-and-load': (_spec, r) => [...r.violations, ...checkConvergence(r), ...checkBoundedLoad(r)],
};

export function isPropertyName(name: string): boolean {
  return Object.hasOwn(PROPERTIES, name);
}
