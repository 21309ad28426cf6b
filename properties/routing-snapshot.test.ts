// Properties of the routing reducer (core/routing/route-snapshot.ts) over random reachable snapshots
// (built from random answers and invalidations) and random answers. Notation: s a snapshot, a an
// answer, u = applyAnswer(s, a), s' = u.snapshot, n = s.partitionCount, m = a.partition_count,
// E(x, i) the entry of snapshot x at index i, B(a, i) the greatest ballot answer a gives index i.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { partitionIndex } from '../core/routing/index.ts';
import {
  applyAnswer,
  invalidateAll,
  invalidatePartition,
  isLoaded,
  NO_ROUTES,
  partitionOf,
  type RouteAnswer,
  type RouteSnapshot,
} from '../core/routing/route-snapshot.ts';
import { answer, type Entry } from '../tests/helpers/route-answers.ts';

const RUNS = 2000;

const entryArb: fc.Arbitrary<Entry> = fc.tuple(
  fc.integer({ min: -1, max: 9 }),
  fc.integer({ min: -1, max: 6 }),
  fc.constantFrom('', '10.0.0.1:1', '10.0.0.2:1', '10.0.0.3:1'),
);

const answerArb: fc.Arbitrary<RouteAnswer> = fc
  .tuple(
    fc.constantFrom(1, 1, 1, 2),
    fc.constantFrom(1, 2, 2, 4, 4, 8, 3, 6, 0, -2),
    fc.array(entryArb, { maxLength: 10 }),
  )
  .map(([app, count, entries]) => answer(app, count, entries));

type Step = { answer: RouteAnswer } | { invalidate: number } | { invalidateAll: true };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: answerArb.map((a) => ({ answer: a })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }).map((i) => ({ invalidate: i })) },
  { weight: 1, arbitrary: fc.constant({ invalidateAll: true as const }) },
);

/** a snapshot the client can reach: answers and invalidations from nothing */
const snapshotArb: fc.Arbitrary<RouteSnapshot> = fc.array(stepArb, { maxLength: 8 }).map((steps) =>
  steps.reduce<RouteSnapshot>((s, step) => {
    if ('answer' in step) return applyAnswer(s, step.answer).snapshot;
    if ('invalidate' in step) return invalidatePartition(s, step.invalidate);
    return invalidateAll(s);
  }, NO_ROUTES),
);

const validCount = (m: number) => Number.isInteger(m) && m > 0;

function greatestBallots(a: RouteAnswer): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const pc of a.partitions) {
    const i = pc.pid.partition_index;
    if (i < 0 || i >= a.partition_count) continue;
    const b = out.get(i);
    if (b === undefined || pc.ballot > b) out.set(i, pc.ballot);
  }
  return out;
}

