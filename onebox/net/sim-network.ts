// A deterministic in-memory network driven by a virtual clock and a seeded random source.
//
// Model: every connection has two directions; each direction delivers its packets in FIFO order
// after a random one-way delay drawn from [minDelayMs, maxDelayMs]. A reset (RST) skips the FIFO
// (it overtakes queued data, which is then discarded), as an abortive close does on a real host.
// Everything runs from one binary-heap event queue: no promises, no real timers, no Math.random.
// The same seed and the same calls produce the same event log, byte for byte.

import type { Clock, TimerHandle, TimerOptions } from './clock.ts';
import { EventQueue, type ScheduledEvent } from './event-queue.ts';
import { Listeners } from './listeners.ts';
import type {
  AcceptCallback,
  CloseKind,
  Listener,
  ServerConnection,
  ServerConnectionHandler,
  ServerNetwork,
} from './network.ts';
import { SeededRandom } from './seeded-random.ts';
import type { SimEvent, SimEventHook } from './sim-events.ts';

export interface SimNetworkOptions {
  seed: number;
  /** One-way packet delay range in virtual ms (defaults 0.05 .. 1). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Wall clock (Unix seconds) at virtual time 0; fixed by default so TTL maths is reproducible. */
  startWallSeconds?: number;
}

/** Callbacks of a simulated client endpoint. */
export interface SimClientHandlers {
  onOpen?(): void;
  onData(bytes: Uint8Array): void;
  /**
   * The connection ended: 'refused' (nobody listens), 'reset' (the server process died or aborted
   * it) or 'closed' (the server closed it gracefully). Never called after a local close().
   */
  onClose(kind: CloseKind): void;
}

/** A simulated client endpoint. Writes before the connection opens are queued behind the SYN. */
export interface SimClientConnection {
  readonly id: number;
  readonly localAddress: string;
  readonly remoteAddress: string;
  write(bytes: Uint8Array): void;
  /** Graceful, silent local close: no more callbacks; the server sees a FIN. */
  close(): void;
}

const DEFAULT_START_WALL_SECONDS = 1_700_000_000;

class SimConnection {
  // Client side: true once the client closed locally or learnt the connection ended.
  clientDone = false;
  // Server side: true once the server closed/reset locally or learnt the connection ended.
  serverDone = false;
  accepted = false;
  handler: ServerConnectionHandler | undefined;
  c2sLastAtMs = 0;
  s2cLastAtMs = 0;

  constructor(
    readonly id: number,
    readonly clientAddress: string,
    readonly serverAddress: string,
    readonly client: SimClientHandlers,
  ) {}
}

export class SimNetwork implements ServerNetwork, Clock {
  readonly random: SeededRandom;
  private readonly queue = new EventQueue();
  private now = 0;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly startWallSeconds: number;
  private readonly listeners = new Listeners();
  private readonly cutLinks = new Set<string>();
  private readonly timers = new Map<TimerHandle, ScheduledEvent>();
  private nextTimerId = 1;
  private nextConnId = 1;
  private readonly hooks: SimEventHook[] = [];
  private eventIndex = 0;
  private eventsRun = 0;

  constructor(options: SimNetworkOptions) {
    this.random = new SeededRandom(options.seed);
    this.minDelayMs = options.minDelayMs ?? 0.05;
    this.maxDelayMs = options.maxDelayMs ?? 1;
    if (!(this.minDelayMs >= 0 && this.maxDelayMs >= this.minDelayMs)) {
      throw new RangeError('SimNetwork: need 0 <= minDelayMs <= maxDelayMs');
    }
    this.startWallSeconds = options.startWallSeconds ?? DEFAULT_START_WALL_SECONDS;
  }

  // ---- Clock ----

  nowMs(): number {
    return this.now;
  }

  wallSeconds(): number {
    return this.startWallSeconds + this.now / 1000;
  }

  setTimer(delayMs: number, callback: () => void, options?: TimerOptions): TimerHandle {
    const id = this.nextTimerId++;
    const at = this.now + Math.max(0, delayMs);
    const event = this.queue.push(
      at,
      () => {
        this.timers.delete(id);
        this.emit({ type: 'timer', timerId: id });
        callback();
      },
      options?.daemon === true,
    );
    this.timers.set(id, event);
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    const event = this.timers.get(handle);
    if (event === undefined) return;
    this.timers.delete(handle);
    this.queue.cancel(event);
  }

