// What the leader meta does about node failures, in Pegasus's two steps:
//   1. a dead primary is removed: ballot + 1, no primary (clients asking now see an empty primary);
//   2. after promoteDelayMs, the live secondary with the highest decree is promoted: ballot + 1.
// A dead secondary is removed (ballot + 1). A partition short of replicas gets a learner: a live
// node copies the primary's store for learnMs and then joins as a secondary (ballot + 1). All of
// this runs only while a meta leader is up and ready.

import type { Clock } from '../net/clock.ts';
import type { ClusterModel, PartitionConfig, TableRecord } from './cluster-model.ts';
import type { FailureDetector } from './failure-detector.ts';
import type { MetaGroup } from './meta-group.ts';
import type { ResolvedTuning } from './options.ts';
import type { MembershipAuthority, ReplicaNode } from './replication.ts';

function key(appId: number, partitionIndex: number): string {
  return `${appId}.${partitionIndex}`;
}

export class PartitionGuardian implements MembershipAuthority {
  private readonly downgradedAtMs = new Map<string, number>();
  private readonly learning = new Map<string, string>();
  private readonly timers = new Set<number>();

  constructor(
    private readonly model: ClusterModel,
    private readonly detector: FailureDetector,
    private readonly metas: MetaGroup,
    private readonly replicaOrder: readonly string[],
    private readonly nodes: (address: string) => ReplicaNode | undefined,
    private readonly clock: Clock,
    private readonly tuning: ResolvedTuning,
  ) {}

  /** One failure-detector round of the leader meta. */
  tick(): void {
    if (this.metas.activeLeader() === undefined) return;
    for (const dead of this.detector.expire()) this.onNodeDead(dead);
    this.cure();
  }

  /** A beacon reaches the leader meta (lost if the leader is down or hung). */
  onBeacon(address: string): void {
    if (!this.metas.leaderRunning()) return;
    if (this.detector.beacon(address) && this.metas.activeLeader() !== undefined) this.cure();
  }

  /** Whether the meta would use `address` for a replica right now. */
  usable(address: string): boolean {
    return this.detector.isAlive(address) && this.nodes(address)?.process.state === 'running';
  }

  removeSecondaryForPrimary(
    appId: number,
    partitionIndex: number,
    primary: string,
    secondary: string,
  ): boolean {
    if (this.metas.activeLeader() === undefined) return false;
    const config = this.model.partition(appId, partitionIndex);
    // Already handled: the primary lost its role or the secondary is gone.
    if (config === undefined || config.primary !== primary || !config.secondaries.includes(secondary))
      return true;
    this.model.change(
      appId,
      partitionIndex,
      { primary, secondaries: config.secondaries.filter((s) => s !== secondary), dropped: [secondary] },
      `primary ${primary} removed secondary ${secondary} (prepare failed)`,
    );
    this.cure();
    return true;
  }

  dispose(): void {
    for (const t of this.timers) this.clock.clearTimer(t);
    this.timers.clear();
  }

