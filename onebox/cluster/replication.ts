// Write replication, modelled on PacificA as Pegasus runs it. The primary sends the mutation (same
// request, same timestamp) to every secondary of the current configuration, and applies it to its
// own store and answers the client only once every one of them applied it (commit): reads on the
// primary see committed data only, as in Pegasus, where mutations reach the storage engine at
// commit. Writes are deterministic, so applying the same requests in the same order gives
// byte-identical replicas.
//
// A secondary that cannot apply in time (crashed: at once; hung or too slow: after
// prepareTimeoutMs) is removed from the configuration by the primary through the meta (ballot + 1),
// after which the write completes with the remaining members. A write whose primary loses its role
// before completing is abandoned without a reply: it may or may not survive, like a real timeout.

import type { Clock } from '../net/clock.ts';
import type { PartitionStore } from '../storage/index.ts';
import type { ClusterModel, ConfigChange } from './cluster-model.ts';
import type { ResolvedTuning } from './options.ts';
import type { ServerProcess } from './server-process.ts';

export interface ReplicaNode {
  readonly address: string;
  readonly process: ServerProcess;
  store(appId: number, partitionIndex: number): PartitionStore | undefined;
  installStore(appId: number, partitionIndex: number, store: PartitionStore): void;
}

export interface MembershipAuthority {
  /** The primary asks the meta to drop a secondary that failed a prepare; false if no meta can act now. */
  removeSecondaryForPrimary(
    appId: number,
    partitionIndex: number,
    primary: string,
    secondary: string,
  ): boolean;
}

interface WriteOp {
  readonly appId: number;
  readonly partitionIndex: number;
  readonly primary: string;
  readonly waiting: Set<string>;
  /** applies the mutation to one replica's store (sent again to a member that joins meanwhile) */
  readonly applyTo: (store: PartitionStore) => void;
  readonly complete: () => void;
  timer: number | undefined;
  finished: boolean;
}

function key(appId: number, partitionIndex: number): string {
  return `${appId}.${partitionIndex}`;
}

export class Replication {
  private readonly pending = new Map<string, Set<WriteOp>>();
  private authority: MembershipAuthority | undefined;

  constructor(
    model: ClusterModel,
    private readonly nodes: (address: string) => ReplicaNode | undefined,
    private readonly clock: Clock,
    private readonly tuning: ResolvedTuning,
  ) {
    model.onChange((change) => this.onConfigChange(change));
  }

  setAuthority(authority: MembershipAuthority): void {
    this.authority = authority;
  }

  /** Writes in flight (sent to the secondaries, not yet committed on the primary). */
  get pendingCount(): number {
    let n = 0;
    for (const ops of this.pending.values()) n += ops.size;
    return n;
  }

  /** Writes of one partition in flight. */
  pendingFor(appId: number, partitionIndex: number): number {
    return this.pending.get(key(appId, partitionIndex))?.size ?? 0;
  }

  /**
   * Replicate a write to `secondaries` and, once every live one applied it, apply it on `primary`;
   * `done` receives the primary's response.
   */
  write<R>(
    primary: ReplicaNode,
    appId: number,
    partitionIndex: number,
    secondaries: readonly string[],
    apply: (store: PartitionStore) => R,
    done: (response: R) => void,
  ): void {
    const primaryStore = primary.store(appId, partitionIndex);
    if (primaryStore === undefined) return;
    const op: WriteOp = {
      appId,
      partitionIndex,
      primary: primary.address,
      waiting: new Set(secondaries),
      applyTo: (store) => {
        apply(store);
      },
      // Commit: pending writes complete in submission order, so the primary applies them in order.
      complete: () => done(apply(primaryStore)),
      timer: undefined,
      finished: false,
    };
    if (op.waiting.size === 0) {
      op.complete();
      return;
    }
    const k = key(appId, partitionIndex);
    let ops = this.pending.get(k);
    if (ops === undefined) {
      ops = new Set();
      this.pending.set(k, ops);
    }
    ops.add(op);
    op.timer = this.clock.setTimer(this.tuning.prepareTimeoutMs, () => this.onPrepareTimeout(op));
    for (const address of secondaries) this.prepare(op, address);
  }

