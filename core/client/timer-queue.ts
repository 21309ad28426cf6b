// All of the core's timers in one min-heap: the driver needs only the earliest deadline.
// Cancelling marks an entry dead instead of searching the heap; dead entries are dropped when they
// surface, and the heap is rebuilt when they dominate, so cancel-heavy workloads stay bounded.

export interface TimerEntry<T> {
  dueMs: number;
  /** insertion order breaks ties, so equal deadlines fire in the order they were set */
  seq: number;
  payload: T;
  cancelled: boolean;
}

export class TimerQueue<T> {
  private heap: TimerEntry<T>[] = [];
  private seq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  add(dueMs: number, payload: T): TimerEntry<T> {
    const entry: TimerEntry<T> = { dueMs, seq: this.seq++, payload, cancelled: false };
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    this.live++;
    return entry;
  }

  cancel(entry: TimerEntry<T>): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    this.live--;
    if (this.heap.length > 64 && this.live * 2 < this.heap.length) this.compact();
  }

  /** earliest live deadline, or null when no timer is set */
  nextDueMs(): number | null {
    this.dropCancelledTop();
    return this.heap[0]?.dueMs ?? null;
  }

  /** removes and returns the earliest live entry due at or before nowMs */
  popDue(nowMs: number): TimerEntry<T> | null {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined || top.dueMs > nowMs) return null;
    this.popTop();
    top.cancelled = true;
    this.live--;
    return top;
  }

  clear(): void {
    for (const e of this.heap) e.cancelled = true;
    this.heap = [];
    this.live = 0;
  }

  private dropCancelledTop(): void {
    while (this.heap[0]?.cancelled) this.popTop();
  }

  private popTop(): void {
    const last = this.heap.pop();
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => !e.cancelled);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private less(a: TimerEntry<T>, b: TimerEntry<T>): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const e = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!this.less(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!this.less(child, e)) break;
      h[i] = child;
      i = c;
    }
    h[i] = e;
  }
}
