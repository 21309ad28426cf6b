// What a scanner keeps of a batch and where a split's children go on (core/client/scan-results.ts):
// a full-scan segment yields only its own hash class; when the table's count doubles, each child
// resumes after the last key yielded *of its own class* (not after the parent's last key: the parent
// may have stopped returning the child's keys before the client learned of the split, so resuming
// the child after the parent's last key would skip them; the simulation found exactly that loss).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScannerRun } from '../core/client/core-state.ts';
import type { ScannerSpec } from '../core/client/events.ts';
import { acceptBatch, firstSegments, settleEnded, splitCurrent } from '../core/client/scan-results.ts';
import { encodeKey, partitionHash, partitionIndex } from '../core/routing/index.ts';
import { FilterType } from '../core/wire/index.ts';

const EMPTY = Buffer.alloc(0);
const spec = (partitions: number[], count: number): ScannerSpec => ({
  table: 't',
  hashScanHash: null,
  partitions,
  partitionCount: count,
  startKey: Buffer.from([0, 0]),
  stopKey: Buffer.from([0xff, 0xff]),
  startInclusive: true,
  stopInclusive: false,
  batchSize: 10,
  noValue: false,
  returnExpireTs: false,
  hashKeyFilterType: FilterType.FT_NO_FILTER,
  hashKeyFilterPattern: EMPTY,
  sortKeyFilterType: FilterType.FT_NO_FILTER,
  sortKeyFilterPattern: EMPTY,
  batchTimeoutMs: 5000,
});
const run = (s: ScannerSpec) => ({ spec: s, segments: firstSegments(s), ended: [] }) as unknown as ScannerRun;

/** hash keys of partition `index` under `count`, sorted by full key */
function keysOf(index: number, count: number, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; out.length < n; i++) {
    const h = Buffer.from(`k${i}`);
    if (partitionIndex(partitionHash(h, EMPTY), count) === index) out.push(encodeKey(h, Buffer.from('s')));
  }
  return out.sort(Buffer.compare);
}
const kv = (key: Buffer) => ({ key, value: Buffer.from('v') });

describe('scan results and split children', () => {
  it('a full-scan segment yields only its own hash class and moves its resume point past it', () => {
    const r = run(spec([0], 4));
    const mine = keysOf(0, 4, 3);
    const other = keysOf(1, 4, 2);
    const got = acceptBatch(r, [...mine, ...other].sort(Buffer.compare).map(kv));
    assert.deepEqual(
      got.map((x) => x.key),
      mine,
    );
    assert.deepEqual(r.segments[0]!.startKey, mine[2]);
    assert.equal(r.segments[0]!.startInclusive, false);
  });

  it('on a doubling, the child resumes after the last key of its own class, the parent after its own', () => {
    const r = run(spec([1], 2));
    // partition 1 of 2 holds the classes 1 and 3 of 4
    const parentKeys = keysOf(1, 4, 4);
    const childKeys = keysOf(3, 4, 4);
    // the parent returned both classes for a while, then (split registered) only its own
    const batch = [...parentKeys.slice(0, 2), ...childKeys.slice(0, 2)].sort(Buffer.compare);
    acceptBatch(r, batch.map(kv));
    const later = parentKeys.slice(2).filter((k) => Buffer.compare(k, batch.at(-1)!) > 0);
    acceptBatch(r, later.map(kv));
    assert.ok(splitCurrent(r, 4));
    assert.deepEqual(
      r.segments.map((s) => [s.index, s.count]),
      [
        [1, 4],
        [3, 4],
      ],
    );
    const lastParent = [...batch, ...later].filter((k) => parentKeys.some((p) => p.equals(k))).at(-1);
    const lastChild = batch.filter((k) => childKeys.some((c) => c.equals(k))).at(-1);
    assert.deepEqual(r.segments[0]!.startKey, lastParent);
    assert.deepEqual(r.segments[1]!.startKey, lastChild, 'the child goes on after its own last key');
    assert.equal(r.segments[1]!.startInclusive, false);
  });

  it('a child with nothing yielded yet starts at the scan start; no doubling changes nothing', () => {
    const r = run(spec([0], 2));
    acceptBatch(r, keysOf(0, 4, 2).map(kv));
    assert.ok(splitCurrent(r, 2));
    assert.equal(r.segments.length, 1);
    assert.ok(splitCurrent(r, 4));
    assert.deepEqual(r.segments[1]!.startKey, Buffer.from([0, 0]));
    assert.equal(r.segments[1]!.startInclusive, true);
  });

  it('ended segments queue their other children when meta shows the doubling; too many doublings fail', () => {
    const r = run(spec([0, 1], 2));
    acceptBatch(r, keysOf(0, 4, 2).map(kv));
    r.ended.push(r.segments.shift()!);
    assert.ok(settleEnded(r, 4));
    assert.deepEqual(
      r.segments.map((s) => s.index),
      [1, 2],
    );
    assert.equal(r.ended.length, 0);
    const deep = run(spec([0], 1));
    deep.ended.push(deep.segments.shift()!);
    assert.equal(settleEnded(deep, 512), false, '2^9 doublings are more than a scan follows');
  });
});
