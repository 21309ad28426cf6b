// What a scanner keeps of each batch, and where each segment goes on: the records it may yield
// (after the split filter), the last key yielded per hash class, and the children a segment becomes
// when the table's partition count doubles during the scan (docs/PROTOCOL.md 7.4, 10.4).
//
// Why per hash class: a parent partition keeps returning its child's keys until the child is
// registered, then silently stops (its rows are filtered by the new count). The client learns of
// the split later than that. So a child must go on after the last key yielded *from its own keys*,
// and the parent's own keys were never filtered: it goes on after its last key.
import { decodeKey, partitionHash } from '../routing/index.ts';
import type { KeyValue } from '../wire/types.ts';
import type { ScannerRun, ScanSegment } from './core-state.ts';
import type { ScannerSpec, ScanRecord } from './events.ts';

/** classes per initial partition: a scan follows up to 8 doublings of the table (2^8) */
const CLASSES_PER_PARTITION = 256;

function modulusOf(spec: ScannerSpec): number {
  return spec.partitionCount * CLASSES_PER_PARTITION;
}

/** a hash scan: one segment; a full scan: one per partition, each from the scan's start */
export function firstSegments(spec: ScannerSpec): ScanSegment[] {
  const at = (index: number, count: number): ScanSegment => ({
    index,
    count,
    startKey: spec.startKey,
    startInclusive: spec.startInclusive,
    lastByClass: new Map(),
  });
  if (spec.hashScanHash !== null) return [at(-1, 0)];
  return spec.partitions.map((p) => at(p, spec.partitionCount));
}

/** the partition hash of a stored full key */
function hashOfKey(key: Uint8Array): bigint {
  const { hashKey, sortKey } = decodeKey(key);
  return partitionHash(hashKey, sortKey);
}

/**
 * The records of a reply the current segment yields, copied out of the frame; the segment's resume
 * point moves past them. In a full scan a record whose hash is not the segment's (a parent still
 * serving a split child's keys, read for both) is left to the segment that owns it.
 */
export function acceptBatch(run: ScannerRun, kvs: readonly KeyValue[]): ScanRecord[] {
  const seg = run.segments[0]!;
  const out: ScanRecord[] = [];
  const full = run.spec.hashScanHash === null;
  const modulus = BigInt(modulusOf(run.spec));
  let last: Buffer | null = null;
  for (const kv of kvs) {
    const key = Buffer.from(kv.key);
    if (full) {
      const cls = Number(BigInt.asUintN(64, hashOfKey(key)) % modulus);
      if (cls % seg.count !== seg.index) continue;
      seg.lastByClass.set(cls, key);
    }
    const record: ScanRecord =
      kv.expire_ts_seconds === undefined
        ? { key, value: Buffer.from(kv.value) }
        : { key, value: Buffer.from(kv.value), expireTs: kv.expire_ts_seconds };
    out.push(record);
    last = key;
  }
  if (last !== null) {
    seg.startKey = last;
    seg.startInclusive = false;
  }
  return out;
}

/**
 * The children of `seg` when the table has `count` partitions now (a multiple of the segment's
 * count): itself first, then the others in index order, each going on after the last key yielded
 * from its own hash class. `[seg]` when the count did not grow; null when the scan cannot follow
 * (more doublings than it tracks classes for).
 */
function childrenOf(run: ScannerRun, seg: ScanSegment, count: number): ScanSegment[] | null {
  if (seg.index < 0 || count <= seg.count || count % seg.count !== 0) return [seg];
  if (modulusOf(run.spec) % count !== 0) return null;
  const children: ScanSegment[] = [];
  for (let index = seg.index; index < count; index += seg.count) {
    const lastByClass = new Map<number, Buffer>();
    let last: Buffer | null = null;
    for (const [cls, key] of seg.lastByClass) {
      if (cls % count !== index) continue;
      lastByClass.set(cls, key);
      if (last === null || Buffer.compare(key, last) > 0) last = key;
    }
    children.push({
      index,
      count,
      startKey: last ?? run.spec.startKey,
      startInclusive: last === null ? run.spec.startInclusive : false,
      lastByClass,
    });
  }
  return children;
}

/** The current segment becomes its children (read next). False when the scan cannot follow. */
export function splitCurrent(run: ScannerRun, count: number): boolean {
  const seg = run.segments[0];
  if (seg === undefined) return true;
  const children = childrenOf(run, seg, count);
  if (children === null) return false;
  run.segments.splice(0, 1, ...children);
  return true;
}

/**
 * Segments that ended before meta's latest answer was asked for, judged by its partition count: a
 * segment's own class was read to its end (a parent never filters its own keys), but the children
 * it had meanwhile must still be read from their own last keys; they are queued. False when the
 * scan cannot follow.
 */
export function settleEnded(run: ScannerRun, count: number): boolean {
  for (const seg of run.ended.splice(0)) {
    const children = childrenOf(run, seg, count);
    if (children === null) return false;
    run.segments.push(...children.slice(1));
  }
  return true;
}
