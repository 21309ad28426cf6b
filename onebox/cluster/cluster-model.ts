// The cluster's metadata as the meta servers keep it (in ZooKeeper on a real cluster): tables and
// every partition's configuration. Every configuration change raises that partition's ballot by
// exactly one and is recorded, so tests can check the exact ballot sequence of a failover.

import { AppStatus } from '../../core/wire/types.ts';

export interface PartitionConfig {
  readonly ballot: bigint;
  /** '' when the partition has no primary (between a primary's removal and a promotion). */
  readonly primary: string;
  readonly secondaries: readonly string[];
  /** Most recent last; informational (PacificA's last_drops). */
  readonly lastDrops: readonly string[];
}

export interface TableRecord {
  readonly appId: number;
  readonly name: string;
  readonly partitionCount: number;
  readonly maxReplicaCount: number;
  status: number;
  readonly createSecond: bigint;
  dropSecond: bigint;
  readonly partitions: PartitionConfig[];
}

export interface ConfigChange {
  readonly atMs: number;
  readonly appId: number;
  readonly partitionIndex: number;
  readonly reason: string;
  readonly config: PartitionConfig;
  readonly previous: PartitionConfig;
}

export type ConfigChangeListener = (change: ConfigChange) => void;

const MAX_LAST_DROPS = 3;

export class ClusterModel {
  private readonly live = new Map<string, TableRecord>();
  private readonly byId = new Map<number, TableRecord>();
  private nextAppId = 1;
  private readonly listeners: ConfigChangeListener[] = [];
  /** Every configuration change since start, oldest first. */
  readonly history: ConfigChange[] = [];

  constructor(private readonly nowMs: () => number) {}

  onChange(listener: ConfigChangeListener): void {
    this.listeners.push(listener);
  }

  liveTable(name: string): TableRecord | undefined {
    return this.live.get(name);
  }

  /** A table that is not dropped, by id. */
  liveTableById(appId: number): TableRecord | undefined {
    const t = this.byId.get(appId);
    return t !== undefined && t.status === AppStatus.AS_AVAILABLE ? t : undefined;
  }

  /** Every table ever created (dropped ones included), by app id. */
  allTables(): TableRecord[] {
    return [...this.byId.values()].sort((a, b) => a.appId - b.appId);
  }

  liveTables(): TableRecord[] {
    return this.allTables().filter((t) => t.status === AppStatus.AS_AVAILABLE);
  }

  partition(appId: number, partitionIndex: number): PartitionConfig | undefined {
    return this.liveTableById(appId)?.partitions[partitionIndex];
  }

  /**
   * Creates a table with every partition fully assigned. The real meta assigns a primary
   * (ballot 1) and then adds secondaries one at a time (ballot +1 each), so a partition with
   * r replicas starts at ballot r.
   */
  createTable(
    name: string,
    partitionCount: number,
    replicaCount: number,
    nodes: readonly string[],
    wallSecond: number,
  ): TableRecord {
    if (this.live.has(name)) throw new Error(`table ${name} exists`);
    const appId = this.nextAppId++;
    const r = Math.min(replicaCount, nodes.length);
    const partitions: PartitionConfig[] = [];
    for (let i = 0; i < partitionCount; i++) {
      const members: string[] = [];
      for (let k = 0; k < r; k++) members.push(nodes[(i + appId - 1 + k) % nodes.length]!);
      partitions.push({
        ballot: BigInt(r),
        primary: members[0] ?? '',
        secondaries: members.slice(1),
        lastDrops: [],
      });
    }
    const table: TableRecord = {
      appId,
      name,
      partitionCount,
      maxReplicaCount: r,
      status: AppStatus.AS_AVAILABLE,
      createSecond: BigInt(Math.floor(wallSecond)),
      dropSecond: 0n,
      partitions,
    };
    this.live.set(name, table);
    this.byId.set(appId, table);
    return table;
  }

  dropTable(name: string, wallSecond: number): TableRecord | undefined {
    const table = this.live.get(name);
    if (table === undefined) return undefined;
    this.live.delete(name);
    table.status = AppStatus.AS_DROPPED;
    table.dropSecond = BigInt(Math.floor(wallSecond));
    return table;
  }

  /** Applies one configuration change (ballot + 1) and notifies listeners. */
  change(
    appId: number,
    partitionIndex: number,
    next: { primary: string; secondaries: readonly string[]; dropped?: readonly string[] },
    reason: string,
  ): PartitionConfig {
    const table = this.liveTableById(appId);
    const previous = table?.partitions[partitionIndex];
    if (table === undefined || previous === undefined) {
      throw new Error(`no partition ${appId}.${partitionIndex}`);
    }
    let lastDrops = previous.lastDrops.filter((a) => a !== next.primary && !next.secondaries.includes(a));
    for (const d of next.dropped ?? []) lastDrops = [...lastDrops.filter((a) => a !== d), d];
    const config: PartitionConfig = {
      ballot: previous.ballot + 1n,
      primary: next.primary,
      secondaries: [...next.secondaries],
      lastDrops: lastDrops.slice(-MAX_LAST_DROPS),
    };
    table.partitions[partitionIndex] = config;
    const change: ConfigChange = { atMs: this.nowMs(), appId, partitionIndex, reason, config, previous };
    this.history.push(change);
    for (const listener of this.listeners) listener(change);
    return config;
  }
}
