// A binary min-heap of scheduled events ordered by (time, insertion sequence): events due at the
// same virtual time run in the order they were scheduled, which keeps the simulation deterministic.

export interface ScheduledEvent {
  readonly atMs: number;
  readonly seq: number;
  /** Daemon events (background timers) do not keep runUntilIdle() going. */
  readonly daemon: boolean;
  cancelled: boolean;
  readonly run: () => void;
}

function before(x: ScheduledEvent, y: ScheduledEvent): boolean {
  return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
}

export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private nextSeq = 0;
  /** Live (not cancelled) non-daemon events still queued. */
  private foreground = 0;

  get size(): number {
    return this.heap.length;
  }

  get foregroundCount(): number {
    return this.foreground;
  }

  push(atMs: number, run: () => void, daemon = false): ScheduledEvent {
    const event: ScheduledEvent = { atMs, seq: this.nextSeq++, daemon, cancelled: false, run };
    if (!daemon) this.foreground++;
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    if (!event.daemon) this.foreground--;
  }

  /** Earliest live event, discarding cancelled ones on the way. */
  peek(): ScheduledEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.popTop();
    return this.heap[0];
  }

  pop(): ScheduledEvent | undefined {
    const top = this.peek();
    if (top === undefined) return undefined;
    this.popTop();
    if (!top.daemon) this.foreground--;
    // Mark consumed so a late cancel() does not double-count.
    top.cancelled = true;
    return top;
  }

  private popTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
