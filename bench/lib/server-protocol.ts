// The line protocol between the bench and its onebox child (bench/server.ts): one JSON object per
// line on the child's stdin (commands) and stdout (replies and cluster events).
import type { ClusterState, FaultRequest, FaultResult } from '../../onebox/index.ts';

export type ServerCommand =
  | { id: number; cmd: 'state' }
  | { id: number; cmd: 'cpu' }
  | { id: number; cmd: 'now' }
  | { id: number; cmd: 'fault'; fault: FaultRequest };

export interface CpuSample {
  user: number;
  system: number;
  /** epoch ms when sampled */
  at: number;
}

export type ServerMessage =
  | { type: 'ready'; metas: string[]; replicas: string[]; control: string; pid: number }
  | { type: 'reply'; id: number; state: ClusterState }
  | { type: 'reply'; id: number; cpu: CpuSample }
  | { type: 'reply'; id: number; now: number }
  | { type: 'reply'; id: number; fault: FaultResult }
  /** a partition configuration change on the meta (ballot + 1), at epoch ms */
  | {
      type: 'config';
      at: number;
      appId: number;
      index: number;
      ballot: number;
      primary: string;
      previousPrimary: string;
      reason: string;
    }
  /** a replica process changed state (running, hung, crashed), at epoch ms */
  | { type: 'process'; at: number; address: string; state: string };

/** what the child needs to know to start its onebox */
export interface ServerSpec {
  replicas: number;
  partitions: number;
  table: string;
  detectMs?: number;
}
