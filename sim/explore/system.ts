// One explorable world: the onebox cluster and the real client core on the explorer's network, with
// the monitor attached. Built from the scope alone, so replaying a choice sequence from a fresh
// system reproduces a state exactly. Knows which steps are enabled; the explorer picks among them.
//
// Enabled steps in a state that is not terminal:
//   every delivery the network has (each connection direction's head packet, each pending RST);
//   the time step, if a timer is due within the horizon and either nothing is in flight but held
//     packets ('t'), or the path can still afford to hold every direction in flight ('T': each
//     newly held direction spends one delay; its packets may then arrive after any later timer);
//   each applicable fault of the menu, while the path has fault budget and now <= faultWindowMs.
// Terminal: every call settled, or nothing enabled (then an unsettled call is a by-deadline violation).
//
// What this covers: every order of packet deliveries at one instant (FIFO per connection direction,
// an RST before or after the data ahead of it), every position of a fault among them, faults at
// every timer instant up to faultWindowMs, and with a delay budget any packet stream arriving after
// any number of later timer instants (late replies, late requests on an abandoned connection).
// What it does not: packets take zero time unless held, so two deliveries are never separated by
// less than a whole timer instant and latency below a timer's granularity is not modelled; timers
// due at the same instant fire together in the order they were set (never interleaved with
// deliveries); packets are never lost or duplicated (no partition faults in the menus); the
// ownership history of answered-by-owner is not part of a state's description (two paths reaching
// one state with different histories are judged on the first); the
// workload, fault menu and cluster tuning are fixed per scope; states are merged on a 128-bit hash
// of their canonical description (describe()), in which queued work of a hung process and pending
// write callbacks count by number only.

import type { Cluster } from '../../onebox/index.ts';
import { callSpec } from '../call-specs.ts';
import { hash128 } from '../canon.ts';
import { Monitor } from '../monitor.ts';
import { SETTLE_SLACK_MS, TABLE, type Violation } from '../scenario.ts';
import { SimClient } from '../sim-client.ts';
import { changeTopology, checkDroppedFailFast, linearizableByIncarnation, Ownership } from '../topology.ts';
import { isTopologyFault } from '../workload.ts';
import type { Choice } from './choice.ts';
import { createClusterForExplore } from './cluster-setup.ts';
import { describeCluster } from './describe-cluster.ts';
import { ExploreNetwork } from './explore-network.ts';
import { checkLiveness, type InjectedFault } from './liveness.ts';
import type { ExploreFault, ExploreScope } from './scope.ts';

export class ExploreSystem {
  readonly net = new ExploreNetwork();
  readonly cluster: Cluster;
  readonly client: SimClient;
  readonly monitor: Monitor;
  readonly faults: InjectedFault[] = [];
  /** which partition owned which key when, across topology changes (sim/topology.ts) */
  readonly ownership: Ownership;
  delaysUsed = 0;
  /**
   * The client's text (core and monitor records) and the cluster's, as of the last describe(), or
   * null once a step may have changed them. The explorer's replay check (explorer.ts,
   * verifyReplay) compares every rebuilt state's fresh text with the cached one it was reached by.
   */
  private clientText: string | null = null;
  private clusterText: string | null = null;
  /** time after which nothing is explored: the last deadline, plus slack */
  private readonly horizonMs: number;

  constructor(
    readonly scope: ExploreScope,
    /** keep the client's and the cluster's text across steps that cannot change them (see clientText) */
    private readonly cacheText = true,
  ) {
    const { cluster, metas, replicas } = createClusterForExplore(this.net, scope);
    this.cluster = cluster;
    this.ownership = new Ownership(cluster.model, TABLE, () => this.net.nowMs());
    this.monitor = new Monitor(() => this.net.nowMs(), [...metas, ...replicas]);
    this.client = new SimClient(
      this.net,
      { metaServers: [...metas], seed: scope.seed, ...scope.client },
      { afterHandle: this.monitor.afterHandle },
    );
    this.horizonMs = Math.max(...scope.calls.map((c) => c.atMs + c.timeoutMs)) + SETTLE_SLACK_MS + 1;
    this.client.feed({ type: 'openTable', requestId: 1, table: TABLE, timeoutMs: 5000 });
    scope.calls.forEach((c, i) => {
      const issue = () => {
        this.monitor.issued(i + 1, c, this.net.nowMs());
        this.client.feed({ type: 'call', ...callSpec(i + 1, TABLE, c) });
      };
      // Calls at 0 go in before the first step; later ones on a timer (one more timer instant).
      if (c.atMs === 0) issue();
      else this.net.setTimer(c.atMs, issue);
    });
    this.check();
  }