  private later(delayMs: number, fn: () => void): void {
    const t = this.clock.setTimer(delayMs, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  private onNodeDead(address: string): void {
    for (const table of this.model.liveTables()) {
      table.partitions.forEach((config, index) => {
        if (config.primary === address) {
          this.model.change(
            table.appId,
            index,
            { primary: '', secondaries: config.secondaries, dropped: [address] },
            `primary ${address} declared dead: removed`,
          );
          this.downgradedAtMs.set(key(table.appId, index), this.clock.nowMs());
        } else if (config.secondaries.includes(address)) {
          this.model.change(
            table.appId,
            index,
            {
              primary: config.primary,
              secondaries: config.secondaries.filter((s) => s !== address),
              dropped: [address],
            },
            `secondary ${address} declared dead: removed`,
          );
        }
      });
    }
    this.later(this.tuning.promoteDelayMs, () => {
      if (this.metas.activeLeader() !== undefined) this.cure();
    });
  }

  /** Promote where a primary is missing; add learners where replicas are missing. */
  private cure(): void {
    for (const table of this.model.liveTables()) {
      for (let index = 0; index < table.partitionCount; index++) {
        const config = table.partitions[index]!;
        // a split child not registered yet has no members to cure: its parent serves its keys
        if (config.ballot < 0n) continue;
        if (config.primary === '') this.tryPromote(table, index, config);
        else if (1 + config.secondaries.length < table.maxReplicaCount)
          this.tryAddLearner(table, index, config);
      }
    }
  }

  private tryPromote(table: TableRecord, index: number, config: PartitionConfig): void {
    const k = key(table.appId, index);
    const since = this.downgradedAtMs.get(k);
    if (since !== undefined && this.clock.nowMs() - since < this.tuning.promoteDelayMs) return;
    // Prefer a secondary (it applied every acknowledged write: writes wait for all members).
    let candidates = config.secondaries.filter((s) => this.usable(s));
    if (candidates.length === 0) {
      // With none left, a dropped member may take over only if it holds every write any replica
      // applied (crashed nodes keep their data): promoting one that was dropped before the last
      // acknowledged writes would lose them. Otherwise wait for the up-to-date replica.
      const required = this.highestDecree(table.appId, index);
      candidates = [...config.lastDrops]
        .reverse()
        .filter(
          (s) => this.usable(s) && (this.nodes(s)?.store(table.appId, index)?.lastDecree ?? -1n) >= required,
        );
    }
    let best: string | undefined;
    let bestDecree = -1n;
    for (const c of candidates) {
      const decree = this.nodes(c)?.store(table.appId, index)?.lastDecree ?? -1n;
      if (decree > bestDecree) {
        best = c;
        bestDecree = decree;
      }
    }
    if (best === undefined) return;
    this.downgradedAtMs.delete(k);
    this.model.change(
      table.appId,
      index,
      { primary: best, secondaries: config.secondaries.filter((s) => s !== best) },
      `secondary ${best} promoted to primary`,
    );
  }

  /** the highest decree any replica node (live or not) has applied for the partition */
  private highestDecree(appId: number, index: number): bigint {
    let best = -1n;
    for (const a of this.replicaOrder) {
      const decree = this.nodes(a)?.store(appId, index)?.lastDecree ?? -1n;
      if (decree > best) best = decree;
    }
    return best;
  }

  private tryAddLearner(table: TableRecord, index: number, config: PartitionConfig): void {
    const k = key(table.appId, index);
    if (this.learning.has(k)) return;
    const members = new Set([config.primary, ...config.secondaries]);
    const free = this.replicaOrder.filter((a) => !members.has(a) && this.usable(a));
    if (free.length === 0) return;
    // A recently dropped member first (it is most likely to come back), else the least loaded node.
    const learner =
      [...config.lastDrops].reverse().find((a) => free.includes(a)) ??
      free.reduce((best, a) => (this.hostedCount(a) < this.hostedCount(best) ? a : best));
    this.learning.set(k, learner);
    this.later(this.tuning.learnMs, () => this.finishLearning(table.appId, index, learner, config.primary));
  }

  private finishLearning(appId: number, index: number, learner: string, primary: string): void {
    this.learning.delete(key(appId, index));
    const table = this.model.liveTableById(appId);
    const config = table?.partitions[index];
    if (table === undefined || config === undefined || this.metas.activeLeader() === undefined) return;
    const stillValid =
      config.primary === primary &&
      !config.secondaries.includes(learner) &&
      1 + config.secondaries.length < table.maxReplicaCount &&
      this.usable(learner);
    const primaryStore = this.nodes(primary)?.store(appId, index);
    const node = this.nodes(learner);
    if (!stillValid || primaryStore === undefined || node === undefined) {
      this.cure();
      return;
    }
    node.installStore(appId, index, primaryStore.clone());
    this.model.change(
      appId,
      index,
      { primary, secondaries: [...config.secondaries, learner] },
      `learner ${learner} joined as secondary`,
    );
  }

  private hostedCount(address: string): number {
    let n = 0;
    for (const t of this.model.liveTables()) {
      for (const p of t.partitions) if (p.primary === address || p.secondaries.includes(address)) n++;
    }
    return n;
  }
}
