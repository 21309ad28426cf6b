// Scans under failure in the deterministic simulation (sim/scan-scenario.ts).
//
// Property. For every scenario S = (seed, 1..3 metas, 3..4 replicas, 2|4|8 partitions, 12 hash keys
// of 3..10 sort keys loaded before the scans, 1..4 scan jobs (scanAll, unorderedScanners(2..4) or
// scan(hashKey), batch size 1..12, consumers pausing 0..120 ms between batches, some closing between
// or during a batch), up to 6 writes and deletes of scanned and new keys, up to 3 faults (crash,
// hang, core dump, restart, partition, heal, meta leader change) and in about half of them a
// partition split at a random time), let R = run(S). Then:
//   (scan-ends)         every scanner ends (done, failed or closed) and the core keeps none;
//   (once)              no scan (a scanAll, or all scanners of one unorderedScanners) yields a key twice;
//   (nothing-invented)  every (key, value) yielded was written at some time;
//   (complete)          a scan that ended done yielded every record present for the whole scan
//                       (loaded and never written or deleted), across splits included;
//   (ordered)           a hash scan's keys strictly increase;
//   (close-settles)     a scan closed during a batch settles that request with ERR_ABORTED;
//   (no-context-left)   once all ended and faults healed, no replica holds a scanner context (links
//                       the scenario cut excepted: the server's idle expiry ends those).
// Coverage (for every seed): splits happen, scans finish done across them, and some are closed early.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runScanScenario } from '../sim/scan-scenario.ts';
import { scanScenarioSpec } from './scan-arbitraries.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

describe('simulation: scans under faults and splits', () => {
  it(`every record once, nothing invented, every scanner ends, no context left (${RUNS} runs, seed ${SEED})`, () => {
    let splitDone = 0;
    let closed = 0;
    fc.assert(
      fc.property(scanScenarioSpec(), (spec) => {
        const r = runScanScenario(spec);
        assert.deepEqual(r.violations, [], JSON.stringify(spec));
        if (r.finalPartitionCount > spec.partitions && r.outcomes.some((o) => o.end === 'complete'))
          splitDone++;
        closed += r.outcomes.filter((o) => o.end === 'stopped').length;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.ok(splitDone >= RUNS / 10, `only ${splitDone} runs finished a scan across a split`);
    assert.ok(closed >= RUNS / 10, `only ${closed} scans were closed early`);
  });
});
