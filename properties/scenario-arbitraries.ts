// fast-check generators of scenarios: random workloads and fault schedules over a small cluster.
import fc from 'fast-check';
import { createSimOnebox, NODE_FAULT_KINDS } from '../onebox/index.ts';
import { type ScenarioSpec, TABLE } from '../sim/scenario.ts';
import { type SimCall, type SimFault, type SimOp, TOPOLOGY_FAULT_KINDS } from '../sim/workload.ts';

const OPS: SimOp[] = ['get', 'set', 'del', 'incr', 'ttl', 'casAbsent'];
/** the same with checkAndMutate on the shared register (a property of its own keeps OPS's seeds) */
export const OPS_WITH_CAM: SimOp[] = [...OPS, 'cam', 'cam'];

export const simCall = (horizonMs: number, ops: SimOp[] = OPS): fc.Arbitrary<SimCall> =>
  fc.record({
    atMs: fc.integer({ min: 0, max: horizonMs }),
    op: fc.constantFrom(...ops),
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

export function scenarioSpec(
  opts: { maxCalls?: number; maxFaults?: number; horizonMs?: number; ops?: SimOp[] } = {},
) {
  const horizonMs = opts.horizonMs ?? 3000;
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    metas: fc.integer({ min: 1, max: 3 }),
    replicas: fc.constant(3),
    partitions: fc.constantFrom(1, 2, 4),
    detectMs: fc.constantFrom(300, 800),
    calls: fc.array(simCall(horizonMs, opts.ops), { minLength: 1, maxLength: opts.maxCalls ?? 12 }),
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

/** backup requests of a scenario's reads: a delay from well under a round trip to 20 ms, or suspicion only */
export const hedgeSpec = fc
  .record({ delayMs: fc.constantFrom<number | null>(0.3, 1, 5, 20, null), onSuspect: fc.boolean() })
  .map((h) => (h.delayMs === null ? { delayMs: null, onSuspect: true } : h));

/**
 * Random fault schedules as scenarioSpec, with backup requests on every get and ttl, and at least
 * one more get (so every scenario has a read that may be hedged).
 */
export function hedgedScenarioSpec(opts: { maxFaults?: number } = {}) {
  const horizonMs = 3000;
  return fc
    .record({
      base: scenarioSpec({
        horizonMs,
        ...(opts.maxFaults === undefined ? {} : { maxFaults: opts.maxFaults }),
      }),
      hedge: hedgeSpec,
      read: simCall(horizonMs),
    })
    .map(
      ({ base, hedge, read }): ScenarioSpec => ({
        ...base,
        hedge,
        calls: [...base.calls, { ...read, op: 'get' }],
      }),
    );
}

/** the replica index of partition 0's primary when a scenario of this shape starts */
export function primaryIndexAtStart(
  spec: Pick<ScenarioSpec, 'seed' | 'metas' | 'replicas' | 'partitions' | 'detectMs'>,
): number {
  const box = createSimOnebox({
    seed: spec.seed,
    metas: spec.metas,
    replicas: spec.replicas,
    tables: [{ name: TABLE, partitionCount: spec.partitions }],
    detectMs: spec.detectMs,
  });
  try {
    const appId = box.tables[TABLE]?.appId ?? 0;
    const primary = box.cluster.model.partition(appId, 0)?.primary ?? '';
    return Math.max(0, box.replicas.indexOf(primary));
  } finally {
    box.close();
  }
}

/**
 * The primary of a one-partition table hangs for good at 300 ms; sets before it, reads during the
 * hang before meta's failure detection (800 ms) can act; backups after 5-20 ms (or none: `hedge`
 * false, the control).
 */
export function hungPrimarySpec(hedge = true) {
  const hangAtMs = 300;
  const detectMs = 800;
  const set = fc.record({
    atMs: fc.integer({ min: 0, max: 150 }),
    op: fc.constant<SimOp>('set'),
    key: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 1, max: 1_000_000 }),
    timeoutMs: fc.constant(1000),
  });
  const read = fc.record({
    atMs: fc.integer({ min: hangAtMs, max: hangAtMs + detectMs - 100 }),
    op: fc.constantFrom<SimOp>('get', 'ttl'),
    key: fc.integer({ min: 0, max: 3 }),
    value: fc.constant(0),
    timeoutMs: fc.constant(2500),
  });
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      metas: fc.constant(1),
      sets: fc.array(set, { minLength: 1, maxLength: 6 }),
      reads: fc.array(read, { minLength: 1, maxLength: 10 }),
      delayMs: fc.constantFrom(5, 10, 20),
      onSuspect: fc.boolean(),
    })
    .map(({ seed, metas, sets, reads, delayMs, onSuspect }): ScenarioSpec => {
      const shape = { seed, metas, replicas: 3, partitions: 1, detectMs };
      return {
        ...shape,
        calls: [...sets, ...reads],
        faults: [{ atMs: hangAtMs, node: primaryIndexAtStart(shape), kind: 'hang' }],
        runMs: 4000,
        ...(hedge ? { hedge: { delayMs, onSuspect } } : {}),
      };
    });
}
