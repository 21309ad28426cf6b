// The Node shell around the sans-I/O core: sockets, one timer, a monotonic clock. It decides
// nothing: it feeds facts to the core and performs the commands the core returns, in order.
//
// Invariants:
// - core.handle is never re-entered: events that arise while commands run (a listener starting a
//   call, an abort) are queued and fed after the current batch.
// - the core never hears from a socket it asked to close or that a newer socket replaced.
// - the process is kept alive only while a call or a table open is pending.
import { performance } from 'node:perf_hooks';
import type { AttemptRecord } from '../core/client/commands.ts';
import type { ConnectionLossReason } from '../core/client/events.ts';
import {
  type CallFailure,
  type CallSpec,
  ClientCore,
  type CoreCommand,
  type CoreEvent,
  type CoreOptionsInput,
  type ObservedEvent,
} from '../core/client/index.ts';
import { watchAbort } from './abort-watch.ts';
import { type LinkSink, SocketLink } from './socket-link.ts';
import { type TraceHook, toPlain } from './trace.ts';
import { MAX_TIMEOUT_MS } from './validate.ts';

export type Settlement =
  | { ok: true; result: unknown; attempts: AttemptRecord[] }
  | { ok: false; failure: CallFailure };

export type OpenSettlement =
  | { ok: true; appId: number; partitionCount: number }
  | { ok: false; failure: CallFailure };

export interface DriverHooks {
  observe?: (event: ObservedEvent) => void;
  trace?: TraceHook;
}

export type DriverCallSpec = Omit<CallSpec, 'callId'>;

export class NodeDriver implements LinkSink {
  readonly core: ClientCore;
  private readonly links = new Map<string, SocketLink>();
  /** sockets destroyed but maybe not yet released by the OS */
  private readonly closing = new Set<SocketLink>();
  private readonly calls = new Map<number, (s: Settlement) => void>();
  private readonly opens = new Map<number, (s: OpenSettlement) => void>();
  private readonly queue: CoreEvent[] = [];
  private running = false;
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private timerDueMs: number | null = null;
  private refd = false;
  private closePromise: Promise<void> | null = null;
  /** writes produced by one handle(), per address, flushed as one batch */
  private readonly writes = new Map<string, Buffer[]>();
  private readonly observed: ObservedEvent[] = [];

  constructor(
    options: CoreOptionsInput,
    private readonly hooks: DriverHooks = {},
  ) {
    this.core = new ClientCore(options);
  }

  get isClosed(): boolean {
    return this.closePromise !== null;
  }

  /** `event.callId` is assigned here (the event object is handed to the core as it is: no copy) */
  call(event: Extract<CoreEvent, { type: 'call' }>, signal?: AbortSignal): Promise<Settlement> {
    const callId = this.nextId++;
    event.callId = callId;
    return new Promise<Settlement>((resolve) => {
      if (signal === undefined) {
        this.calls.set(callId, resolve);
      } else {
        const unwatch = watchAbort(signal, () => this.feed({ type: 'abort', callId, error: 'ERR_ABORTED' }));
        this.calls.set(callId, (s) => {
          unwatch();
          resolve(s);
        });
      }
      this.feed(event);
    });
  }

  openTable(table: string, timeoutMs: number, signal?: AbortSignal): Promise<OpenSettlement> {
    const requestId = this.nextId++;
    return new Promise<OpenSettlement>((resolve) => {
      if (signal === undefined) {
        this.opens.set(requestId, resolve);
      } else {
        const unwatch = watchAbort(signal, () =>
          this.feed({ type: 'abortOpen', requestId, table, error: 'ERR_ABORTED' }),
        );
        this.opens.set(requestId, (s) => {
          unwatch();
          resolve(s);
        });
      }
      this.feed({ type: 'openTable', requestId, table, timeoutMs });
    });
  }

