// A onebox on the deterministic simulated network. Everything is synchronous: drive it with
// sim.step() / sim.runFor() / sim.runUntilTrue(); connect clients with sim.connect().

import { Cluster } from './cluster/cluster.ts';
import type { FaultRequest, FaultResult } from './cluster/faults.ts';
import type { ClusterTuning } from './cluster/options.ts';
import type { ClusterState } from './cluster/state.ts';
import type { SplitRequest, TableRequest, TopologyResult } from './cluster/topology-requests.ts';
import {
  type OneboxLayout,
  REAL_META_PORT,
  REAL_REPLICA_PORT,
  resolveLayout,
  type TableDirectory,
} from './layout.ts';
import { SimNetwork, type SimNetworkOptions } from './net/sim-network.ts';

export interface SimOneboxOptions extends OneboxLayout, ClusterTuning, SimNetworkOptions {
  /** Host part of every simulated node address (default 127.0.0.1; ports start at 34601 / 34801). */
  host?: string;
  /** Server log lines (a connection closed for a bad or oversized frame); default: dropped. */
  log?: (line: string) => void;
}

export interface SimOnebox {
  readonly sim: SimNetwork;
  readonly cluster: Cluster;
  readonly metas: readonly string[];
  readonly replicas: readonly string[];
  readonly tables: TableDirectory;
  fault(request: FaultRequest): FaultResult;
  /** Start or cancel a partition split: { table, cancel? }. */
  split(request: SplitRequest): TopologyResult;
  /** Create or drop a table: { name, action: 'create' | 'drop', partitions?, replicas? }. */
  table(request: TableRequest): TopologyResult;
  state(): ClusterState;
  /** Stop the cluster (its daemon timers end; client connections see resets). */
  close(): void;
}

export function createSimOnebox(options: SimOneboxOptions): SimOnebox {
  const layout = resolveLayout(options);
  const host = options.host ?? '127.0.0.1';
  const sim = new SimNetwork(options);
  const metas = Array.from({ length: layout.metas }, (_, i) => `${host}:${REAL_META_PORT + i}`);
  const replicas = Array.from({ length: layout.replicas }, (_, i) => `${host}:${REAL_REPLICA_PORT + i}`);
  const cluster = new Cluster(sim, sim, {
    ...options,
    metaAddresses: metas,
    replicaAddresses: replicas,
    tables: layout.tables,
  });
  cluster.start();
  const tables: TableDirectory = {};
  for (const t of cluster.model.liveTables())
    tables[t.name] = { appId: t.appId, partitionCount: t.partitionCount };
  return {
    sim,
    cluster,
    metas,
    replicas,
    tables,
    fault: (r) => cluster.fault(r),
    split: (r) => cluster.split(r),
    table: (r) => cluster.table(r),
    state: () => cluster.state(),
    close: () => cluster.stop(),
  };
}
