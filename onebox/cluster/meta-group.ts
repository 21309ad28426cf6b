// Leadership among the meta servers. On a real cluster the leader holds a ZooKeeper lock; when its
// process dies or hangs, the lock is released only when the ZooKeeper session expires, so another
// meta takes over after metaFailoverMs. Until then the followers keep pointing clients at the old
// leader. A new leader may be "not ready" for a while (ERR_SERVICE_NOT_ACTIVE).

import type { Clock } from '../net/clock.ts';
import type { ResolvedTuning } from './options.ts';
import type { ServerProcess } from './server-process.ts';

export class MetaGroup {
  private leaderAddress = '';
  /** Process incarnation that won the election; a restarted process must win again. */
  private leaderGeneration = -1;
  private notReadyUntilMs = 0;
  private failoverTimer: number | undefined;
  private readonly leaderListeners: Array<(leader: string) => void> = [];

  constructor(
    private readonly metas: readonly ServerProcess[],
    private readonly clock: Clock,
    private readonly tuning: ResolvedTuning,
  ) {
    for (const m of metas) m.onStateChange(() => this.review());
  }

  onLeaderChange(listener: (leader: string) => void): void {
    this.leaderListeners.push(listener);
  }

  get addresses(): string[] {
    return this.metas.map((m) => m.address);
  }

  /** The meta everybody believes is the leader ('' before the first election). */
  get leader(): string {
    return this.leaderAddress;
  }

  /** True if `address` is the leader process itself (the incarnation that won). */
  isLeader(address: string): boolean {
    const m = this.process(address);
    return address === this.leaderAddress && m !== undefined && m.generation === this.leaderGeneration;
  }

  isReady(address: string): boolean {
    return this.isLeader(address) && this.clock.nowMs() >= this.notReadyUntilMs;
  }

  /** The leader's address if it is running and ready to act (failure detection, reconfiguration). */
  activeLeader(): string | undefined {
    const a = this.leaderAddress;
    return this.isReady(a) && this.process(a)?.state === 'running' ? a : undefined;
  }

  /** The leader's process is up (it records beacons even while not ready). */
  leaderRunning(): boolean {
    return this.leaderHealthy();
  }

  /** Elect the first running meta (cluster start). */
  start(): void {
    this.elect(undefined, 0);
  }

  /**
   * Fault "leader": make `address` the leader (or, if it already is, the next running meta), not
   * ready for `notReadyMs`. Returns the new leader, or an error text.
   */
  changeLeader(address: string, notReadyMs: number): { leader: string } | { error: string } {
    const target = this.process(address);
    if (target === undefined) return { error: `${address} is not a meta server` };
    if (this.isLeader(address)) {
      const next = this.nextRunning(address);
      if (next === undefined) return { error: 'no other running meta server to take over' };
      this.setLeader(next, notReadyMs);
      return { leader: next.address };
    }
    if (target.state !== 'running') return { error: `${address} is not running` };
    this.setLeader(target, notReadyMs);
    return { leader: address };
  }

  dispose(): void {
    if (this.failoverTimer !== undefined) this.clock.clearTimer(this.failoverTimer);
    this.failoverTimer = undefined;
  }

  private process(address: string): ServerProcess | undefined {
    return this.metas.find((m) => m.address === address);
  }

  private leaderHealthy(): boolean {
    const m = this.process(this.leaderAddress);
    return m !== undefined && m.state === 'running' && m.generation === this.leaderGeneration;
  }

  private review(): void {
    if (this.leaderAddress === '') {
      this.elect(undefined, 0);
      return;
    }
    if (this.leaderHealthy()) {
      if (this.failoverTimer !== undefined) this.clock.clearTimer(this.failoverTimer);
      this.failoverTimer = undefined;
      return;
    }
    if (this.failoverTimer !== undefined) return;
    this.failoverTimer = this.clock.setTimer(
      this.tuning.metaFailoverMs,
      () => {
        this.failoverTimer = undefined;
        if (!this.leaderHealthy()) this.elect(this.leaderAddress, 0);
      },
      { daemon: true },
    );
  }

  private nextRunning(after: string | undefined): ServerProcess | undefined {
    const start = after === undefined ? -1 : this.metas.findIndex((m) => m.address === after);
    for (let k = 1; k <= this.metas.length; k++) {
      const m = this.metas[(start + k + this.metas.length) % this.metas.length]!;
      if (m.state === 'running' && m.address !== after) return m;
    }
    // Only the old leader's address is running (restarted): it may win again.
    const self = after === undefined ? undefined : this.process(after);
    return self?.state === 'running' ? self : undefined;
  }

  private elect(after: string | undefined, notReadyMs: number): void {
    const next = this.nextRunning(after);
    // Nobody can take over yet; the next process start triggers another review.
    if (next === undefined) return;
    this.setLeader(next, notReadyMs);
  }

  private setLeader(m: ServerProcess, notReadyMs: number): void {
    if (this.failoverTimer !== undefined) this.clock.clearTimer(this.failoverTimer);
    this.failoverTimer = undefined;
    this.leaderAddress = m.address;
    this.leaderGeneration = m.generation;
    this.notReadyUntilMs = this.clock.nowMs() + notReadyMs;
    for (const l of this.leaderListeners) l(m.address);
  }
}
