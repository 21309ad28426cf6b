// The server side of a network, as the onebox's server processes see it. Implemented by the real
// TCP network (tcp-network.ts) and by the deterministic simulation (sim-network.ts).

/** How a connection ended, from the point of view of the side that observes it. */
export type CloseKind = 'reset' | 'refused' | 'closed';

/** One accepted connection, server side. */
export interface ServerConnection {
  /** Unique per network, increasing; useful in logs. */
  readonly id: number;
  /** The peer's 'host:port' text. */
  readonly remoteAddress: string;
  write(bytes: Uint8Array): void;
  /** Graceful close (FIN): bytes already written are still delivered. */
  close(): void;
  /** Abortive close (RST): the peer sees a reset at once; unsent bytes are discarded. */
  reset(): void;
  /**
   * Stop / restart reading from the peer (flow control: unread bytes stay in the kernel and the
   * sender eventually blocks, as with a process that does not read). Optional: the simulated network
   * delivers everything.
   */
  pauseReading?(): void;
  resumeReading?(): void;
}

/** What the server logic does with an accepted connection's events. */
export interface ServerConnectionHandler {
  onData(bytes: Uint8Array): void;
  /** Called once when the peer ended the connection (not after a local close()/reset()). */
  onClose(kind: 'reset' | 'closed'): void;
}

export type AcceptCallback = (connection: ServerConnection) => ServerConnectionHandler;

export interface Listener {
  readonly address: string;
  /** Stop listening: later connection attempts are refused. Open connections are untouched. */
  close(): void;
}

export interface ServerNetwork {
  /**
   * Listen on 'host:port'. Errors binding a real socket are reported through `onError`
   * (restarting a crashed node re-binds its old port, which can in theory be taken meanwhile).
   */
  listen(address: string, accept: AcceptCallback, onError?: (error: Error) => void): Listener;
  /**
   * Cut (or restore) the link between clients and the node at `address`: packets are dropped in
   * both directions, nothing is reset. Server-to-server traffic (beacons, replication) is unaffected.
   */
  setClientLinkDown(address: string, down: boolean): void;
}