  // ---- event loop ----

  /** Run the next event; false when nothing is scheduled. */
  step(): boolean {
    const event = this.queue.pop();
    if (event === undefined) return false;
    if (event.atMs > this.now) this.now = event.atMs;
    this.eventsRun++;
    event.run();
    return true;
  }

  /**
   * Run every event due at or before `timeMs` (absolute virtual time), then set the clock to it.
   * Throws after `maxEvents`, so a livelock (work that never lets time advance) cannot hang a run.
   */
  runUntil(timeMs: number, maxEvents = Number.POSITIVE_INFINITY): void {
    for (let n = 0; ; n++) {
      const next = this.queue.peek();
      if (next === undefined || next.atMs > timeMs) break;
      if (n >= maxEvents) {
        throw new Error(
          `SimNetwork.runUntil: ${maxEvents} events without reaching ${timeMs} ms (now ${this.now} ms)`,
        );
      }
      this.step();
    }
    if (timeMs > this.now) this.now = timeMs;
  }

  /** runUntil(now + durationMs). */
  runFor(durationMs: number, maxEvents?: number): void {
    this.runUntil(this.now + durationMs, maxEvents);
  }

  /**
   * Run until no foreground work is left (packets in flight, non-daemon timers). Daemon timers
   * (cluster beacons, failure-detector ticks) run on the way but do not keep the loop going.
   * Returns the number of events run; throws after `maxEvents` so a livelock cannot hang a test.
   */
  runUntilIdle(maxEvents = 10_000_000): number {
    let n = 0;
    while (this.queue.foregroundCount > 0) {
      if (n >= maxEvents) throw new Error(`SimNetwork.runUntilIdle: still busy after ${maxEvents} events`);
      this.step();
      n++;
    }
    return n;
  }

  /**
   * Run until `condition()` holds or `timeoutMs` of virtual time passed. Returns the condition's
   * final value. The clock ends at the moment the condition became true, or at the deadline.
   */
  runUntilTrue(condition: () => boolean, timeoutMs: number): boolean {
    const deadline = this.now + timeoutMs;
    while (!condition()) {
      const next = this.queue.peek();
      if (next === undefined || next.atMs > deadline) {
        if (deadline > this.now) this.now = deadline;
        return condition();
      }
      this.step();
    }
    return true;
  }

  /** Events run so far (for throughput measurements). */
  get eventCount(): number {
    return this.eventsRun;
  }

