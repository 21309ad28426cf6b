// A whole onebox cluster: meta servers, replica servers, replication, failure detection and fault
// injection, wired over any ServerNetwork and Clock. Deterministic on the simulated network: all time
// and randomness come from the injected clock (no Date.now, setTimeout or Math.random here).

import type { Clock } from '../net/clock.ts';
import type { ServerNetwork } from '../net/network.ts';
import { ClusterModel, type TableRecord } from './cluster-model.ts';
import { FailureDetector } from './failure-detector.ts';
import { FaultInjector } from './fault-injector.ts';
import type { FaultRequest, FaultResult } from './faults.ts';
import { MetaGroup } from './meta-group.ts';
import { MetaServer } from './meta-server.ts';
import { type ClusterTuning, type ResolvedTuning, resolveTuning, type TableSpec } from './options.ts';
import { PartitionGuardian } from './partition-guardian.ts';
import { PartitionSplitter } from './partition-split.ts';
import type { ServerInfo } from './remote-command.ts';
import { ReplicaServer } from './replica-server.ts';
import { Replication } from './replication.ts';
import { type ProcessLimits, ServerProcess } from './server-process.ts';
import type { ClusterState } from './state.ts';
import type { SplitRequest, TableRequest, TopologyResult } from './topology-requests.ts';

export interface ClusterOptions extends ClusterTuning {
  metaAddresses: readonly string[];
  replicaAddresses: readonly string[];
  /** Tables created at start. */
  tables?: readonly TableSpec[];
  /** Where the servers write log lines (a connection closed for a bad or oversized frame). */
  log?: (line: string) => void;
}

export class Cluster {
  readonly tuning: ResolvedTuning;
  readonly model: ClusterModel;
  readonly metaGroup: MetaGroup;
  readonly replication: Replication;
  readonly detector: FailureDetector;
  readonly guardian: PartitionGuardian;
  readonly faults: FaultInjector;
  readonly splitter: PartitionSplitter;
  private readonly metaProcesses: ServerProcess[];
  private readonly replicaServers: ReplicaServer[];
  private readonly byAddress = new Map<string, ServerProcess>();
  private readonly replicaByAddress = new Map<string, ReplicaServer>();
  private tickTimer: number | undefined;
  private started = false;
  private stopped = false;

  constructor(
    network: ServerNetwork,
    private readonly clock: Clock,
    private readonly options: ClusterOptions,
  ) {
    const all = [...options.metaAddresses, ...options.replicaAddresses];
    if (options.metaAddresses.length < 1) throw new RangeError('a cluster needs at least one meta server');
    if (options.replicaAddresses.length < 1)
      throw new RangeError('a cluster needs at least one replica server');
    if (new Set(all).size !== all.length) throw new RangeError('node addresses must be distinct');
    this.tuning = resolveTuning(options);
    this.model = new ClusterModel(() => clock.nowMs());
    const limits: ProcessLimits = {
      maxRequestFrameBytes: this.tuning.maxRequestFrameBytes,
      maxBufferedBytes: this.tuning.maxBufferedBytes,
    };
    if (options.log !== undefined) limits.log = options.log;
    const info: ServerInfo = { startedAtWallSeconds: clock.wallSeconds() };
    this.metaProcesses = options.metaAddresses.map((a) => new ServerProcess(a, network, clock, limits));
    this.metaGroup = new MetaGroup(this.metaProcesses, clock, this.tuning);
    this.detector = new FailureDetector(options.replicaAddresses, clock, this.tuning.detectMs);
    const node = (a: string) => this.replicaByAddress.get(a);
    this.replication = new Replication(this.model, node, clock, this.tuning);
    this.guardian = new PartitionGuardian(
      this.model,
      this.detector,
      this.metaGroup,
      options.replicaAddresses,
      node,
      clock,
      this.tuning,
    );
    this.replication.setAuthority(this.guardian);
    this.metaGroup.onLeaderChange(() => this.detector.grantFreshLeases());

    for (const p of this.metaProcesses) {
      this.byAddress.set(p.address, p);
      p.setHandler(
        new MetaServer(p.address, this.metaGroup, this.model, {
          createTable: (name, partitionCount, replicaCount) =>
            this.createTable(name, partitionCount, replicaCount),
          dropTable: (name) => this.dropTable(name),
          lastCommittedDecree: (appId, index) => {
            const primary = this.model.partition(appId, index)?.primary ?? '';
            return this.replicaByAddress.get(primary)?.store(appId, index)?.lastDecree ?? 0n;
          },
          replicaNodes: () =>
            options.replicaAddresses.map((address) => ({ address, alive: this.detector.isAlive(address) })),
          info,
        }),
      );
    }
    this.replicaServers = options.replicaAddresses.map((address, i) => {
      const proc = new ServerProcess(address, network, clock, limits);
      this.byAddress.set(address, proc);
      const server = new ReplicaServer(
        address,
        i,
        proc,
        clock,
        this.model,
        this.replication,
        this.tuning,
        (a) => this.guardian.onBeacon(a),
        info,
      );
      this.replicaByAddress.set(address, server);
      return server;
    });
    this.splitter = new PartitionSplitter(
      this.model,
      this.metaGroup,
      options.replicaAddresses,
      node,
      this.replication,
      clock,
      this.tuning,
    );
    this.faults = new FaultInjector({
      network,
      clock,
      metaGroup: this.metaGroup,
      process: (a) => this.byAddress.get(a),
      replica: (a) => this.replicaByAddress.get(a),
      isMeta: (a) => options.metaAddresses.includes(a),
    });
  }

