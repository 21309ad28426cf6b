// The ServerNetwork interface on real TCP sockets (loopback). Faults map onto the socket API:
// reset() is a real RST (socket.resetAndDestroy), closing the listener makes later connects fail with
// ECONNREFUSED, and a cut client link drops bytes in both directions inside this process (the kernel
// still completes new TCP handshakes; only the simulated network can also lose SYNs).

import net from 'node:net';
import { formatAddress, parseAddress } from './address.ts';
import type {
  AcceptCallback,
  Listener,
  ServerConnection,
  ServerConnectionHandler,
  ServerNetwork,
} from './network.ts';

const REBIND_ATTEMPTS = 20;
const REBIND_RETRY_MS = 50;

export class TcpNetwork implements ServerNetwork {
  private readonly servers = new Map<string, net.Server>();
  private readonly acceptors = new Map<string, AcceptCallback>();
  private readonly sockets = new Set<net.Socket>();
  private readonly cutLinks = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private nextConnId = 1;
  private closed = false;

  /**
   * Bind `host:port` now (port 0 picks a free port) and return the bound address. A later
   * listen() on that address adopts the bound socket, so addresses are known before servers start.
   */
  bind(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = this.createServer();
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        const bound = server.address() as net.AddressInfo;
        const address = formatAddress(host, bound.port);
        this.servers.set(address, server);
        resolve(address);
      });
    });
  }

  listen(address: string, accept: AcceptCallback, onError?: (error: Error) => void): Listener {
    const parsed = parseAddress(address);
    if (parsed === undefined) throw new Error(`TcpNetwork.listen: bad address ${address}`);
    this.acceptors.set(address, accept);
    if (!this.servers.has(address)) this.rebind(address, parsed.host, parsed.port, onError, REBIND_ATTEMPTS);
    const listener: Listener = {
      address,
      close: () => {
        if (this.acceptors.get(address) !== accept) return;
        this.acceptors.delete(address);
        const server = this.servers.get(address);
        this.servers.delete(address);
        server?.close();
      },
    };
    return listener;
  }

  setClientLinkDown(address: string, down: boolean): void {
    if (down) this.cutLinks.add(address);
    else this.cutLinks.delete(address);
  }

  /** Destroy every socket and server. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const servers = [...this.servers.values()];
    this.servers.clear();
    this.acceptors.clear();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private createServer(): net.Server {
    const server = net.createServer({ noDelay: true });
    server.on('connection', (socket) => {
      const local = formatAddress(socket.localAddress?.replace(/^::ffff:/, '') ?? '', socket.localPort ?? 0);
      this.adopt(local, socket);
    });
    return server;
  }

  // A restarted node re-binds its old port; the old listening socket may need a moment to go away.
  private rebind(
    address: string,
    host: string,
    port: number,
    onError: ((error: Error) => void) | undefined,
    attemptsLeft: number,
  ): void {
    if (this.closed || !this.acceptors.has(address)) return;
    const server = this.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && attemptsLeft > 1) {
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          this.rebind(address, host, port, onError, attemptsLeft - 1);
        }, REBIND_RETRY_MS);
        this.retryTimers.add(timer);
        return;
      }
      onError?.(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      if (this.closed || !this.acceptors.has(address)) {
        server.close();
        return;
      }
      this.servers.set(address, server);
    });
  }

  private adopt(address: string, socket: net.Socket): void {
    const accept = this.acceptors.get(address);
    if (accept === undefined || this.closed) {
      socket.resetAndDestroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let locallyClosed = false;
    let sawError = false;
    const connection: ServerConnection = {
      id: this.nextConnId++,
      remoteAddress: formatAddress(
        socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
        socket.remotePort ?? 0,
      ),
      write: (bytes) => {
        if (locallyClosed || socket.destroyed || this.cutLinks.has(address)) return;
        socket.write(bytes);
      },
      close: () => {
        if (locallyClosed) return;
        locallyClosed = true;
        // Keep reading (and discarding) a paused socket, or its 'close' would wait for the reader.
        socket.resume();
        socket.end();
      },
      reset: () => {
        if (locallyClosed) return;
        locallyClosed = true;
        socket.resetAndDestroy();
      },
      pauseReading: () => {
        if (!locallyClosed) socket.pause();
      },
      resumeReading: () => {
        if (!locallyClosed) socket.resume();
      },
    };
    const handler: ServerConnectionHandler = accept(connection);
    socket.on('data', (chunk: Buffer) => {
      if (locallyClosed || this.cutLinks.has(address)) return;
      handler.onData(chunk);
    });
    socket.on('error', () => {
      sawError = true;
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (locallyClosed) return;
      locallyClosed = true;
      handler.onClose(sawError ? 'reset' : 'closed');
    });
  }
}
