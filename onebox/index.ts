// Public surface of the onebox: a Pegasus-compatible test double (meta + replica servers speaking
// the real wire protocol) over real TCP or a deterministic simulated network, with fault injection.
// It is a test and demo backend, not a storage product.

export { Cluster, type ClusterOptions } from './cluster/cluster.ts';
export type {
  ConfigChange,
  PartitionConfig,
  SplitPhase,
  TableRecord,
  TableSplit,
} from './cluster/cluster-model.ts';
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultRequest,
  type FaultResult,
  NODE_FAULT_KINDS,
  parseFaultRequest,
} from './cluster/faults.ts';
export type { ClusterTuning, TableSpec } from './cluster/options.ts';
export type { BackupRequestCounts } from './cluster/replica-server.ts';
export type { ProcessState } from './cluster/server-process.ts';
export type {
  ClusterState,
  MetaNodeState,
  PartitionState,
  ReplicaNodeState,
  SplitState,
  TableState,
} from './cluster/state.ts';
export {
  parseSplitRequest,
  parseTableRequest,
  type SplitRequest,
  type TableRequest,
  type TopologyResult,
} from './cluster/topology-requests.ts';
export { type ControlServer, startControlServer } from './control/http.ts';
export {
  DEFAULT_TABLE,
  type OneboxLayout,
  REAL_META_PORT,
  REAL_REPLICA_PORT,
  type TableDirectory,
} from './layout.ts';
export type { Clock, TimerHandle, TimerOptions } from './net/clock.ts';
export type { CloseKind } from './net/network.ts';
export { RealClock } from './net/real-clock.ts';
export { SeededRandom } from './net/seeded-random.ts';
export { formatSimEvent, type SimEvent, type SimEventHook, type SimEventType } from './net/sim-events.ts';
export {
  type SimClientConnection,
  type SimClientHandlers,
  SimNetwork,
  type SimNetworkOptions,
} from './net/sim-network.ts';
export { createSimOnebox, type SimOnebox, type SimOneboxOptions } from './sim-onebox.ts';
export { type Onebox, startTcpOnebox, type TcpOneboxOptions } from './tcp-onebox.ts';
