// Time as the onebox server logic sees it. The same cluster code runs on the real clock (TCP) and on
// the simulated network's virtual clock, so nothing in onebox/cluster may read Date.now or call
// setTimeout directly.

export type TimerHandle = number;

export interface TimerOptions {
  /**
   * A daemon timer is background housekeeping (beacons, failure-detector ticks). It does not keep
   * `SimNetwork.runUntilIdle()` running, just as an unref'd Node timer does not keep a process alive.
   */
  daemon?: boolean;
}

export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  nowMs(): number;
  /** Wall-clock Unix seconds (may be fractional); TTLs are computed from it. */
  wallSeconds(): number;
  setTimer(delayMs: number, callback: () => void, options?: TimerOptions): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
