// fast-check generators of scan scenarios (sim/scan-scenario.ts): scans of every kind started at
// random times, consumers of random speed (some stop early), a few writes to the scanned keys, and
// faults on replicas and metas; a split in about half of them.
import fc from 'fast-check';
import type { FaultKind } from '../onebox/index.ts';
import type { ScanFault, ScanJob, ScanScenarioSpec, ScanWrite } from '../sim/scan-scenario.ts';

const FAULTS: FaultKind[] = ['crash', 'hang', 'coredump', 'restart', 'partition', 'heal', 'leader'];

const job = (horizonMs: number, hashKeys: number): fc.Arbitrary<ScanJob> =>
  fc.record({
    kind: fc.constantFrom<ScanJob['kind']>('all', 'groups', 'hash'),
    groups: fc.integer({ min: 2, max: 4 }),
    hashKey: fc.integer({ min: 0, max: hashKeys - 1 }),
    batchSize: fc.integer({ min: 1, max: 12 }),
    atMs: fc.integer({ min: 0, max: horizonMs / 2 }),
    consumeMs: fc.integer({ min: 0, max: 120 }),
    stopAfter: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) },
    ),
    closeInFlight: fc.boolean(),
  });

const write = (horizonMs: number, hashKeys: number): fc.Arbitrary<ScanWrite> =>
  fc.record({
    atMs: fc.integer({ min: 0, max: horizonMs }),
    op: fc.constantFrom<ScanWrite['op']>('set', 'del'),
    hashKey: fc.integer({ min: 0, max: hashKeys + 1 }),
    sortKey: fc.integer({ min: 0, max: 9 }),
    value: fc.integer({ min: 1, max: 1_000_000 }),
  });

const fault = (horizonMs: number): fc.Arbitrary<ScanFault> =>
  fc.record({
    atMs: fc.integer({ min: 0, max: horizonMs }),
    node: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom(...FAULTS),
    ms: fc.integer({ min: 50, max: 1500 }),
  });

export function scanScenarioSpec(
  opts: { horizonMs?: number; maxFaults?: number } = {},
): fc.Arbitrary<ScanScenarioSpec> {
  const horizonMs = opts.horizonMs ?? 2500;
  const hashKeys = 12;
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    metas: fc.integer({ min: 1, max: 3 }),
    replicas: fc.constantFrom(3, 4),
    partitions: fc.constantFrom(2, 4, 8),
    detectMs: fc.constantFrom(300, 800),
    hashKeys: fc.constant(hashKeys),
    sortKeys: fc.integer({ min: 3, max: 10 }),
    jobs: fc.array(job(horizonMs, hashKeys), { minLength: 1, maxLength: 4 }),
    writes: fc.array(write(horizonMs, hashKeys), { maxLength: 6 }),
    faults: fc.array(fault(horizonMs), { maxLength: opts.maxFaults ?? 3 }),
    splitAtMs: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: horizonMs })),
    runMs: fc.constant(horizonMs + 12_000),
  });
}