  get metaAddresses(): readonly string[] {
    return this.options.metaAddresses;
  }

  get replicaAddresses(): readonly string[] {
    return this.options.replicaAddresses;
  }

  /** Start every process, elect a leader, create the initial tables, start failure detection. */
  start(): void {
    if (this.started) throw new Error('cluster already started');
    this.started = true;
    for (const p of this.metaProcesses) p.start();
    for (const r of this.replicaServers) r.process.start();
    this.metaGroup.start();
    for (const t of this.options.tables ?? []) {
      this.createTable(t.name, t.partitionCount, t.replicaCount ?? 3);
    }
    const tick = () => {
      this.tickTimer = undefined;
      if (this.stopped) return;
      this.guardian.tick();
      this.tickTimer = this.clock.setTimer(this.tuning.beaconMs, tick, { daemon: true });
    };
    this.tickTimer = this.clock.setTimer(this.tuning.beaconMs, tick, { daemon: true });
  }

  /** Create a table now (also what RPC_CM_CREATE_APP does). Replica count is capped by the node count. */
  createTable(name: string, partitionCount: number, replicaCount: number): TableRecord {
    if (!Number.isInteger(partitionCount) || partitionCount <= 0) {
      throw new RangeError(`partition count must be a positive integer: ${partitionCount}`);
    }
    // Only nodes the meta believes alive get replicas, as the real meta places them: a partition
    // created on a dead node would have no primary until that node came back (the soak saw a
    // recreated table stay unavailable after a core dump). None alive: place on all.
    const alive = this.options.replicaAddresses.filter((a) => this.detector.isAlive(a));
    const table = this.model.createTable(
      name,
      partitionCount,
      Math.max(1, replicaCount),
      alive.length > 0 ? alive : this.options.replicaAddresses,
      this.clock.wallSeconds(),
    );
    table.partitions.forEach((config, index) => {
      for (const member of [config.primary, ...config.secondaries]) {
        this.replicaByAddress.get(member)?.createEmptyStore(table.appId, index, partitionCount);
      }
    });
    return table;
  }

  dropTable(name: string): void {
    const table = this.model.dropTable(name, this.clock.wallSeconds());
    if (table === undefined) return;
    for (const r of this.replicaServers) r.dropStores(table.appId);
  }

  /** Start (or cancel) a partition split of a table; see partition-split.ts. */
  split(request: SplitRequest): TopologyResult {
    return request.cancel === true ? this.splitter.cancel(request.table) : this.splitter.start(request.table);
  }

