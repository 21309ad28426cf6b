// The leader meta's view of which replica servers are alive: a node is declared dead when no beacon
// arrived for detectMs (real Pegasus: beacons every 3 s, lease ~20 s). A dead node that beacons again
// is alive again. A new leader grants every node a fresh lease before judging it.

import type { Clock } from '../net/clock.ts';

export class FailureDetector {
  private readonly lastBeaconMs = new Map<string, number>();
  private readonly alive = new Set<string>();

  constructor(
    private readonly nodes: readonly string[],
    private readonly clock: Clock,
    private readonly detectMs: number,
  ) {
    for (const n of nodes) {
      this.alive.add(n);
      this.lastBeaconMs.set(n, clock.nowMs());
    }
  }

  isAlive(address: string): boolean {
    return this.alive.has(address);
  }

  /** Records a beacon; true if the node was considered dead until now. */
  beacon(address: string): boolean {
    if (!this.lastBeaconMs.has(address)) return false;
    this.lastBeaconMs.set(address, this.clock.nowMs());
    if (this.alive.has(address)) return false;
    this.alive.add(address);
    return true;
  }

  /** Nodes whose lease just expired, in configuration order. */
  expire(): string[] {
    const now = this.clock.nowMs();
    const dead: string[] = [];
    for (const n of this.nodes) {
      if (this.alive.has(n) && now - this.lastBeaconMs.get(n)! >= this.detectMs) {
        this.alive.delete(n);
        dead.push(n);
      }
    }
    return dead;
  }

  /** A new leader starts every lease afresh. */
  grantFreshLeases(): void {
    const now = this.clock.nowMs();
    for (const n of this.nodes) this.lastBeaconMs.set(n, now);
  }
}
