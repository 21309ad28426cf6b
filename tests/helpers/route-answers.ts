// Building blocks for routing tests: query_cfg answers and snapshots written as short tables.
import {
  applyAnswer,
  NO_ROUTES,
  type RouteAnswer,
  type RouteSnapshot,
} from '../../core/routing/route-snapshot.ts';
import type { PartitionConfiguration } from '../../core/wire/types.ts';

/** one partition's configuration: [index, ballot, primary] (and secondaries) */
export type Entry = readonly [
  index: number,
  ballot: number | bigint,
  primary: string,
  secondaries?: string[],
];

export function partitionConfiguration(appId: number, e: Entry): PartitionConfiguration {
  return {
    pid: { app_id: appId, partition_index: e[0] },
    ballot: BigInt(e[1]),
    max_replica_count: 3,
    primary: e[2],
    secondaries: e[3] ?? [],
    last_drops: [],
    last_committed_decree: 0n,
    partition_flags: 0,
  };
}

export function answer(appId: number, count: number, entries: readonly Entry[]): RouteAnswer {
  return {
    app_id: appId,
    partition_count: count,
    partitions: entries.map((e) => partitionConfiguration(appId, e)),
  };
}

/** the snapshot after applying the answers in order, starting from nothing */
export function snapshotOf(...answers: RouteAnswer[]): RouteSnapshot {
  return answers.reduce((s, a) => applyAnswer(s, a).snapshot, NO_ROUTES);
}

/** a snapshot as [ballot, primary, invalid] per index ('_' for an index never described) */
export function routesOf(s: RouteSnapshot): Array<string> {
  const out: string[] = [];
  for (let i = 0; i < s.partitionCount; i++) {
    const r = s.partitions[i];
    out.push(r === undefined ? '_' : `${r.ballot}:${r.primary}${r.invalid ? ':invalid' : ''}`);
  }
  return out;
}
