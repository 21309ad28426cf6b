// fast-check generators of scenarios: random workloads and fault schedules over a small cluster.
import fc from 'fast-check';
import { NODE_FAULT_KINDS } from '../onebox/index.ts';
import type { ScenarioSpec } from '../sim/scenario.ts';
import { type SimCall, type SimFault, type SimOp, TOPOLOGY_FAULT_KINDS } from '../sim/workload.ts';

const OPS: SimOp[] = ['get', 'set', 'del', 'incr', 'ttl', 'casAbsent'];

export const simCall = (horizonMs: number): fc.Arbitrary<SimCall> =>
  fc.record({
    atMs: fc.integer({ min: 0, max: horizonMs }),
    op: fc.constantFrom(...OPS),
    key: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 1, max: 1_000_000 }),
    timeoutMs: fc.integer({ min: 100, max: 2500 }),
  });

export const simFault = (horizonMs: number): fc.Arbitrary<SimFault> =>
  fc.record(
    {
      atMs: fc.integer({ min: 0, max: horizonMs }),
      node: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom(...NODE_FAULT_KINDS),
      ms: fc.integer({ min: 1, max: 1500 }),
    },
    { requiredKeys: ['atMs', 'node', 'kind', 'ms'] },
  );

export function scenarioSpec(opts: { maxCalls?: number; maxFaults?: number; horizonMs?: number } = {}) {
  const horizonMs = opts.horizonMs ?? 3000;
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    metas: fc.integer({ min: 1, max: 3 }),
    replicas: fc.constant(3),
    partitions: fc.constantFrom(1, 2, 4),
    detectMs: fc.constantFrom(300, 800),
    calls: fc.array(simCall(horizonMs), { minLength: 1, maxLength: opts.maxCalls ?? 12 }),
    faults: fc.array(simFault(horizonMs), { maxLength: opts.maxFaults ?? 3 }),
    runMs: fc.constant(horizonMs + 3000),
  }) satisfies fc.Arbitrary<ScenarioSpec>;
}

/** One replica fault that the cluster repairs by reconfiguration (crash, core dump, endless hang). */
export function singleFailoverSpec(opts: { horizonMs?: number } = {}) {
  const horizonMs = opts.horizonMs ?? 3000;
  const fault = fc.oneof(
    fc.record({
      atMs: fc.integer({ min: 0, max: 1500 }),
      node: fc.integer({ min: 0, max: 2 }),
      kind: fc.constant('crash' as const),
    }),
    fc.record({
      atMs: fc.integer({ min: 0, max: 1500 }),
      node: fc.integer({ min: 0, max: 2 }),
      kind: fc.constant('hang' as const),
    }),
    fc.record({
      atMs: fc.integer({ min: 0, max: 1500 }),
      node: fc.integer({ min: 0, max: 2 }),
      kind: fc.constant('coredump' as const),
      ms: fc.integer({ min: 50, max: 1000 }),
    }),
  );
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    metas: fc.integer({ min: 1, max: 3 }),
    replicas: fc.constant(3),
    partitions: fc.constantFrom(1, 2, 4),
    detectMs: fc.constantFrom(300, 800),
    calls: fc.array(simCall(horizonMs), { minLength: 1, maxLength: 12 }),
    faults: fc.oneof(
      { weight: 5, arbitrary: fault.map((f): SimFault[] => [f]) },
      { weight: 1, arbitrary: fc.constant<SimFault[]>([]) },
    ),
    runMs: fc.constant(horizonMs + 3000),
    probeMs: fc.constant(1500),
  }) satisfies fc.Arbitrary<ScenarioSpec>;
}

/**
 * Topology changes (split, cancelled split, drop, recreate: at least one) mixed with a meta leader
 * change or a replica crash now and then, on a table of 1, 2 or 4 partitions whose split children
 * register 300 ms after the split starts. The probe after the run checks convergence.
 */
export function topologySpec(opts: { horizonMs?: number; maxCalls?: number } = {}) {
  const horizonMs = opts.horizonMs ?? 3000;
  const topo = fc.record({
    atMs: fc.integer({ min: 0, max: horizonMs }),
    node: fc.constant(0),
    kind: fc.constantFrom(...TOPOLOGY_FAULT_KINDS),
  });
  const other = fc.record(
    {
      atMs: fc.integer({ min: 0, max: horizonMs }),
      node: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom('leader' as const, 'crash' as const),
      ms: fc.integer({ min: 100, max: 1000 }),
    },
    { requiredKeys: ['atMs', 'node', 'kind', 'ms'] },
  );
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    metas: fc.integer({ min: 1, max: 3 }),
    replicas: fc.constant(3),
    partitions: fc.constantFrom(1, 2, 4),
    detectMs: fc.constantFrom(300, 800),
    splitMs: fc.constant(300),
    calls: fc.array(simCall(horizonMs), { minLength: 1, maxLength: opts.maxCalls ?? 14 }),
    faults: fc
      .tuple(
        fc.array(topo, { minLength: 1, maxLength: 4 }),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(other, { maxLength: 1 }) },
        ),
      )
      .map(([t, o]): SimFault[] => [...t, ...o]),
    runMs: fc.constant(horizonMs + 3000),
    probeMs: fc.constant(1500),
  }) satisfies fc.Arbitrary<ScenarioSpec>;
}
