// Applies fault requests to a cluster. The same code runs on both networks; only the client-link
// cut ("partition") is delegated to the network, which knows how to lose packets.
//
//   crash      process dies: connections reset at once, later connects refused, beacons stop
//   hang       connections stay open and accept bytes, nothing is answered, beacons stop
//   coredump   hang for ms, then crash (what a core dump looks like from outside)
//   restart    crash if needed, then start again: a replica rejoins as a learner/secondary
//   partition  client <-> node packets dropped, nothing reset; meta still sees the node
//   heal       undo hang, partition, slow, busy and throttle-backup (not crash: use restart)
//   slow       every incoming message waits ms more
//   busy       data RPCs answered ERR_BUSY (for ms, or until heal)
//   leader     make this meta the leader (or, if it already is, the next one)
//   throttle-backup  backup requests (is_backup_request reads) dropped without a reply (for ms, or
//              until heal), as a replica's backup-request throttling does

import type { Clock } from '../net/clock.ts';
import type { ServerNetwork } from '../net/network.ts';
import type { FaultRequest, FaultResult } from './faults.ts';
import type { MetaGroup } from './meta-group.ts';
import type { ReplicaServer } from './replica-server.ts';
import type { ServerProcess } from './server-process.ts';

export interface FaultTargets {
  readonly network: ServerNetwork;
  readonly clock: Clock;
  readonly metaGroup: MetaGroup;
  process(address: string): ServerProcess | undefined;
  replica(address: string): ReplicaServer | undefined;
  isMeta(address: string): boolean;
}

export class FaultInjector {
  private readonly processTimers = new Map<string, number>();
  private readonly linkTimers = new Map<string, number>();
  private readonly cutLinks = new Set<string>();

  constructor(private readonly targets: FaultTargets) {}

  isPartitioned(address: string): boolean {
    return this.cutLinks.has(address);
  }

  apply(request: FaultRequest): FaultResult {
    const { node, kind, ms } = request;
    const t = this.targets;
    const proc = t.process(node);
    if (proc === undefined) return { ok: false, error: `unknown node ${node}` };
    switch (kind) {
      case 'crash':
        this.cancelProcessTimer(node);
        if (proc.state === 'crashed') return { ok: false, error: `${node} is already down` };
        proc.crash();
        if (ms !== undefined) this.processTimer(node, ms, () => proc.start());
        return ok(`${node} crashed${ms !== undefined ? `; restarts in ${ms} ms` : ''}`);
      case 'hang':
        if (proc.state !== 'running') return { ok: false, error: `${node} is not running` };
        this.cancelProcessTimer(node);
        proc.hang();
        if (ms !== undefined) this.processTimer(node, ms, () => proc.resume());
        return ok(`${node} hung${ms !== undefined ? ` for ${ms} ms` : ''}`);
      case 'coredump':
        if (proc.state !== 'running') return { ok: false, error: `${node} is not running` };
        this.cancelProcessTimer(node);
        proc.hang();
        this.processTimer(node, ms ?? 0, () => proc.crash());
        return ok(`${node} dumping core: hangs ${ms} ms, then crashes`);
      case 'restart':
        this.cancelProcessTimer(node);
        proc.crash();
        t.replica(node)?.clearBusy();
        t.replica(node)?.clearThrottleBackup();
        proc.start();
        return ok(`${node} restarted`);
      case 'partition':
        this.cancelLinkTimer(node);
        this.setLink(node, true);
        if (ms !== undefined) this.linkTimer(node, ms, () => this.setLink(node, false));
        return ok(`client link to ${node} cut${ms !== undefined ? ` for ${ms} ms` : ''}`);
      case 'heal':
        this.cancelLinkTimer(node);
        this.setLink(node, false);
        proc.setLatencyMs(0);
        t.replica(node)?.clearBusy();
        t.replica(node)?.clearThrottleBackup();
        if (proc.state === 'hung') {
          this.cancelProcessTimer(node);
          proc.resume();
        }
        return ok(`${node} healed`);
      case 'slow':
        proc.setLatencyMs(ms ?? 0);
        return ok(`${node} slowed by ${ms} ms per message`);
      case 'busy': {
        const replica = t.replica(node);
        if (replica === undefined)
          return { ok: false, error: `busy applies to replica servers; ${node} is a meta` };
        replica.setBusy(ms);
        return ok(`${node} answers ERR_BUSY${ms !== undefined ? ` for ${ms} ms` : ' until healed'}`);
      }
      case 'throttle-backup': {
        const replica = t.replica(node);
        if (replica === undefined)
          return { ok: false, error: `throttle-backup applies to replica servers; ${node} is a meta` };
        replica.setThrottleBackup(ms);
        return ok(`${node} drops backup requests${ms !== undefined ? ` for ${ms} ms` : ' until healed'}`);
      }
      case 'leader': {
        if (!t.isMeta(node))
          return { ok: false, error: `leader applies to meta servers; ${node} is a replica` };
        const result = t.metaGroup.changeLeader(node, ms ?? 0);
        if ('error' in result) return { ok: false, error: result.error };
        return ok(`${result.leader} is the meta leader${ms ? `, not ready for ${ms} ms` : ''}`);
      }
    }
  }

  dispose(): void {
    for (const id of this.processTimers.values()) this.targets.clock.clearTimer(id);
    for (const id of this.linkTimers.values()) this.targets.clock.clearTimer(id);
    this.processTimers.clear();
    this.linkTimers.clear();
  }

  private setLink(node: string, down: boolean): void {
    if (down) this.cutLinks.add(node);
    else this.cutLinks.delete(node);
    this.targets.network.setClientLinkDown(node, down);
  }

  private processTimer(node: string, ms: number, fn: () => void): void {
    const id = this.targets.clock.setTimer(ms, () => {
      this.processTimers.delete(node);
      fn();
    });
    this.processTimers.set(node, id);
  }

  private cancelProcessTimer(node: string): void {
    const id = this.processTimers.get(node);
    if (id !== undefined) this.targets.clock.clearTimer(id);
    this.processTimers.delete(node);
  }

  private linkTimer(node: string, ms: number, fn: () => void): void {
    const id = this.targets.clock.setTimer(ms, () => {
      this.linkTimers.delete(node);
      fn();
    });
    this.linkTimers.set(node, id);
  }

  private cancelLinkTimer(node: string): void {
    const id = this.linkTimers.get(node);
    if (id !== undefined) this.targets.clock.clearTimer(id);
    this.linkTimers.delete(node);
  }
}

function ok(message: string): FaultResult {
  return { ok: true, message };
}