  /** settles everything pending (the core does), disarms the timer and releases every socket */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.feed({ type: 'close' });
      // When close() is called from a listener inside the loop, the close event is fed after the
      // current batch: let that finish before waiting for the sockets.
      await null;
      await Promise.all([...this.closing].map((l) => l.closed));
    })();
    return this.closePromise;
  }

  // ---- socket facts (LinkSink) ----

  connected(link: SocketLink): void {
    if (this.links.get(link.address) === link) this.feed({ type: 'connected', address: link.address });
  }

  data(link: SocketLink, bytes: Buffer): void {
    if (this.links.get(link.address) === link) this.feed({ type: 'data', address: link.address, bytes });
  }

  lost(link: SocketLink, reason: ConnectionLossReason): void {
    this.closing.add(link);
    void link.closed.then(() => this.closing.delete(link));
    if (this.links.get(link.address) !== link) return;
    this.links.delete(link.address);
    this.feed({ type: 'connectionLost', address: link.address, reason });
  }

  // ---- the loop ----

  private feed(event: CoreEvent): void {
    this.queue.push(event);
    if (this.running) return;
    this.running = true;
    try {
      for (let e = this.queue.shift(); e !== undefined; e = this.queue.shift()) this.step(e);
    } finally {
      this.running = false;
    }
    this.armTimer();
    this.updateRefs();
  }

  private step(event: CoreEvent): void {
    const nowMs = performance.now();
    const trace = this.hooks.trace;
    if (trace !== undefined) safely(() => trace({ type: 'in', t: nowMs, event: toPlain(event) }));
    const commands = this.core.handle(event, nowMs);
    for (const cmd of commands) {
      if (trace !== undefined) safely(() => trace({ type: 'out', t: nowMs, cmd: toPlain(cmd) }));
      this.perform(cmd);
    }
    if (event.type === 'close') {
      this.flushWrites();
      this.teardown();
    } else if (this.writes.size > 0 && !this.flushQueued) {
      // One write per socket for everything the application started in this turn (a pipelined
      // loop issues many calls before yielding): far fewer syscalls than a write per call.
      this.flushQueued = true;
      queueMicrotask(this.flushQueuedWrites);
    }
    // Listeners run after the batch so whatever they start is queued behind it.
    const observe = this.hooks.observe;
    if (observe !== undefined && this.observed.length > 0) {
      for (const ev of this.observed.splice(0)) safely(() => observe(ev));
    }
  }

  private perform(cmd: CoreCommand): void {
    switch (cmd.type) {
      case 'connect': {
        this.flushWrites(cmd.address);
        const old = this.links.get(cmd.address);
        if (old !== undefined) this.destroyLink(old);
        this.links.set(cmd.address, new SocketLink(cmd.address, this, this.refd));
        break;
      }
      case 'send': {
        const list = this.writes.get(cmd.address);
        if (list === undefined) this.writes.set(cmd.address, [cmd.bytes]);
        else list.push(cmd.bytes);
        break;
      }
      case 'disconnect': {
        this.flushWrites(cmd.address);
        const link = this.links.get(cmd.address);
        if (link !== undefined) {
          this.links.delete(cmd.address);
          this.destroyLink(link);
        }
        break;
      }
      case 'settle': {
        const resolve = this.calls.get(cmd.callId);
        if (resolve === undefined) break;
        this.calls.delete(cmd.callId);
        resolve(
          cmd.ok
            ? { ok: true, result: cmd.result, attempts: cmd.attempts }
            : { ok: false, failure: cmd.failure },
        );
        break;
      }
      case 'tableOpened': {
        const resolve = this.opens.get(cmd.requestId);
        if (resolve === undefined) break;
        this.opens.delete(cmd.requestId);
        resolve(
          cmd.ok
            ? { ok: true, appId: cmd.config.app_id, partitionCount: cmd.config.partition_count }
            : { ok: false, failure: cmd.failure },
        );
        break;
      }
      case 'observe':
        this.observed.push(cmd.event);
        break;
    }
  }

  /** after the core closed: nothing may keep the process alive or talk to a server */
  private teardown(): void {
    this.disarmTimer();
    for (const link of this.links.values()) this.destroyLink(link);
    this.links.clear();
  }

  private flushQueued = false;
  private readonly flushQueuedWrites = (): void => {
    this.flushQueued = false;
    this.flushWrites();
  };

  private flushWrites(only?: string): void {
    if (only !== undefined) {
      const list = this.writes.get(only);
      if (list !== undefined) {
        this.writes.delete(only);
        this.links.get(only)?.write(list);
      }
      return;
    }
    for (const [address, list] of this.writes) this.links.get(address)?.write(list);
    this.writes.clear();
  }

  private destroyLink(link: SocketLink): void {
    link.destroy();
    this.closing.add(link);
    void link.closed.then(() => this.closing.delete(link));
  }

  // ---- the one timer ----

  private armTimer(): void {
    const due = this.core.nextTimerMs();
    if (due === null) {
      this.disarmTimer();
      return;
    }
    // An armed timer that fires no later than needed is kept: if it turns out early, the tick finds
    // nothing due and re-arms once. Re-arming whenever the earliest deadline moves later would cost
    // a clearTimeout + setTimeout per completed call.
    if (this.timer !== null && this.timerDueMs !== null && this.timerDueMs <= due) return;
    this.disarmTimer();
    // Rounded up: a timer that fires a fraction early would find nothing due and spin.
    const delayMs = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil(due - performance.now())));
    this.timerDueMs = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDueMs = null;
      this.feed({ type: 'tick' });
    }, delayMs);
    if (!this.refd) this.timer.unref();
  }

  private disarmTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerDueMs = null;
  }

  /** hold the event loop open only while somebody awaits a result */
  private updateRefs(): void {
    const want = this.calls.size + this.opens.size > 0;
    if (want === this.refd) return;
    this.refd = want;
    if (want) this.timer?.ref();
    else this.timer?.unref();
    for (const link of this.links.values()) link.setRef(want);
  }
}

/** a user hook must not break the driver's loop; its error is reported, not thrown into the core */
function safely(f: () => void): void {
  try {
    f();
  } catch (e) {
    process.emitWarning(
      `pegasus-ts: a trace or event listener threw: ${String(e)}`,
      'PegasusListenerWarning',
    );
  }
}
