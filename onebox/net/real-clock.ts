// The Clock interface on real time (used with the TCP network). It remembers its timers so that
// dispose() can cancel every one of them when the onebox shuts down.

import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle, TimerOptions } from './clock.ts';

export class RealClock implements Clock {
  private readonly timers = new Map<TimerHandle, NodeJS.Timeout>();
  private nextId = 1;
  private disposed = false;

  nowMs(): number {
    return performance.now();
  }

  wallSeconds(): number {
    return Date.now() / 1000;
  }

  setTimer(delayMs: number, callback: () => void, options?: TimerOptions): TimerHandle {
    const id = this.nextId++;
    if (this.disposed) return id;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, delayMs),
    );
    // Background timers must not keep a test process alive on their own.
    if (options?.daemon === true) timer.unref();
    this.timers.set(id, timer);
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    const timer = this.timers.get(handle);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(handle);
  }

  /** Cancel every pending timer; later setTimer calls are ignored. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