describe('routing reducer properties', () => {
  it('purity: applyAnswer never changes the snapshot it is given', () => {
    // ∀ s, a: s after applyAnswer(s, a) deep-equals s before
    fc.assert(
      fc.property(snapshotArb, answerArb, (s, a) => {
        const before = structuredClone(s);
        applyAnswer(s, a);
        assert.deepEqual(s, before);
      }),
      { numRuns: RUNS },
    );
  });

  it('the guard: recreated exactly when app_id differs or m is not n, 2n or n/2', () => {
    // ∀ s, a with m valid and s loaded:
    //   u.kind = 'recreated' ⇔ a.app_id ≠ s.appId ∨ m ∉ {n, 2n, n/2}, and then u.moveAll
    // ∀ s, a with m valid and s not loaded: u.kind = 'loaded';  m not valid: u.kind = 'rejected', s' = s
    fc.assert(
      fc.property(snapshotArb, answerArb, (s, a) => {
        const u = applyAnswer(s, a);
        const m = a.partition_count;
        const n = s.partitionCount;
        if (!validCount(m)) {
          assert.equal(u.kind, 'rejected');
          assert.equal(u.snapshot, s);
          return;
        }
        if (!isLoaded(s)) {
          assert.equal(u.kind, 'loaded');
          return;
        }
        const recreated = a.app_id !== s.appId || (m !== n && m !== 2 * n && 2 * m !== n);
        assert.equal(u.kind === 'recreated', recreated);
        assert.equal(u.moveAll, recreated);
        if (!recreated) assert.equal(u.kind, m === n ? 'ballots' : m === 2 * n ? 'split' : 'cancelSplit');
      }),
      { numRuns: RUNS },
    );
  });

  it('ballots never go backwards unless the table was recreated', () => {
    // ∀ s, a with u.kind ∉ {recreated, rejected}, ∀ i < min(n, m) with E(s, i) defined:
    //   E(s', i) defined ∧ E(s', i).ballot ≥ E(s, i).ballot
    fc.assert(
      fc.property(snapshotArb, answerArb, (s, a) => {
        const u = applyAnswer(s, a);
        if (u.kind === 'recreated' || u.kind === 'rejected') return;
        const limit = Math.min(s.partitionCount, a.partition_count);
        for (let i = 0; i < limit; i++) {
          const before = s.partitions[i];
          if (before === undefined) continue;
          const after = u.snapshot.partitions[i];
          assert.ok(after !== undefined && after.ballot >= before.ballot, `partition ${i} went back`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the snapshot is at least as new as the answer, and `changed` names exactly what it took', () => {
    // ∀ s, a with u.kind ≠ rejected: s'.appId = a.app_id ∧ s'.partitionCount = m ∧
    //   ∀ i ∈ dom B(a): E(s', i).ballot ≥ B(a, i) ∧
    //   ∀ i ∈ changed: 0 ≤ i < m ∧ E(s', i).ballot = B(a, i) ∧ ¬E(s', i).invalid ∧
    //   ∀ i ∉ changed, i < m: E(s', i) = E(s, i) (same object) or u.kind = recreated (then undefined)
    fc.assert(
      fc.property(snapshotArb, answerArb, (s, a) => {
        const u = applyAnswer(s, a);
        if (u.kind === 'rejected') return;
        const s2 = u.snapshot;
        assert.equal(s2.appId, a.app_id);
        assert.equal(s2.partitionCount, a.partition_count);
        const best = greatestBallots(a);
        for (const [i, b] of best) assert.ok((s2.partitions[i]?.ballot ?? -2n) >= b);
        const changed = new Set(u.changed);
        for (const i of changed) {
          assert.ok(i >= 0 && i < a.partition_count);
          assert.equal(s2.partitions[i]?.ballot, best.get(i));
          assert.equal(s2.partitions[i]?.invalid, false);
        }
        for (let i = 0; i < a.partition_count; i++) {
          if (changed.has(i)) continue;
          assert.equal(s2.partitions[i], u.kind === 'recreated' ? undefined : s.partitions[i]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('idempotence: the same answer twice changes nothing the second time', () => {
    // ∀ s, a: let u1 = applyAnswer(s, a), u2 = applyAnswer(u1.snapshot, a):
    //   u2.changed = [] ∧ ¬u2.moveAll ∧ u2.snapshot deep-equals u1.snapshot
    fc.assert(
      fc.property(snapshotArb, answerArb, (s, a) => {
        const u1 = applyAnswer(s, a);
        const u2 = applyAnswer(u1.snapshot, a);
        assert.deepEqual(u2.changed, []);
        assert.equal(u2.moveAll, false);
        assert.deepEqual(u2.snapshot, u1.snapshot);
      }),
      { numRuns: RUNS },
    );
  });

  it('a late answer to an older query cannot roll the routes back', () => {
    // ∀ s, older, newer with the same app_id and count, where newer describes every index older
    // does with a ballot at least as great: applyAnswer(applyAnswer(s, newer).snapshot, older)
    // leaves every ballot and primary of applyAnswer(s, newer) as it was (at most it restores an
    // invalidated entry of equal ballot)
    const pair = fc
      .tuple(
        fc.constantFrom(1, 2),
        fc.constantFrom(1, 2, 4),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1, max: 4 })), { maxLength: 6 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 6, maxLength: 6 }),
      )
      .map(([app, count, olderEntries, bumps]) => {
        const older = olderEntries.map(([i, b]): Entry => [i, b, '10.0.0.1:1']);
        const newer = older.map(([i, b], k): Entry => [i, BigInt(b) + BigInt(bumps[k] ?? 0), '10.0.0.2:1']);
        return [answer(app, count, older), answer(app, count, newer)] as const;
      });
    fc.assert(
      fc.property(snapshotArb, pair, (s, [older, newer]) => {
        const afterNewer = applyAnswer(s, newer).snapshot;
        const late = applyAnswer(afterNewer, older);
        const live = (x: RouteSnapshot) => x.partitions.map((r) => r && { b: r.ballot, p: r.primary });
        assert.deepEqual(live(late.snapshot), live(afterNewer));
      }),
      { numRuns: RUNS },
    );
  });

  it('split routing: a child with ballot < 0 sends its keys to index - count/2', () => {
    // ∀ s loaded, hash h: let i = h mod n (unsigned), p = partitionOf(s, h):
    //   n even ∧ i ≥ n/2 ∧ E(s, i).ballot < 0 ⇒ p = i − n/2;  otherwise p = i
    fc.assert(
      fc.property(snapshotArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (s, h) => {
        if (!isLoaded(s)) return;
        const n = s.partitionCount;
        const i = partitionIndex(h, n);
        const child = n % 2 === 0 && i >= n / 2 && (s.partitions[i]?.ballot ?? 0n) < 0n;
        assert.equal(partitionOf(s, h), child ? i - n / 2 : i);
      }),
      { numRuns: RUNS },
    );
  });
});
