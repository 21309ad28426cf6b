// The interpreter retires an instance whose step reaches a final state even when that step emitted
// no action (core/client/machine-run.ts). Found with the scanner: closing -> closed on CALL_FAILED
// emitted nothing, and the closed scanner stayed in the core for good. The scanner's closed state now
// has an entry action, which hides the bug; a variant without it pins the interpreter's rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMachine } from 'xstate';
import { MACHINES } from '../machines/index.ts';
import { runScanScenario, type ScanScenarioSpec } from '../sim/scan-scenario.ts';
import { cloneConfig } from './fixtures/machines/mutate.ts';

/** the scanner machine whose `closed` state has no entry action */
function withSilentClosed() {
  const config = cloneConfig(MACHINES.scanner.config) as unknown as { states: Record<string, unknown> };
  config.states.closed = { type: 'final' };
  return createMachine(config as never, MACHINES.scanner.implementations as never);
}

const SPEC: ScanScenarioSpec = {
  seed: 7,
  metas: 1,
  replicas: 3,
  partitions: 4,
  detectMs: 300,
  hashKeys: 20,
  sortKeys: 6,
  // closed while its scan waits on a crashed node: the call fails later, closing -> closed silently
  jobs: [
    {
      kind: 'all',
      groups: 1,
      hashKey: 3,
      batchSize: 2,
      atMs: 100,
      consumeMs: 30,
      stopAfter: 1,
      closeInFlight: true,
    },
  ],
  writes: [],
  faults: [{ atMs: 130, node: 0, kind: 'crash', ms: 800 }],
  splitAtMs: -1,
  runMs: 8000,
};

describe('machine-run', () => {
  it('retires an instance that reaches a final state on a step without actions', () => {
    const machines = { ...MACHINES, scanner: withSilentClosed() };
    const r = runScanScenario(SPEC, { machines } as never);
    assert.deepEqual(r.violations, []);
    assert.deepEqual(
      r.outcomes.map((o) => [o.end, o.retiredAtMs > o.endAtMs]),
      [['stopped', true]],
    );
  });
});