  /**
   * Create or drop a table, as the meta's create_app / drop_app would (a recreated table gets a new
   * app_id; calls for the old one get ERR_OBJECT_NOT_FOUND from every replica server).
   */
  table(request: TableRequest): TopologyResult {
    const existing = this.model.liveTable(request.name);
    if (request.action === 'drop') {
      if (existing === undefined) return { ok: false, status: 404, error: `no table ${request.name}` };
      if (existing.split !== undefined) {
        return { ok: false, status: 409, error: `table ${request.name} is splitting (ERR_SPLITTING)` };
      }
      this.dropTable(request.name);
      return {
        ok: true,
        message: `table ${request.name} (app ${existing.appId}) dropped`,
        appId: existing.appId,
      };
    }
    if (existing !== undefined) {
      return { ok: false, status: 409, error: `table ${request.name} exists (app ${existing.appId})` };
    }
    const t = this.createTable(request.name, request.partitions ?? 8, request.replicas ?? 3);
    return {
      ok: true,
      message: `table ${t.name} created: app ${t.appId}, ${t.partitionCount} partitions`,
      appId: t.appId,
      partitionCount: t.partitionCount,
    };
  }

  fault(request: FaultRequest): FaultResult {
    return this.faults.apply(request);
  }

  /** The replica server object at `address` (tests inspect stores through it). */
  replica(address: string): ReplicaServer | undefined {
    return this.replicaByAddress.get(address);
  }

  process(address: string): ServerProcess | undefined {
    return this.byAddress.get(address);
  }

  state(): ClusterState {
    const tables = this.model.liveTables();
    return {
      nowMs: this.clock.nowMs(),
      leader: this.metaGroup.leader,
      metas: this.metaProcesses.map((p) => ({
        address: p.address,
        process: p.state,
        leader: this.metaGroup.isLeader(p.address),
        ready: this.metaGroup.isReady(p.address),
        partitioned: this.faults.isPartitioned(p.address),
        latencyMs: p.latencyMs,
        connections: p.connectionCount,
        bufferedBytes: p.bufferedBytes,
        badFrameCloses: p.badFrameCloseCount,
      })),
      replicas: this.replicaServers.map((r) => {
        let primaryCount = 0;
        let secondaryCount = 0;
        for (const t of tables) {
          for (const c of t.partitions) {
            if (c.primary === r.address) primaryCount++;
            else if (c.secondaries.includes(r.address)) secondaryCount++;
          }
        }
        return {
          address: r.address,
          process: r.process.state,
          aliveInMeta: this.detector.isAlive(r.address),
          partitioned: this.faults.isPartitioned(r.address),
          latencyMs: r.process.latencyMs,
          busy: r.busy,
          connections: r.process.connectionCount,
          bufferedBytes: r.process.bufferedBytes,
          badFrameCloses: r.process.badFrameCloseCount,
          primaryCount,
          secondaryCount,
          throttlingBackup: r.throttlingBackup,
          backupRequests: { ...r.backupRequests },
        };
      }),
      tables: tables.map((t) => ({
        name: t.name,
        appId: t.appId,
        partitionCount: t.partitionCount,
        maxReplicaCount: t.maxReplicaCount,
        validatePartitionHash: t.validatePartitionHash,
        ...(t.split === undefined
          ? {}
          : {
              split: {
                fromPartitionCount: t.split.fromCount,
                startedAtMs: t.split.startedAtMs,
                parents: t.split.phases.map((phase, index) => ({
                  index,
                  child: index + t.split!.fromCount,
                  phase,
                })),
              },
            }),
        partitions: t.partitions.map((c, index) => ({
          index,
          ballot: Number(c.ballot),
          primary: c.primary,
          secondaries: [...c.secondaries],
          lastDrops: [...c.lastDrops],
          lastCommittedDecree: Number(
            this.replicaByAddress.get(c.primary)?.store(t.appId, index)?.lastDecree ?? 0n,
          ),
        })),
      })),
      configChanges: this.model.history.length,
      pendingWrites: this.replication.pendingCount,
    };
  }

  /** Stop everything: processes crash (sockets reset), timers are cancelled. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tickTimer !== undefined) this.clock.clearTimer(this.tickTimer);
    for (const r of this.replicaServers) r.process.crash();
    for (const p of this.metaProcesses) p.crash();
    // After the crashes: they would otherwise schedule elections and reconfigurations.
    for (const r of this.replicaServers) r.dispose();
    this.faults.dispose();
    this.splitter.dispose();
    this.guardian.dispose();
    this.metaGroup.dispose();
    this.replication.dispose();
  }
}
