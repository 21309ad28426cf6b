// The explorer's network and clock: same interfaces as SimNetwork (ServerNetwork + Clock for the
// cluster, connect() for the client), but nothing happens by itself. Every packet waits in a FIFO
// per connection direction and every timer waits in a list until the explorer picks a step:
//   deliver(conn, dir)  hand the head packet of one direction to its receiver, at the current time
//                       (zero delay); an RST is a separate out-of-band slot that may overtake the
//                       data queued before it, or not (both orders are explored);
//   holdInFlight()      mark every direction with packets in flight as held (late): the clock may
//                       advance while held packets wait; a hold ends when its direction drains;
//   fireTimers()        advance the clock to the earliest due timer and run every timer due at that
//                       instant, in the order they were set (including zero-delay timers they set).
// The explorer decides when each is enabled (system.ts); this file only keeps the state and
// describes it canonically for state hashing.

import type { Clock, SimClientConnection, SimClientHandlers, TimerHandle } from '../../onebox/index.ts';
import { Listeners } from '../../onebox/net/listeners.ts';
import type {
  AcceptCallback,
  Listener,
  ServerConnection,
  ServerConnectionHandler,
  ServerNetwork,
} from '../../onebox/net/network.ts';

type C2sKind = 'syn' | 'data' | 'fin';
type S2cKind = 'open' | 'refused' | 'data' | 'fin';
interface Packet<K> {
  kind: K;
  bytes?: Buffer;
}

export type Direction = 'c2s' | 's2c' | 'rst';

class Conn {
  clientDone = false;
  serverDone = false;
  accepted = false;
  handler: ServerConnectionHandler | undefined;
  readonly c2s: Packet<C2sKind>[] = [];
  readonly s2c: Packet<S2cKind>[] = [];
  /** an RST on its way to the client (it does not queue behind s2c data) */
  rst = false;
  /** directions whose packets are late: time may pass while they are in flight */
  readonly held = new Set<Direction>();

  constructor(
    readonly id: number,
    readonly serverAddress: string,
    readonly client: SimClientHandlers,
  ) {}

  /** nothing can happen on it any more */
  get dead(): boolean {
    return this.c2s.length === 0 && this.s2c.length === 0 && !this.rst && this.clientDone && this.serverDone;
  }
}

interface Timer {
  readonly id: number;
  readonly atMs: number;
  readonly daemon: boolean;
  readonly callback: () => void;
  /** source text of the callback: which timer it is (the state it closes over is hashed elsewhere) */
  label?: string;
}

export interface Delivery {
  conn: number;
  dir: Direction;
}

export class ExploreNetwork implements ServerNetwork, Clock {
  private now = 0;
  private readonly conns = new Map<number, Conn>();
  private readonly listeners = new Listeners();
  private readonly cutLinks = new Set<string>();
  private timers: Timer[] = [];
  private nextTimerId = 1;
  private nextConnId = 1;
  /** deliveries and timer instants run so far */
  steps = 0;

  constructor(private readonly startWallSeconds = 1_700_000_000) {}

  // ---- Clock ----

  nowMs(): number {
    return this.now;
  }

  wallSeconds(): number {
    return this.startWallSeconds + this.now / 1000;
  }