  /** sends a pending mutation to one member; it acknowledges once applied */
  private prepare(op: WriteOp, address: string): void {
    const node = this.nodes(address);
    const store = node?.store(op.appId, op.partitionIndex);
    const accepted =
      node !== undefined &&
      store !== undefined &&
      node.process.submit(() => {
        // Skip if the op was abandoned, or the replica was replaced by a learnt copy meanwhile.
        if (op.finished || !op.waiting.has(address) || node.store(op.appId, op.partitionIndex) !== store)
          return;
        op.applyTo(store);
        this.ack(op, address);
      });
    if (!accepted) this.reportFailure(op, address);
  }

  /** Abandon every pending write (cluster shutdown). */
  dispose(): void {
    for (const ops of [...this.pending.values()]) for (const op of [...ops]) this.finish(op);
  }

  private ack(op: WriteOp, address: string): void {
    if (!op.waiting.delete(address) || op.waiting.size > 0 || op.finished) return;
    this.finish(op);
    op.complete();
  }

  private finish(op: WriteOp): void {
    op.finished = true;
    if (op.timer !== undefined) this.clock.clearTimer(op.timer);
    const k = key(op.appId, op.partitionIndex);
    const ops = this.pending.get(k);
    ops?.delete(op);
    if (ops?.size === 0) this.pending.delete(k);
  }

  private reportFailure(op: WriteOp, address: string): boolean {
    if (op.finished || !op.waiting.has(address)) return true;
    const removed =
      this.authority?.removeSecondaryForPrimary(op.appId, op.partitionIndex, op.primary, address) ?? false;
    // The configuration change listener acknowledges on our behalf once the member is gone.
    if (removed) this.ack(op, address);
    return removed;
  }

  private onPrepareTimeout(op: WriteOp): void {
    op.timer = undefined;
    if (op.finished) return;
    let allHandled = true;
    for (const address of [...op.waiting]) {
      if (!this.reportFailure(op, address)) allHandled = false;
    }
    // No meta could act: keep waiting and try again later, as a real primary keeps retrying.
    if (!allHandled && !op.finished) {
      op.timer = this.clock.setTimer(this.tuning.prepareTimeoutMs, () => this.onPrepareTimeout(op));
    }
  }

  private onConfigChange(change: ConfigChange): void {
    const { appId, partitionIndex, config, previous } = change;
    const ops = this.pending.get(key(appId, partitionIndex));
    if (ops !== undefined) {
      for (const op of [...ops]) {
        if (config.primary !== op.primary) {
          this.finish(op); // abandoned: its primary lost the role
          continue;
        }
        for (const address of [...op.waiting]) {
          if (!config.secondaries.includes(address)) this.ack(op, address);
        }
        // A member that joined learnt the primary's committed data; the writes still pending are
        // prepared on it too (as PacificA's learners receive the prepare list), and wait for it.
        for (const address of config.secondaries) {
          if (!previous.secondaries.includes(address) && !op.finished) {
            op.waiting.add(address);
            this.prepare(op, address);
          }
        }
      }
    }
    // A newly promoted primary brings every remaining secondary to its own state (PacificA's
    // reconciliation): a secondary that missed the old primary's last mutations learns a copy.
    if (config.primary !== '' && config.primary !== previous.primary) {
      const primaryStore = this.nodes(config.primary)?.store(appId, partitionIndex);
      if (primaryStore === undefined) return;
      for (const address of config.secondaries) {
        const node = this.nodes(address);
        const store = node?.store(appId, partitionIndex);
        if (node !== undefined && store?.lastDecree !== primaryStore.lastDecree) {
          node.installStore(appId, partitionIndex, primaryStore.clone());
        }
      }
    }
  }
}
