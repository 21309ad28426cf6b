// One time base for two processes: epoch milliseconds with sub-millisecond resolution. Both the
// bench and the onebox child derive it from their own monotonic clock plus its epoch origin, so
// timestamps taken in either process can be subtracted (error well under a millisecond on one host).
import { performance } from 'node:perf_hooks';

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** converts a reading of this process's performance.now() (the client driver's clock) to epoch ms */
export function perfToEpochMs(perfMs: number): number {
  return performance.timeOrigin + perfMs;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