  /** Subscribe to the event log; returns an unsubscribe function. */
  onEvent(hook: SimEventHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  // ---- server side ----

  listen(address: string, accept: AcceptCallback, onError?: (error: Error) => void): Listener {
    return this.listeners.listen(address, accept, onError);
  }

  setClientLinkDown(address: string, down: boolean): void {
    if (down) this.cutLinks.add(address);
    else this.cutLinks.delete(address);
  }

  isClientLinkDown(address: string): boolean {
    return this.cutLinks.has(address);
  }

  // ---- client side ----

  /**
   * Open a client connection to `address`. `onOpen` fires once the server accepted it; if nobody
   * listens, `onClose('refused')`; if the link is cut, nothing at all happens (the SYN is lost and
   * the caller's own timer must give up).
   */
  connect(address: string, handlers: SimClientHandlers): SimClientConnection {
    const id = this.nextConnId++;
    const conn = new SimConnection(id, `127.0.0.2:${10000 + (id % 50000)}`, address, handlers);
    this.sendC2s(conn, 'syn');
    return {
      id,
      localAddress: conn.clientAddress,
      remoteAddress: address,
      write: (bytes: Uint8Array) => {
        if (conn.clientDone || bytes.length === 0) return;
        this.sendC2s(conn, 'data', Buffer.from(bytes));
      },
      close: () => {
        if (conn.clientDone) return;
        conn.clientDone = true;
        this.sendC2s(conn, 'fin');
      },
    };
  }

  // ---- packet delivery ----

  private delay(): number {
    if (this.maxDelayMs === this.minDelayMs) return this.minDelayMs;
    return this.random.floatBetween(this.minDelayMs, this.maxDelayMs);
  }

  private emit(partial: Omit<SimEvent, 'index' | 'atMs'>): void {
    if (this.hooks.length === 0) {
      this.eventIndex++;
      return;
    }
    const event: SimEvent = { index: this.eventIndex++, atMs: this.now, ...partial };
    for (const hook of this.hooks) hook(event);
  }

  private linkCut(conn: SimConnection): boolean {
    return this.cutLinks.has(conn.serverAddress);
  }

  private dropped(
    conn: SimConnection,
    direction: 'c2s' | 's2c',
    what: NonNullable<SimEvent['dropped']>,
  ): void {
    this.emit({ type: 'drop', connId: conn.id, direction, dropped: what });
  }

  private sendC2s(conn: SimConnection, kind: 'syn' | 'data' | 'fin', bytes?: Buffer): void {
    const at = Math.max(this.now + this.delay(), conn.c2sLastAtMs);
    conn.c2sLastAtMs = at;
    this.queue.push(at, () => this.deliverC2s(conn, kind, bytes));
  }

  private deliverC2s(conn: SimConnection, kind: 'syn' | 'data' | 'fin', bytes?: Buffer): void {
    if (this.linkCut(conn)) {
      this.dropped(conn, 'c2s', kind);
      return;
    }
    if (kind === 'syn') {
      const accept = this.listeners.acceptorOf(conn.serverAddress);
      if (accept === undefined) {
        this.sendS2c(conn, 'refused');
        return;
      }
      this.emit({ type: 'syn', connId: conn.id, direction: 'c2s' });
      conn.accepted = true;
      conn.handler = accept(this.serverEndpoint(conn));
      this.sendS2c(conn, 'open');
      return;
    }
    // Data or FIN for a connection the server already abandoned is silently discarded.
    if (!conn.accepted || conn.serverDone || conn.handler === undefined) return;
    if (kind === 'data') {
      this.emit({ type: 'data', connId: conn.id, direction: 'c2s', bytes: bytes! });
      conn.handler.onData(bytes!);
    } else {
      this.emit({ type: 'fin', connId: conn.id, direction: 'c2s' });
      conn.serverDone = true;
      conn.handler.onClose('closed');
    }
  }

  private serverEndpoint(conn: SimConnection): ServerConnection {
    return {
      id: conn.id,
      remoteAddress: conn.clientAddress,
      write: (bytes: Uint8Array) => {
        if (conn.serverDone || bytes.length === 0) return;
        this.sendS2c(conn, 'data', Buffer.from(bytes));
      },
      close: () => {
        if (conn.serverDone) return;
        conn.serverDone = true;
        this.sendS2c(conn, 'fin');
      },
      reset: () => {
        if (conn.serverDone) return;
        conn.serverDone = true;
        // An RST is not queued behind pending data: it overtakes it.
        this.queue.push(this.now + this.delay(), () => this.deliverS2c(conn, 'rst'));
      },
    };
  }

  private sendS2c(conn: SimConnection, kind: 'open' | 'refused' | 'data' | 'fin', bytes?: Buffer): void {
    const at = Math.max(this.now + this.delay(), conn.s2cLastAtMs);
    conn.s2cLastAtMs = at;
    this.queue.push(at, () => this.deliverS2c(conn, kind, bytes));
  }

  private deliverS2c(
    conn: SimConnection,
    kind: 'open' | 'refused' | 'data' | 'fin' | 'rst',
    bytes?: Buffer,
  ): void {
    if (conn.clientDone) return;
    if (this.linkCut(conn)) {
      this.dropped(conn, 's2c', kind);
      return;
    }
    switch (kind) {
      case 'open':
        this.emit({ type: 'open', connId: conn.id, direction: 's2c' });
        conn.client.onOpen?.();
        return;
      case 'data':
        this.emit({ type: 'data', connId: conn.id, direction: 's2c', bytes: bytes! });
        conn.client.onData(bytes!);
        return;
      case 'refused':
      case 'fin':
      case 'rst': {
        conn.clientDone = true;
        // A refused client never reached the server; the others already have serverDone set.
        conn.serverDone = true;
        this.emit({ type: kind, connId: conn.id, direction: 's2c' });
        conn.client.onClose(kind === 'refused' ? 'refused' : kind === 'fin' ? 'closed' : 'reset');
        return;
      }
    }
  }
}
