// One table's routing as an immutable snapshot, and the pure reducer that applies meta's answer to
// it (docs/PROTOCOL.md 7.4, 7.5). Nothing here mutates a snapshot: every change returns a new one,
// so a caller can keep the previous snapshot, compare the two, and hand either to a test.
//
// Guards, in order:
//   - nothing cached yet: the answer is taken as it is ('loaded');
//   - a different app_id, or a partition count that is neither equal, double nor half the cached
//     one: the table was dropped and recreated, so everything cached is discarded, ballots included
//     ('recreated');
//   - count doubled ('split') or halved ('cancelSplit'): the cached entries below the new count stay
//     and are judged by ballot like any other; entries at or above a halved count are dropped;
//   - same count ('ballots'): per partition, an entry replaces the cached one only if its ballot is
//     greater, so a late answer to an older query never rolls a primary back.
// An invalidated entry keeps its ballot (for monotonicity) but routes nothing until meta answers
// again; an answer with the same ballot restores it.
import type { PartitionConfiguration, QueryCfgResponse } from '../wire/types.ts';
import { resolvePartition } from './partition.ts';

export interface PartitionRoute {
  readonly ballot: bigint;
  /** '' when the partition has no primary right now */
  readonly primary: string;
  readonly secondaries: readonly string[];
  /** the client saw a rejection that says this entry is stale; it routes nothing until refreshed */
  readonly invalid: boolean;
}

export interface RouteSnapshot {
  readonly appId: number;
  /** 0 until meta first answered */
  readonly partitionCount: number;
  /** by partition index; an index meta has not described yet is empty */
  readonly partitions: ReadonlyArray<PartitionRoute | undefined>;
}

/** What kind of change an answer made; the topology rules of the client hang on it. */
export type RouteChangeKind =
  /** the first answer for this table */
  | 'loaded'
  /** same app_id and partition count: per-partition ballots decided */
  | 'ballots'
  /** the partition count doubled: a split started (children report ballot < 0 until registered) */
  | 'split'
  /** the partition count halved: a split was cancelled */
  | 'cancelSplit'
  /** another app_id, or a count no split explains: the table was recreated; nothing cached is kept */
  | 'recreated'
  /** a partition count that is not a positive i32: the answer is ignored, the snapshot unchanged */
  | 'rejected';

export interface RouteUpdate {
  readonly kind: RouteChangeKind;
  readonly snapshot: RouteSnapshot;
  /** partitions whose entry was replaced or restored, in the answer's order */
  readonly changed: readonly number[];
  /** every call in flight must look again (after 'recreated'), not only those on `changed` */
  readonly moveAll: boolean;
}

/** What the reducer reads from a query_cfg answer. */
export type RouteAnswer = Pick<QueryCfgResponse, 'app_id' | 'partition_count' | 'partitions'>;

export const NO_ROUTES: RouteSnapshot = Object.freeze({
  appId: 0,
  partitionCount: 0,
  partitions: Object.freeze([]),
});

export function isLoaded(r: RouteSnapshot): boolean {
  return r.partitionCount > 0;
}

const MAX_PARTITION_COUNT = 0x7fffffff;

/** The pure reducer: (snapshot, meta's answer) -> (new snapshot, what changed). */
export function applyAnswer(prev: RouteSnapshot, answer: RouteAnswer): RouteUpdate {
  const count = answer.partition_count;
  if (!Number.isInteger(count) || count <= 0 || count > MAX_PARTITION_COUNT) {
    return { kind: 'rejected', snapshot: prev, changed: [], moveAll: false };
  }
  const kind = changeKind(prev, answer.app_id, count);
  // slice() keeps the cached array's shape (unset indexes stay unset)
  const partitions = kind === 'recreated' ? [] : prev.partitions.slice();
  if (partitions.length > count) partitions.length = count;
  const changed: number[] = [];
  for (const pc of answer.partitions) {
    const index = pc.pid.partition_index;
    if (index < 0 || index >= count) continue;
    const cached = partitions[index];
    if (cached === undefined || pc.ballot > cached.ballot) {
      partitions[index] = routeOf(pc);
      changed.push(index);
    } else if (pc.ballot === cached.ballot && cached.invalid) {
      partitions[index] = { ...cached, invalid: false };
      changed.push(index);
    }
  }
  return {
    kind,
    snapshot: { appId: answer.app_id, partitionCount: count, partitions },
    changed,
    moveAll: kind === 'recreated',
  };
}

function changeKind(prev: RouteSnapshot, appId: number, count: number): RouteChangeKind {
  if (!isLoaded(prev)) return 'loaded';
  if (appId !== prev.appId) return 'recreated';
  if (count === prev.partitionCount) return 'ballots';
  if (count === prev.partitionCount * 2) return 'split';
  if (count * 2 === prev.partitionCount) return 'cancelSplit';
  return 'recreated';
}

/** the partition serving `hash`, following a split child that is not ready to its parent */
export function partitionOf(r: RouteSnapshot, hash: bigint): number {
  return resolvePartition(hash, r.partitionCount, (i) => r.partitions[i]?.ballot);
}

/** the partition's primary, or null when it has no usable one (none, or the entry is invalidated) */
export function primaryOf(r: RouteSnapshot, index: number): string | null {
  const route = r.partitions[index];
  if (route === undefined || route.invalid || route.primary === '') return null;
  return route.primary;
}

/** the snapshot with one partition's entry invalidated (unchanged when it has none) */
export function invalidatePartition(r: RouteSnapshot, index: number): RouteSnapshot {
  const route = r.partitions[index];
  if (route === undefined || route.invalid) return r;
  const partitions = r.partitions.slice();
  partitions[index] = { ...route, invalid: true };
  return { ...r, partitions };
}

/** the snapshot with every entry invalidated */
export function invalidateAll(r: RouteSnapshot): RouteSnapshot {
  if (r.partitions.every((route) => route === undefined || route.invalid)) return r;
  // map() skips unset indexes and keeps them unset
  const invalidated = (route: PartitionRoute | undefined): PartitionRoute | undefined =>
    route === undefined || route.invalid ? route : { ...route, invalid: true };
  return { ...r, partitions: r.partitions.map(invalidated) };
}

function routeOf(pc: PartitionConfiguration): PartitionRoute {
  let primary = pc.primary;
  // servers since 2.5 may name nodes by host:port only (docs/PROTOCOL.md 5.2)
  if (primary === '' && pc.hp_primary !== undefined && pc.hp_primary.type !== 0) {
    primary = `${pc.hp_primary.host}:${pc.hp_primary.port}`;
  }
  return { ballot: pc.ballot, primary, secondaries: pc.secondaries, invalid: false };
}
