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
  /**
   * reads only: also send the read to one secondary as a backup request (header v1), after
   * `delayMs` without a reply (null: never on a timer) or at once while the primary is suspect or
   * not connected (`onSuspect`). Absent: no backup requests, no connections to secondaries.
   */
  hedge?: HedgeSpec;
  /**
   * send every attempt to this node, whatever the routes say: a call that continues server-side state
   * living on one replica (a scanner's context). Absent: the partition's primary.
   */
  pinnedNode?: string;
}

/** What a scanner reads, fixed when it is created (validated by the public API). */
export interface ScannerSpec {
  readonly table: string;
  /** hash scan: the partition hash of its hash key; null for a full-table scan */
  readonly hashScanHash: bigint | null;
  /** full scans: partition indexes under `partitionCount`, in reading order */
  readonly partitions: readonly number[];
  readonly partitionCount: number;
  readonly startKey: Buffer;
  readonly stopKey: Buffer;
  readonly startInclusive: boolean;
  readonly stopInclusive: boolean;
  readonly batchSize: number;
  readonly noValue: boolean;
  readonly returnExpireTs: boolean;
  readonly hashKeyFilterType: number;
  readonly hashKeyFilterPattern: Buffer;
  readonly sortKeyFilterType: number;
  readonly sortKeyFilterPattern: Buffer;
  readonly batchTimeoutMs: number;
}

/** One record a scanner yields: its full key (length-prefixed hash key, then sort key) and value. */
export interface ScanRecord {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly expireTs?: number;
}

/** A batch a scanner hands its consumer (the result of a scanNext). */
export interface ScanBatch {
  readonly records: ScanRecord[];
  /** true: the scan is complete (records is then empty) */
  readonly done: boolean;
}

/** When a hedged read sends its backup request (CallSpec.hedge). */
export interface HedgeSpec {
  delayMs: number | null;
  onSuspect: boolean;
}

export type CoreEvent =
  | { type: 'openTable'; requestId: number; table: string; timeoutMs: number }
  | ({ type: 'call' } & CallSpec)
  | { type: 'abort'; callId: number; error: string }
  /**
   * the consumer of scanner `scannerId` wants its next batch; it settles as call `callId` with a
   * ScanBatch. The first one carries the spec and creates the scanner.
   */
  | { type: 'scanNext'; callId: number; scannerId: number; spec?: ScannerSpec }
  /** the consumer stops: the server's context is cleared; a batch it waits for fails with `error` */
  | { type: 'scanClose'; scannerId: number; error: string }
  /** the caller gave up on an openTable: it settles with `error` (the table's refresh goes on) */
  | { type: 'abortOpen'; requestId: number; table: string; error: string }
  | { type: 'connected'; address: string }
  | { type: 'data'; address: string; bytes: Uint8Array }
  /** `code`: the system's error code when there is one (ECONNREFUSED, ENOTFOUND, ETIMEDOUT...) */
  | { type: 'connectionLost'; address: string; reason: ConnectionLossReason; code?: string }
  /** the driver's timer fired (or any moment: due timers fire) */
  | { type: 'tick' }
  | { type: 'close' };
