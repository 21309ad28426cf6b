// The cluster's metadata as the meta servers keep it (in ZooKeeper on a real cluster): tables and
// every partition's configuration, including a running partition split. It belongs to the meta
// group, not to one meta process, so a leader change keeps it. Every configuration change raises that
// partition's ballot by exactly one and is recorded, so tests can check the exact ballot sequence of
// a failover; the one exception is a split child's registration (ballot -1 -> parent's ballot + 1).

import { AppStatus } from '../../core/wire/types.ts';

export interface PartitionConfig {
  readonly ballot: bigint;
  /** '' when the partition has no primary (between a primary's removal and a promotion). */
  readonly primary: string;
  readonly secondaries: readonly string[];
  /** Most recent last; informational (PacificA's last_drops). */
  readonly lastDrops: readonly string[];
}

/** Where one parent partition is in a split. */
export type SplitPhase =
  /** the parent serves its keys and its child's; the child reports ballot -1 */
  | 'copying'
  /** the parent's primary answers ERR_SPLITTING while its child registers */
  | 'switching'
  /** the child serves its keys; the parent answers ERR_PARENT_PARTITION_MISUSED for them */
  | 'registered';

export interface TableSplit {
  /** partition count before the split; parents are 0..fromCount-1, children fromCount..2*fromCount-1 */
  readonly fromCount: number;
  readonly startedAtMs: number;
  /** by parent index */
  readonly phases: SplitPhase[];
}

export interface TableRecord {
  readonly appId: number;
  readonly name: string;
  /** doubled at once when a split starts (children included), halved by a cancel */
  partitionCount: number;
  /** the count the table was created with (app_info.init_partition_count) */
  readonly initPartitionCount: number;
  readonly maxReplicaCount: number;
  status: number;
  readonly createSecond: bigint;
  dropSecond: bigint;
  readonly partitions: PartitionConfig[];
  /**
   * The table env replica.split.validate_partition_hash: set when a split starts and kept after it,
   * it makes replicas check each request's partition hash against their partition.
   */
  validatePartitionHash: boolean;
  split: TableSplit | undefined;
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
      initPartitionCount: partitionCount,
      maxReplicaCount: r,
      status: AppStatus.AS_AVAILABLE,
      createSecond: BigInt(Math.floor(wallSecond)),
      dropSecond: 0n,
      partitions,
      validatePartitionHash: false,
      split: undefined,
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

  /**
   * Starts a split: partition_count doubles now, children report ballot -1 with no members until
   * registered, and partition-hash validation is on from now on.
   */
  startSplit(appId: number): TableSplit {
    const table = this.liveTableById(appId);
    if (table === undefined) throw new Error(`no table ${appId}`);
    if (table.split !== undefined) throw new Error(`table ${table.name} is already splitting`);
    const fromCount = table.partitionCount;
    for (let i = 0; i < fromCount; i++) {
      table.partitions.push({ ballot: -1n, primary: '', secondaries: [], lastDrops: [] });
    }
    table.partitionCount = fromCount * 2;
    table.validatePartitionHash = true;
    table.split = {
      fromCount,
      startedAtMs: this.nowMs(),
      phases: Array.from({ length: fromCount }, (): SplitPhase => 'copying'),
    };
    return table.split;
  }

  /** Cancels a split none of whose children registered: the count halves again. */
  cancelSplit(appId: number): void {
    const table = this.liveTableById(appId);
    const split = table?.split;
    if (table === undefined || split === undefined) throw new Error(`table ${appId} is not splitting`);
    if (split.phases.includes('registered'))
      throw new Error(`table ${table.name}: a child already registered`);
    table.partitions.length = split.fromCount;
    table.partitionCount = split.fromCount;
    table.split = undefined;
  }

  /**
   * Registers the child of `parentIndex` with `config` (the parent's members, ballot = the parent's
   * + 1, as the real meta's register_child does) and notifies listeners. The split ends with its
   * last registration.
   */
  registerChild(
    appId: number,
    parentIndex: number,
    next: { primary: string; secondaries: readonly string[] },
  ): PartitionConfig {
    const table = this.liveTableById(appId);
    const split = table?.split;
    if (table === undefined || split === undefined || split.phases[parentIndex] === undefined) {
      throw new Error(`no split parent ${appId}.${parentIndex}`);
    }
    const childIndex = parentIndex + split.fromCount;
    const previous = table.partitions[childIndex]!;
    const parent = table.partitions[parentIndex]!;
    const config: PartitionConfig = {
      ballot: parent.ballot + 1n,
      primary: next.primary,
      secondaries: [...next.secondaries],
      lastDrops: [],
    };
    table.partitions[childIndex] = config;
    split.phases[parentIndex] = 'registered';
    if (split.phases.every((p) => p === 'registered')) table.split = undefined;
    const change: ConfigChange = {
      atMs: this.nowMs(),
      appId,
      partitionIndex: childIndex,
      reason: `split child ${childIndex} of ${parentIndex} registered`,
      config,
      previous,
    };
    this.history.push(change);
    for (const listener of this.listeners) listener(change);
    return config;
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
