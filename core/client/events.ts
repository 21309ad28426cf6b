// Everything that can happen to the client core. Time is part of every event (monotonic ms).
import type { RpcArgs, RpcName } from '../wire/types.ts';

export type ConnectionLossReason = 'reset' | 'refused' | 'closed' | 'error';

export interface CallSpec<N extends RpcName = RpcName> {
  callId: number;
  table: string;
  rpc: N;
  args: RpcArgs<N>;
  /** CRC64 of the hash key: picks the partition and travels in the header */
  partitionHash: bigint;
  idempotent: boolean;
  timeoutMs: number;
  /** reads only: let a secondary serve it (header v1 flag) */
  backupRequest?: boolean;
  /**
   * send every attempt to this node, whatever the routes say: a call that continues server-side state
   * living on one replica (a scanner's context). Absent: the partition's primary.
   */
  pinnedNode?: string;
}

export type CoreEvent =
  | { type: 'openTable'; requestId: number; table: string; timeoutMs: number }
  | ({ type: 'call' } & CallSpec)
  | { type: 'abort'; callId: number; error: string }
  /** the caller gave up on an openTable: it settles with `error` (the table's refresh goes on) */
  | { type: 'abortOpen'; requestId: number; table: string; error: string }
  | { type: 'connected'; address: string }
  | { type: 'data'; address: string; bytes: Uint8Array }
  /** `code`: the system's error code when there is one (ECONNREFUSED, ENOTFOUND, ETIMEDOUT...) */
  | { type: 'connectionLost'; address: string; reason: ConnectionLossReason; code?: string }
  /** the driver's timer fired (or any moment: due timers fire) */
  | { type: 'tick' }
  | { type: 'close' };
