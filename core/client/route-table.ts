// One table's routing: partition -> (ballot, primary). Ballots never go backwards: a late answer to
// an older query cannot roll a primary back (WIRE.md 8.5). An invalidated entry keeps its ballot
// (for monotonicity) but routes nothing until meta answers again.
import { resolvePartition } from '../routing/index.ts';
import type { PartitionConfiguration, QueryCfgResponse } from '../wire/types.ts';

export interface PartitionRoute {
  ballot: bigint;
  /** '' when the partition has no primary right now */
  primary: string;
  secondaries: string[];
  invalid: boolean;
}

export interface ApplyResult {
  /** the table was dropped and recreated, or its partition count changed in a way a split cannot explain */
  reset: boolean;
  /** partitions whose route was replaced or restored */
  changed: number[];
}

export class RouteTable {
  appId = 0;
  partitionCount = 0;
  readonly partitions: Array<PartitionRoute | undefined> = [];

  get loaded(): boolean {
    return this.partitionCount > 0;
  }

  apply(resp: QueryCfgResponse): ApplyResult {
    let reset = false;
    const count = resp.partition_count;
    if (this.loaded) {
      const splitOrCancel =
        count === this.partitionCount ||
        count === this.partitionCount * 2 ||
        count * 2 === this.partitionCount;
      if (resp.app_id !== this.appId || !splitOrCancel) {
        this.partitions.length = 0;
        reset = true;
      }
    }
    this.appId = resp.app_id;
    this.partitionCount = count;
    if (this.partitions.length > count) this.partitions.length = count;
    const changed: number[] = [];
    for (const pc of resp.partitions) {
      const index = pc.pid.partition_index;
      if (index < 0 || index >= count) continue;
      const cached = this.partitions[index];
      if (cached === undefined || pc.ballot > cached.ballot) {
        this.partitions[index] = routeOf(pc);
        changed.push(index);
      } else if (pc.ballot === cached.ballot && cached.invalid) {
        cached.invalid = false;
        changed.push(index);
      }
    }
    return { reset, changed };
  }

  /** the partition serving `hash`, following a split child that is not ready to its parent */
  partitionOf(hash: bigint): number {
    return resolvePartition(hash, this.partitionCount, (i) => this.partitions[i]?.ballot);
  }

  /** the primary to send to, or null when the partition has no usable route */
  primaryOf(index: number): string | null {
    const route = this.partitions[index];
    if (route === undefined || route.invalid || route.primary === '') return null;
    return route.primary;
  }

  invalidate(index: number): void {
    const route = this.partitions[index];
    if (route !== undefined) route.invalid = true;
  }

  invalidateAll(): void {
    for (const route of this.partitions) if (route !== undefined) route.invalid = true;
  }
}

function routeOf(pc: PartitionConfiguration): PartitionRoute {
  let primary = pc.primary;
  if (primary === '' && pc.hp_primary !== undefined && pc.hp_primary.type !== 0) {
    primary = `${pc.hp_primary.host}:${pc.hp_primary.port}`;
  }
  return { ballot: pc.ballot, primary, secondaries: pc.secondaries, invalid: false };
}