  get terminal(): boolean {
    return this.allSettled || this.enabled().length === 0;
  }

  /** every call of the scope was issued (a later one waits for its timer) and settled */
  private get allSettled(): boolean {
    return this.monitor.calls.length === this.scope.calls.length && this.monitor.allSettled;
  }

  enabled(): Choice[] {
    if (this.allSettled) return [];
    const out: Choice[] = this.net.deliveries().map((d) => ({ type: 'deliver', ...d }));
    const next = this.net.nextTimerAtMs();
    if (next !== null && next <= this.horizonMs) {
      const unheld = this.net.unheldInFlight();
      if (unheld === 0) out.push({ type: 'time', late: false });
      else if (this.delaysUsed + unheld <= this.scope.maxDelays) out.push({ type: 'time', late: true });
    }
    if (this.faults.length < this.scope.maxFaults && this.net.nowMs() <= this.scope.faultWindowMs) {
      this.scope.faultMenu.forEach((f, index) => {
        if (this.applicable(f)) out.push({ type: 'fault', index });
      });
    }
    return out;
  }

  /** take one step; `check` false when replaying a prefix whose states were checked already */
  apply(choice: Choice, check = true): void {
    switch (choice.type) {
      case 'deliver':
        // A client->server packet runs server code only, a server->client one client code only:
        // the two sides share nothing but the network's queues (explore-network.ts), and neither
        // moves the clock, so the other side's text stays valid.
        if (choice.dir === 'c2s') this.clusterText = null;
        else this.clientText = null;
        this.net.deliver(choice);
        break;
      case 'time':
        this.clientText = null;
        this.clusterText = null;
        if (choice.late) {
          this.delaysUsed += this.net.unheldInFlight();
          this.net.holdInFlight();
        }
        this.net.fireTimers();
        break;
      case 'fault': {
        this.clientText = null;
        this.clusterText = null;
        const f = this.scope.faultMenu[choice.index];
        if (f === undefined) throw new Error(`explore: no fault ${choice.index} in the menu`);
        this.faults.push({ fault: f, atMs: this.net.nowMs() });
        const kind = f.kind;
        if (isTopologyFault(kind)) {
          if (!changeTopology(this.cluster, kind, this.scope.partitions).ok)
            throw new Error(`explore: ${kind} not applicable`);
          this.ownership.changed(kind);
          break;
        }
        const r = this.cluster.fault({
          node: this.address(f),
          kind,
          ...(f.ms === undefined ? {} : { ms: f.ms }),
        });
        if (!r.ok) throw new Error(`explore: fault ${choice.index} not applicable: ${r.error}`);
        break;
      }
    }
    if (check) this.check();
  }

  /** the safety invariants of this state (violations accumulate in the monitor) */
  private check(): void {
    this.monitor.checkState(this.client, this.cluster, this.net.wallSeconds());
  }

  /** end of a complete path: close the client, then the end-of-path safety and liveness checks */
  finish(): Violation[] {
    const now = this.net.nowMs();
    const out: Violation[] = [];
    const v = (invariant: string, detail: string) => out.push({ invariant, atMs: now, detail });
    for (const r of this.monitor.calls)
      if (r.settles === 0) v('by-deadline', `call ${r.callId} never settled (deadline ${r.deadlineMs})`);
    const lin = linearizableByIncarnation(this.monitor.calls, this.ownership.incarnations);
    if (!lin.ok) v('linearizable', `history of ${lin.register} is not linearizable`);
    out.push(...this.ownership.check(this.monitor.calls));
    out.push(...checkLiveness(this.scope, this.faults, this.monitor.calls, this.delaysUsed > 0, now));
    if (this.delaysUsed === 0) {
      const kinds = this.faults.map((f) => ({ kind: f.fault.kind }));
      out.push(...checkDroppedFailFast(kinds, this.monitor.calls, this.ownership.incarnations));
    }
    this.client.feed({ type: 'close' });
    const core = this.client.core;
    if (core.pendingCallIds().length > 0)
      v('nothing-leaks', `pending calls after close: ${core.pendingCallIds()}`);
    if (core.timerCount() > 0) v('nothing-leaks', `${core.timerCount()} timers after close`);
    if (this.client.openConnectionCount() > 0)
      v('nothing-leaks', `${this.client.openConnectionCount()} connections after close`);
    return [...this.monitor.violations, ...out];
  }

