// A JSON-friendly snapshot of the cluster (GET /state, Onebox.state()). Ballots and decrees are
// numbers here: they stay far below 2^53 in a onebox.

import type { ProcessState } from './server-process.ts';

export interface MetaNodeState {
  address: string;
  process: ProcessState;
  leader: boolean;
  /** Leader that answers requests (false while ERR_SERVICE_NOT_ACTIVE). */
  ready: boolean;
  partitioned: boolean;
  latencyMs: number;
  connections: number;
}

export interface ReplicaNodeState {
  address: string;
  process: ProcessState;
  /** Whether the meta's failure detector considers it alive. */
  aliveInMeta: boolean;
  partitioned: boolean;
  latencyMs: number;
  busy: boolean;
  connections: number;
  primaryCount: number;
  secondaryCount: number;
}

export interface PartitionState {
  index: number;
  ballot: number;
  primary: string;
  secondaries: string[];
  lastDrops: string[];
  /** The primary's last applied decree (0 without a primary). */
  lastCommittedDecree: number;
}

export interface TableState {
  name: string;
  appId: number;
  partitionCount: number;
  maxReplicaCount: number;
  partitions: PartitionState[];
}

export interface ClusterState {
  nowMs: number;
  leader: string;
  metas: MetaNodeState[];
  replicas: ReplicaNodeState[];
  tables: TableState[];
  /** Number of configuration changes since start. */
  configChanges: number;
  /** Writes applied on a primary and still waiting for secondaries. */
  pendingWrites: number;
}
