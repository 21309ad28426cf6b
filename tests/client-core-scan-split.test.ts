// A split child's resume point (core/client/scan-results.ts) is the greatest key yielded from its
// own hash classes, whatever order those classes were first seen in: pinned because a mutant that
// took the last class seen instead survived the scan tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScannerRun } from '../core/client/core-state.ts';
import type { ScannerSpec } from '../core/client/events.ts';
import { acceptBatch, firstSegments, splitCurrent } from '../core/client/scan-results.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { fullScanSpec } from './helpers/scanner-spec.ts';

const EMPTY = Buffer.alloc(0);
const spec = fullScanSpec();

/** the hash class (of 256, one initial partition) of a key with hash key `h` */
const classOf = (h: Buffer) => Number(BigInt.asUintN(64, partitionHash(h, EMPTY)) % 256n);

describe('split children', () => {
  it('a child resumes after the greatest key of its classes, not the key of the class seen last', () => {
    // keys of even classes (child 0 of 2), sorted
    const keys = Array.from({ length: 3000 }, (_, i) => Buffer.from(`k${i}`))
      .filter((h) => classOf(h) % 2 === 0)
      .map((h) => ({ h, cls: classOf(h), key: encodeKey(h, EMPTY) }))
      .sort((a, b) => Buffer.compare(a.key, b.key));
    const first = keys[0]!;
    // a key of another class after it, then a later key of the first class
    const midAt = keys.findIndex((k) => k.cls !== first.cls);
    const mid = keys[midAt]!;
    const big = keys.slice(midAt + 1).find((k) => k.cls === first.cls)!;
    assert.ok(big !== undefined);
    const run = { spec, segments: firstSegments(spec), ended: [] } as unknown as ScannerRun;
    acceptBatch(
      run,
      [first, mid, big].map((k) => ({ key: k.key, value: Buffer.from('v') })),
    );
    assert.ok(splitCurrent(run, 2));
    assert.deepEqual(
      run.segments.map((s) => [s.index, s.count]),
      [
        [0, 2],
        [1, 2],
      ],
    );
    assert.deepEqual(run.segments[0]!.startKey, big.key);
    assert.equal(run.segments[0]!.startInclusive, false);
  });

  it('a segment is kept as it is when the count did not grow (also when a cancelled split halved it)', () => {
    const two: ScannerSpec = { ...spec, partitions: [1], partitionCount: 2 };
    const run = { spec: two, segments: firstSegments(two), ended: [] } as unknown as ScannerRun;
    const before = run.segments[0];
    assert.ok(splitCurrent(run, 1));
    assert.equal(run.segments.length, 1);
    assert.equal(run.segments[0], before);
    assert.ok(splitCurrent(run, 2));
    assert.deepEqual(
      run.segments.map((s) => [s.index, s.count]),
      [[1, 2]],
    );
  });
});
