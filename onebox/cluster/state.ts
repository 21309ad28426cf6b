// A JSON-friendly snapshot of the cluster (GET /state, Onebox.state()). Ballots and decrees are
// numbers here: they stay far below 2^53 in a onebox.

import type { SplitPhase } from './cluster-model.ts';
import type { BackupRequestCounts } from './replica-server.ts';
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
  /** bytes held for its connections: incomplete frames and received-but-unprocessed chunks */
  bufferedBytes: number;
  /** connections closed for a malformed, oversized or over-budget frame since start */
  badFrameCloses: number;
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
  bufferedBytes: number;
  badFrameCloses: number;
  primaryCount: number;
  secondaryCount: number;
  /** fault "throttle-backup" in force: backup requests are dropped without a reply */
  throttlingBackup: boolean;
  /** reads with is_backup_request this node served, dropped, refused; writes that carried the flag */
  backupRequests: BackupRequestCounts;
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

export interface SplitState {
  fromPartitionCount: number;
  startedAtMs: number;
  /** per parent: copying (serves its child's keys), switching (ERR_SPLITTING), registered */
  parents: Array<{ index: number; child: number; phase: SplitPhase }>;
}

export interface TableState {
  name: string;
  appId: number;
  /** doubled while a split runs (children with ballot -1 included) */
  partitionCount: number;
  maxReplicaCount: number;
  /** replicas check request partition hashes (set by the table's first split, kept after it) */
  validatePartitionHash: boolean;
  /** present while a split runs */
  split?: SplitState;
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
