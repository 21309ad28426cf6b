// Tunables of a onebox cluster. Defaults follow the real Pegasus defaults where one exists
// (failure detection ~20 s, prepare timeout 1 s, 1 MiB write limit); tests pass smaller values.

export interface TableSpec {
  name: string;
  partitionCount: number;
  /** Default min(3, replica server count). */
  replicaCount?: number;
}

export interface ClusterTuning {
  /** Meta declares a replica server dead this long after its last beacon (real default ~20 s). */
  detectMs?: number;
  /** Replica beacon period, also the meta's failure-detector check period (default detectMs/5, max 3 s). */
  beaconMs?: number;
  /** Between "primary removed" (ballot+1) and "secondary promoted" (ballot+1). Default 100 ms. */
  promoteDelayMs?: number;
  /** Time a node needs to learn (copy) a partition before joining as secondary. Default 50 ms. */
  learnMs?: number;
  /** A secondary that has not applied a write after this long is removed by the primary. Default 1000 ms. */
  prepareTimeoutMs?: number;
  /** After the leader meta dies or hangs, another meta takes over after this long. Default detectMs. */
  metaFailoverMs?: number;
  /** max_allowed_write_size: larger write bodies get ERR_INVALID_DATA. Default 1 MiB. */
  maxWriteBytes?: number;
  /** Writes need at least this many members (primary included), else ERR_NOT_ENOUGH_MEMBER. Default 2. */
  minWriteReplicas?: number;
  /** Partition split: from the split's start until the first child registers. Default 1000 ms. */
  splitMs?: number;
  /**
   * Partition split: each parent's switch-over (its primary answers ERR_SPLITTING) lasts this long,
   * and the parents switch one after the other. Default 20 ms.
   */
  splitSwitchMs?: number;
  /**
   * Largest request frame a server accepts; a connection announcing a larger one is closed (the real
   * server has no limit; a test double must not buffer without bound). Default 16 MiB.
   */
  maxRequestFrameBytes?: number;
  /** Bytes of incomplete frames one server process holds over all its connections. Default 64 MiB. */
  maxBufferedBytes?: number;
}

export interface ResolvedTuning {
  detectMs: number;
  beaconMs: number;
  promoteDelayMs: number;
  learnMs: number;
  prepareTimeoutMs: number;
  metaFailoverMs: number;
  maxWriteBytes: number;
  minWriteReplicas: number;
  splitMs: number;
  splitSwitchMs: number;
  maxRequestFrameBytes: number;
  maxBufferedBytes: number;
}

export const DEFAULT_DETECT_MS = 20_000;
export const DEFAULT_MAX_WRITE_BYTES = 1 << 20;
export const DEFAULT_SPLIT_MS = 1000;
export const DEFAULT_MAX_REQUEST_FRAME_BYTES = 16 << 20;
export const DEFAULT_MAX_BUFFERED_BYTES = 64 << 20;

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative number, got ${v}`);
  return v;
}

export function resolveTuning(t: ClusterTuning = {}): ResolvedTuning {
  const detectMs = positive('detectMs', t.detectMs, DEFAULT_DETECT_MS);
  if (detectMs <= 0) throw new RangeError('detectMs must be > 0');
  const beaconMs = positive('beaconMs', t.beaconMs, Math.min(3000, Math.max(1, Math.round(detectMs / 5))));
  if (beaconMs <= 0) throw new RangeError('beaconMs must be > 0');
  return {
    detectMs,
    beaconMs,
    promoteDelayMs: positive('promoteDelayMs', t.promoteDelayMs, 100),
    learnMs: positive('learnMs', t.learnMs, 50),
    prepareTimeoutMs: positive('prepareTimeoutMs', t.prepareTimeoutMs, 1000),
    metaFailoverMs: positive('metaFailoverMs', t.metaFailoverMs, detectMs),
    maxWriteBytes: positive('maxWriteBytes', t.maxWriteBytes, DEFAULT_MAX_WRITE_BYTES),
    minWriteReplicas: positive('minWriteReplicas', t.minWriteReplicas, 2),
    splitMs: positive('splitMs', t.splitMs, DEFAULT_SPLIT_MS),
    splitSwitchMs: positive('splitSwitchMs', t.splitSwitchMs, 20),
    maxRequestFrameBytes: positive(
      'maxRequestFrameBytes',
      t.maxRequestFrameBytes,
      DEFAULT_MAX_REQUEST_FRAME_BYTES,
    ),
    maxBufferedBytes: positive('maxBufferedBytes', t.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES),
  };
}