  /** canonical text of the whole state (what the fingerprint hashes) */
  describe(): string {
    const out: string[] = [];
    const faulted = [...new Set(this.faults.map((f) => this.address(f.fault)))].sort();
    const lastFault = this.faults.length === 0 ? '-' : this.faults[this.faults.length - 1]!.atMs;
    out.push(`budget f${this.faults.length} d${this.delaysUsed} faulted=${faulted.join(',')}@${lastFault}`);
    this.net.describe(out);
    if (!this.cacheText) {
      this.clientText = null;
      this.clusterText = null;
    }
    if (this.clientText === null) {
      const client = this.client.core.describe();
      this.monitor.describe(client);
      this.clientText = client.join('\n');
    }
    if (this.clusterText === null) {
      const cluster: string[] = [];
      describeCluster(this.cluster, this.net.nowMs(), this.net.wallSeconds(), cluster);
      this.clusterText = cluster.join('\n');
    }
    out.push(this.clientText, this.clusterText);
    return out.join('\n');
  }

  /** 128 bits of the state's canonical text (sim/canon.ts hash128) */
  fingerprint(): string {
    return hash128(this.describe());
  }

  /** what this state shows of the machines (explorer coverage): leaf states, and outcomes at the end */
  coverage(into: Set<string>): void {
    const core = this.client.core;
    for (const id of core.pendingCallIds()) into.add(`call:${core.callState(id)}`);
    for (const a of [...this.cluster.metaAddresses, ...this.cluster.replicaAddresses]) {
      const h = core.nodeHealth(a);
      if (h !== null) into.add(`node:${h}`);
    }
    into.add(`routing:${core.routingState(TABLE)}`);
    for (const r of this.monitor.calls) {
      if (r.settles === 0) continue;
      into.add(`settle:${r.op}:${r.ok === true ? 'ok' : r.code}${r.outcomeUnknown ? ':unknown' : ''}`);
    }
    for (const f of this.faults)
      into.add(`fault:${f.fault.meta === true && f.fault.kind !== 'leader' ? 'meta-' : ''}${f.fault.kind}`);
    for (const o of this.monitor.outcomes) into.add(`attempt:${o}`);
  }

  /** a fault's target address */
  address(f: ExploreFault): string {
    if (isTopologyFault(f.kind)) return TABLE;
    const list = f.meta === true ? this.cluster.metaAddresses : this.cluster.replicaAddresses;
    const a = list[f.node];
    if (a === undefined) throw new Error(`explore: no ${f.meta === true ? 'meta' : 'replica'} ${f.node}`);
    return a;
  }

  private applicable(f: ExploreFault): boolean {
    if (isTopologyFault(f.kind)) {
      const table = this.cluster.model.liveTable(TABLE);
      switch (f.kind) {
        case 'split':
          return table !== undefined && table.split === undefined;
        case 'cancelSplit':
          return table?.split !== undefined && !table.split.phases.includes('registered');
        case 'drop':
          return table !== undefined && table.split === undefined;
        case 'recreate':
          return table === undefined;
      }
    }
    const address = this.address(f);
    const state = this.cluster.process(address)?.state;
    switch (f.kind) {
      case 'leader': {
        // the onebox refuses a change with no running meta to take over (meta-group.ts)
        const g = this.cluster.metaGroup;
        if (!g.isLeader(address)) return state === 'running';
        return this.cluster.metaAddresses.some(
          (a) => a !== address && this.cluster.process(a)?.state === 'running',
        );
      }
      case 'crash':
        return state !== 'crashed';
      case 'hang':
        return state === 'running';
      case 'partition':
        return !this.cluster.faults.isPartitioned(address);
      default:
        return true;
    }
  }
}
