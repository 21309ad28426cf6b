// The Node driver's ports (core/driver/ports.ts): TCP links over SocketLink, with the writes of one
// turn sent as one batch per socket, and the one setTimeout. Whether they keep the process alive is
// switched as a whole: only while somebody awaits a result.
import type { ConnectionLossReason } from '../core/client/index.ts';
import type { Link, LinkEvents, Network, TimerPort } from '../core/driver/ports.ts';
import { type LinkSink, SocketLink } from './socket-link.ts';
import { MAX_TIMEOUT_MS } from './validate.ts';

/** One TCP connection as the driver loop sees it. */
class NodeLink implements Link, LinkSink {
  readonly socket: SocketLink;
  /** writes of this turn, sent together when the turn ends (far fewer syscalls than one per call) */
  private pending: Buffer[] = [];
  private flushQueued = false;

  constructor(
    readonly address: string,
    private readonly events: LinkEvents,
    private readonly network: NodeNetwork,
    ref: boolean,
  ) {
    this.socket = new SocketLink(address, this, ref);
  }

  write(bytes: Buffer): void {
    this.pending.push(bytes);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flush);
  }

  /** what was written so far still goes out, then the socket is destroyed without a report */
  close(): void {
    this.flush();
    this.socket.destroy();
    this.network.gone(this);
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.socket.write(batch);
  };

  // ---- SocketLink's reports ----

  connected(): void {
    this.events.opened(this);
  }

  data(_link: SocketLink, bytes: Buffer): void {
    this.events.data(this, bytes);
  }

  lost(_link: SocketLink, reason: ConnectionLossReason, code?: string): void {
    this.network.gone(this);
    this.events.lost(this, reason, code);
  }
}

export class NodeNetwork implements Network {
  private ref = false;
  /** sockets not yet released by the OS (close() waits on them) */
  private readonly unreleased = new Set<SocketLink>();
  /** links neither closed nor lost: the ones whose ref matters */
  private readonly live = new Set<NodeLink>();

  open(address: string, events: LinkEvents): Link {
    const link = new NodeLink(address, events, this, this.ref);
    const socket = link.socket;
    this.unreleased.add(socket);
    void socket.closed.then(() => this.unreleased.delete(socket));
    this.live.add(link);
    return link;
  }

  /** `link` was closed or lost: its ref no longer matters */
  gone(link: NodeLink): void {
    this.live.delete(link);
  }

  setRef(ref: boolean): void {
    this.ref = ref;
    for (const link of this.live) link.socket.setRef(ref);
  }

  /** resolves when every socket ever opened is released by the OS */
  released(): Promise<void> {
    return Promise.all([...this.unreleased].map((s) => s.closed)).then(() => undefined);
  }
}

/** The one setTimeout, armed at the core's next deadline. */
export class NodeTimer implements TimerPort {
  private timer: NodeJS.Timeout | null = null;
  private dueMs: number | null = null;
  private ref = false;

  constructor(
    private readonly nowMs: () => number,
    private readonly fire: () => void,
  ) {}

  arm(due: number | null): void {
    if (due === null) {
      this.disarm();
      return;
    }
    // An armed timer that fires no later than needed is kept: if it turns out early, the tick finds
    // nothing due and re-arms once. Re-arming whenever the earliest deadline moves later would cost
    // a clearTimeout + setTimeout per completed call.
    if (this.timer !== null && this.dueMs !== null && this.dueMs <= due) return;
    this.disarm();
    // Rounded up: a timer that fires a fraction early would find nothing due and spin.
    const delayMs = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil(due - this.nowMs())));
    this.dueMs = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueMs = null;
      this.fire();
    }, delayMs);
    if (!this.ref) this.timer.unref();
  }

  disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dueMs = null;
  }

  setRef(ref: boolean): void {
    this.ref = ref;
    if (ref) this.timer?.ref();
    else this.timer?.unref();
  }
}
