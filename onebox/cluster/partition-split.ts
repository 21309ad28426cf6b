// Partition split, in the steps a real cluster goes through (meta_split_service, replica_split_manager):
//   start     the meta doubles partition_count at once; children (index >= n) report ballot -1 and
//             no members; partition-hash validation is on for the table from now on;
//   copying   each parent keeps serving its keys and its child's (its replicas check hashes against
//             the old count, n - 1);
//   switching splitMs after the start, the parents one after the other (splitSwitchMs apart): the
//             parent's primary stops serving (ERR_SPLITTING) until its child is registered, which
//             needs a ready meta leader, a running parent primary and no write still replicating;
//   registered the child gets the parent's members (each copies its parent replica's rows for the
//             child's keys) and ballot = parent's + 1; parent replicas now check hashes against 2n - 1
//             and answer ERR_PARENT_PARTITION_MISUSED for the child's keys.
// A cancel (before any child registered) halves the count again. No random draws: timings follow
// from splitMs and splitSwitchMs only, so seeded simulations that never split are unchanged.

import type { Clock } from '../net/clock.ts';
import type { ClusterModel, TableRecord } from './cluster-model.ts';
import type { MetaGroup } from './meta-group.ts';
import type { ResolvedTuning } from './options.ts';
import type { ReplicaNode, Replication } from './replication.ts';
import type { TopologyResult } from './topology-requests.ts';

function timerKey(appId: number, parentIndex: number): string {
  return `${appId}.${parentIndex}`;
}

export class PartitionSplitter {
  private readonly timers = new Map<string, number>();

  constructor(
    private readonly model: ClusterModel,
    private readonly metas: MetaGroup,
    private readonly replicaOrder: readonly string[],
    private readonly nodes: (address: string) => ReplicaNode | undefined,
    private readonly replication: Replication,
    private readonly clock: Clock,
    private readonly tuning: ResolvedTuning,
  ) {}

  start(name: string): TopologyResult {
    const table = this.model.liveTable(name);
    if (table === undefined) return { ok: false, status: 404, error: `no table ${name}` };
    // the real meta answers ERR_BUSY: "already executing partition split"
    if (table.split !== undefined)
      return { ok: false, status: 409, error: `table ${name} is already splitting` };
    const n = table.partitionCount;
    if ((n & (n - 1)) !== 0 || 2 * n > 0x40000000) {
      // replicas check hash & (count - 1): only power-of-two counts keep routing right across a split
      return {
        ok: false,
        status: 409,
        error: `table ${name} has ${n} partitions: only a power of two can split`,
      };
    }
    this.model.startSplit(table.appId);
    for (let p = 0; p < n; p++) {
      this.schedule(table.appId, p, this.tuning.splitMs + p * this.tuning.splitSwitchMs, false, () =>
        this.beginSwitch(table.appId, p),
      );
    }
    return {
      ok: true,
      message: `table ${name} splits ${n} -> ${2 * n} partitions; children register from ${this.tuning.splitMs} ms`,
    };
  }

  cancel(name: string): TopologyResult {
    const table = this.model.liveTable(name);
    if (table === undefined) return { ok: false, status: 404, error: `no table ${name}` };
    const split = table.split;
    // the real meta answers ERR_INVALID_STATE, then ERR_CHILD_REGISTERED
    if (split === undefined) return { ok: false, status: 409, error: `table ${name} is not splitting` };
    if (split.phases.includes('registered')) {
      return { ok: false, status: 409, error: `table ${name}: some partitions have already finished split` };
    }
    for (let p = 0; p < split.fromCount; p++) this.clearTimer(table.appId, p);
    this.model.cancelSplit(table.appId);
    return { ok: true, message: `table ${name} split cancelled: back to ${split.fromCount} partitions` };
  }

  dispose(): void {
    for (const t of this.timers.values()) this.clock.clearTimer(t);
    this.timers.clear();
  }

  private get retryMs(): number {
    return Math.max(1, this.tuning.splitSwitchMs);
  }

  private beginSwitch(appId: number, parent: number): void {
    const table = this.model.liveTableById(appId);
    if (table?.split?.phases[parent] !== 'copying') return;
    // The parent's primary drives its registration: nothing moves while it is down or hung.
    if (!this.primaryRunning(table, parent)) {
      this.schedule(appId, parent, this.retryMs, true, () => this.beginSwitch(appId, parent));
      return;
    }
    table.split.phases[parent] = 'switching';
    this.schedule(appId, parent, this.tuning.splitSwitchMs, false, () => this.tryRegister(appId, parent));
  }

  private tryRegister(appId: number, parent: number): void {
    const table = this.model.liveTableById(appId);
    const split = table?.split;
    if (table === undefined || split?.phases[parent] !== 'switching') return;
    const config = table.partitions[parent]!;
    const ready =
      this.metas.activeLeader() !== undefined &&
      this.primaryRunning(table, parent) &&
      this.replication.pendingFor(appId, parent) === 0;
    if (!ready) {
      this.schedule(appId, parent, this.retryMs, true, () => this.tryRegister(appId, parent));
      return;
    }
    const child = parent + split.fromCount;
    const count = split.fromCount * 2;
    for (const address of [config.primary, ...config.secondaries]) {
      const node = this.nodes(address);
      const store = node?.store(appId, parent);
      if (node !== undefined && store !== undefined)
        node.installStore(appId, child, store.splitCopy(child, count));
    }
    // Parent replicas now filter scans by the new count (their hash check follows the phase).
    for (const address of this.replicaOrder)
      this.nodes(address)?.store(appId, parent)?.setPartitionCount(count);
    this.model.registerChild(appId, parent, {
      primary: config.primary,
      secondaries: config.secondaries.filter((s) => this.nodes(s)?.store(appId, child) !== undefined),
    });
  }

  private primaryRunning(table: TableRecord, index: number): boolean {
    const primary = table.partitions[index]?.primary ?? '';
    return primary !== '' && this.nodes(primary)?.process.state === 'running';
  }

  private schedule(appId: number, parent: number, delayMs: number, daemon: boolean, fn: () => void): void {
    this.clearTimer(appId, parent);
    const key = timerKey(appId, parent);
    const id = this.clock.setTimer(
      delayMs,
      () => {
        this.timers.delete(key);
        fn();
      },
      { daemon },
    );
    this.timers.set(key, id);
  }

  private clearTimer(appId: number, parent: number): void {
    const key = timerKey(appId, parent);
    const id = this.timers.get(key);
    if (id !== undefined) this.clock.clearTimer(id);
    this.timers.delete(key);
  }
}
