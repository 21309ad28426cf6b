// One TCP connection to one server address, reduced to the three facts the core understands:
// connected, data, lost (once, with a reason). A link never reports after it was destroyed, so a
// socket the core asked to close, or one replaced by a newer socket, cannot leak stale events.
import { createConnection, type Socket } from 'node:net';
import type { ConnectionLossReason } from '../core/client/index.ts';

export interface LinkSink {
  connected(link: SocketLink): void;
  data(link: SocketLink, bytes: Buffer): void;
  lost(link: SocketLink, reason: ConnectionLossReason, code?: string): void;
}

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

export class SocketLink {
  readonly socket: Socket;
  private open = false;
  private dead = false;
  /** resolves when the OS handle is released (close() waits on it) */
  readonly closed: Promise<void>;

  constructor(
    readonly address: string,
    private readonly sink: LinkSink,
    ref: boolean,
  ) {
    const { host, port } = splitAddress(address);
    this.socket = createConnection({ host, port });
    this.socket.setNoDelay(true);
    if (!ref) this.socket.unref();
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('connect', () => {
      if (this.dead) return;
      this.open = true;
      this.sink.connected(this);
    });
    this.socket.on('data', (bytes: Buffer) => {
      if (!this.dead) this.sink.data(this, bytes);
    });
    // An 'error' listener is always attached: a socket error must never become an uncaught exception.
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.lose(reasonOf(e, this.open), e.code));
    this.socket.on('close', () => this.lose('closed'));
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** writes several buffers as one syscall batch (writev) */
  write(buffers: Buffer[]): void {
    if (this.dead || this.socket.destroyed) return;
    if (buffers.length === 1) {
      this.socket.write(buffers[0]!);
      return;
    }
    this.socket.cork();
    for (const b of buffers) this.socket.write(b);
    this.socket.uncork();
  }

  setRef(ref: boolean): void {
    if (ref) this.socket.ref();
    else this.socket.unref();
  }

  /** closes without reporting: the core already knows (it asked for it) */
  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }

  private lose(reason: ConnectionLossReason, code?: string): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    this.sink.lost(this, reason, code);
  }
}

function reasonOf(e: NodeJS.ErrnoException, open: boolean): ConnectionLossReason {
  if (!open && e.code === 'ECONNREFUSED') return 'refused';
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return 'reset';
  return 'error';
}