  setTimer(delayMs: number, callback: () => void, options?: { daemon?: boolean }): TimerHandle {
    const id = this.nextTimerId++;
    this.timers.push({
      id,
      atMs: this.now + Math.max(0, delayMs),
      daemon: options?.daemon === true,
      callback,
    });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    const i = this.timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** the earliest timer's due time, or null when none is set */
  nextTimerAtMs(): number | null {
    let at: number | null = null;
    for (const t of this.timers) if (at === null || t.atMs < at) at = t.atMs;
    return at;
  }

  /** advance to the earliest due instant and run every timer due by then, in the order they were set */
  fireTimers(): void {
    const at = this.nextTimerAtMs();
    if (at === null) return;
    if (at > this.now) this.now = at;
    this.steps++;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers) if (t.atMs <= this.now && (next === undefined || t.id < next.id)) next = t;
      if (next === undefined) return;
      this.timers.splice(this.timers.indexOf(next), 1);
      next.callback();
    }
  }

  // ---- server side ----

  listen(address: string, accept: AcceptCallback, onError?: (error: Error) => void): Listener {
    return this.listeners.listen(address, accept, onError);
  }

  setClientLinkDown(address: string, down: boolean): void {
    if (down) this.cutLinks.add(address);
    else this.cutLinks.delete(address);
  }

  // ---- client side ----

  connect(address: string, handlers: SimClientHandlers): SimClientConnection {
    const id = this.nextConnId++;
    const conn = new Conn(id, address, handlers);
    this.conns.set(id, conn);
    conn.c2s.push({ kind: 'syn' });
    return {
      id,
      localAddress: `127.0.0.2:${10000 + (id % 50000)}`,
      remoteAddress: address,
      write: (bytes: Uint8Array) => {
        if (conn.clientDone || bytes.length === 0) return;
        conn.c2s.push({ kind: 'data', bytes: Buffer.from(bytes) });
      },
      close: () => {
        if (conn.clientDone) return;
        conn.clientDone = true;
        conn.c2s.push({ kind: 'fin' });
      },
    };
  }

  // ---- deliveries ----

  /** every delivery that can happen now, in a fixed order (connection id, then direction) */
  deliveries(): Delivery[] {
    const out: Delivery[] = [];
    for (const c of this.conns.values()) {
      if (c.c2s.length > 0) out.push({ conn: c.id, dir: 'c2s' });
      if (c.s2c.length > 0) out.push({ conn: c.id, dir: 's2c' });
      if (c.rst) out.push({ conn: c.id, dir: 'rst' });
    }
    return out;
  }

  /** directions with packets in flight that are not held: time cannot pass while there are any */
  unheldInFlight(): number {
    let n = 0;
    for (const c of this.conns.values()) {
      if (c.c2s.length > 0 && !c.held.has('c2s')) n++;
      if (c.s2c.length > 0 && !c.held.has('s2c')) n++;
      if (c.rst && !c.held.has('rst')) n++;
    }
    return n;
  }

  /** every direction in flight becomes late (held until it drains) */
  holdInFlight(): void {
    for (const c of this.conns.values()) {
      if (c.c2s.length > 0) c.held.add('c2s');
      if (c.s2c.length > 0) c.held.add('s2c');
      if (c.rst) c.held.add('rst');
    }
  }

  deliver(d: Delivery): void {
    const conn = this.conns.get(d.conn);
    if (conn === undefined) throw new Error(`explore: no connection #${d.conn}`);
    this.steps++;
    if (d.dir === 'c2s') {
      const p = conn.c2s.shift();
      if (p === undefined) throw new Error(`explore: nothing to deliver on #${d.conn} c2s`);
      this.deliverC2s(conn, p);
    } else if (d.dir === 's2c') {
      const p = conn.s2c.shift();
      if (p === undefined) throw new Error(`explore: nothing to deliver on #${d.conn} s2c`);
      this.deliverS2c(conn, p.kind, p.bytes);
    } else {
      if (!conn.rst) throw new Error(`explore: no RST on #${d.conn}`);
      conn.rst = false;
      this.deliverS2c(conn, 'rst');
    }
    // A hold ends when its direction drains; later packets are on time again.
    if (conn.c2s.length === 0) conn.held.delete('c2s');
    if (conn.s2c.length === 0) conn.held.delete('s2c');
    if (!conn.rst) conn.held.delete('rst');
    if (conn.dead) this.conns.delete(conn.id);
  }

  private deliverC2s(conn: Conn, p: Packet<C2sKind>): void {
    if (this.cutLinks.has(conn.serverAddress)) return;
    if (p.kind === 'syn') {
      const accept = this.listeners.acceptorOf(conn.serverAddress);
      if (accept === undefined) {
        conn.s2c.push({ kind: 'refused' });
        return;
      }
      conn.accepted = true;
      conn.handler = accept(this.serverEndpoint(conn));
      conn.s2c.push({ kind: 'open' });
      return;
    }
    // Data or FIN for a connection the server already abandoned is silently discarded.
    if (!conn.accepted || conn.serverDone || conn.handler === undefined) return;
    if (p.kind === 'data') conn.handler.onData(p.bytes!);
    else {
      conn.serverDone = true;
      conn.handler.onClose('closed');
    }
  }

  private serverEndpoint(conn: Conn): ServerConnection {
    return {
      id: conn.id,
      remoteAddress: `127.0.0.2:${10000 + (conn.id % 50000)}`,
      write: (bytes: Uint8Array) => {
        if (conn.serverDone || bytes.length === 0) return;
        conn.s2c.push({ kind: 'data', bytes: Buffer.from(bytes) });
      },
      close: () => {
        if (conn.serverDone) return;
        conn.serverDone = true;
        conn.s2c.push({ kind: 'fin' });
      },
      reset: () => {
        if (conn.serverDone) return;
        conn.serverDone = true;
        conn.rst = true;
      },
    };
  }

  private deliverS2c(conn: Conn, kind: S2cKind | 'rst', bytes?: Buffer): void {
    if (conn.clientDone) {
      // The client is gone: whatever is still queued towards it is discarded with it.
      conn.s2c.length = 0;
      conn.rst = false;
      return;
    }
    if (this.cutLinks.has(conn.serverAddress)) return;
    switch (kind) {
      case 'open':
        conn.client.onOpen?.();
        return;
      case 'data':
        conn.client.onData(bytes!);
        return;
      default:
        conn.clientDone = true;
        conn.serverDone = true;
        conn.s2c.length = 0;
        conn.rst = false;
        conn.client.onClose(kind === 'refused' ? 'refused' : kind === 'fin' ? 'closed' : 'reset');
    }
  }

  // ---- canonical description (state hashing) ----

  /**
   * Connections without their ids (ids depend on the order they were opened in, which is not part
   * of the state), timers relative to now with what they run, cut links. Timers due at the same
   * instant keep their relative order, which fireTimers() depends on.
   */
  describe(out: string[]): void {
    out.push(`net t=${this.now} cut=${[...this.cutLinks].sort().join(',')}`);
    const conns: string[] = [];
    for (const c of this.conns.values()) {
      const q = (p: Packet<string>) =>
        p.bytes === undefined ? p.kind : `${p.kind}:${p.bytes.toString('hex')}`;
      conns.push(
        `${c.serverAddress} ${+c.clientDone}${+c.serverDone}${+c.accepted}${+c.rst} h${[...c.held].sort()} >${c.c2s.map(q).join(',')} <${c.s2c.map(q).join(',')}`,
      );
    }
    out.push(...conns.sort());
    const timers = [...this.timers].sort((a, b) => a.atMs - b.atMs || a.id - b.id);
    for (const t of timers) {
      t.label ??= t.callback.toString();
      out.push(`timer +${t.atMs - this.now}${t.daemon ? 'd' : ''} ${t.label}`);
    }
  }

  /** what a delivery would hand over (for printing choices) */
  packetOf(d: Delivery): string {
    const c = this.conns.get(d.conn);
    if (c === undefined) return '?';
    const p = d.dir === 'c2s' ? c.c2s[0] : d.dir === 's2c' ? c.s2c[0] : { kind: 'rst' };
    if (p === undefined) return '?';
    return 'bytes' in p && p.bytes !== undefined ? `${p.kind} ${p.bytes.length} B` : p.kind;
  }

  /** a connection's server address (for printing choices) */
  serverOf(connId: number): string {
    return this.conns.get(connId)?.serverAddress ?? '?';
  }
}
