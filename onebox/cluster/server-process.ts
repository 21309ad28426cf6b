// One server "process" (a meta or a replica server): its listening socket, its connections, the
// request framing, and the process-level faults. The protocol logic sits behind RequestHandler and
// never sees a fault directly:
//   crashed  every connection is reset at once, the port refuses connections, work is dropped;
//   hung     bytes are accepted but nothing runs and nothing is sent until resume() (a core dump
//            being written, a stop-the-world pause); queued work then runs in arrival order;
//   slow     every piece of incoming work is delayed by latencyMs (FIFO is kept).
//
// Memory is bounded per process: a request frame announcing more than maxRequestFrameBytes closes
// its connection at once (nothing of it is buffered), incomplete frames over all connections may
// hold at most maxBufferedBytes (the connection that grows past it is closed), and bytes received
// but not yet processed (hung or slow process) pause reading on that connection above
// PAUSE_READING_BYTES, as a kernel's full receive buffer would stall the sender.

import { RequestDecoder, type RequestFrame } from '../../core/wire/index.ts';
import type { Clock } from '../net/clock.ts';
import type { Listener, ServerConnection, ServerNetwork } from '../net/network.ts';

export type ProcessState = 'running' | 'hung' | 'crashed';

export interface RequestContext {
  /** Send a response frame (dropped if the connection or this process incarnation is gone). */
  reply(bytes: Uint8Array): void;
  /** Drop the connection, as the real server does on a frame it cannot parse. */
  closeConnection(): void;
}

export interface RequestHandler {
  handleRequest(frame: RequestFrame, context: RequestContext): void;
}

interface ConnectionState {
  readonly connection: ServerConnection;
  readonly decoder: RequestDecoder;
  open: boolean;
  /** received, not yet handed to the decoder (the process is hung or slow) */
  queuedBytes: number;
  /** the decoder's incomplete-frame bytes as last counted into ServerProcess.partialBytes */
  partialBytes: number;
  paused: boolean;
}

export interface ProcessLimits {
  maxRequestFrameBytes: number;
  maxBufferedBytes: number;
  /** one line per connection closed for a bad or oversized frame */
  log?: (line: string) => void;
}

/** Received-but-unprocessed bytes per connection above which reading pauses (resumes at half). */
export const PAUSE_READING_BYTES = 4 << 20;

const NO_LIMITS: ProcessLimits = {
  maxRequestFrameBytes: 64 << 20,
  maxBufferedBytes: Number.POSITIVE_INFINITY,
};

export class ServerProcess {
  private stateValue: ProcessState = 'crashed';
  private latency = 0;
  /** Bumped on every crash/start so callbacks of a dead incarnation are recognised and dropped. */
  private incarnation = 0;
  private listener: Listener | undefined;
  private readonly connections = new Set<ConnectionState>();
  private readonly pausedWork: Array<() => void> = [];
  private lastWorkAtMs = 0;
  private handler: RequestHandler | undefined;
  private readonly stateListeners: Array<(state: ProcessState) => void> = [];
  /** incomplete-frame bytes held by the decoders of all open connections */
  private partialBytes = 0;
  private badFrameCloses = 0;

  constructor(
    readonly address: string,
    private readonly network: ServerNetwork,
    private readonly clock: Clock,
    private readonly limits: ProcessLimits = NO_LIMITS,
  ) {}

  setHandler(handler: RequestHandler): void {
    this.handler = handler;
  }

  get state(): ProcessState {
    return this.stateValue;
  }

  get latencyMs(): number {
    return this.latency;
  }

  get generation(): number {
    return this.incarnation;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes held for open connections: incomplete frames plus received-but-unprocessed chunks. */
  get bufferedBytes(): number {
    let queued = 0;
    for (const c of this.connections) queued += c.queuedBytes;
    return this.partialBytes + queued;
  }

  /** Connections closed because of a malformed, oversized or over-budget frame, since start. */
  get badFrameCloseCount(): number {
    return this.badFrameCloses;
  }

  onStateChange(listener: (state: ProcessState) => void): void {
    this.stateListeners.push(listener);
  }

  start(): void {
    if (this.stateValue !== 'crashed') return;
    this.incarnation++;
    this.stateValue = 'running';
    const generation = this.incarnation;
    this.listener = this.network.listen(
      this.address,
      (connection) => this.accept(connection),
      // The port could not be bound again (taken meanwhile): the process is effectively down.
      () => {
        if (this.incarnation === generation) this.crash();
      },
    );
    this.notify();
  }

  crash(): void {
    if (this.stateValue === 'crashed') return;
    this.incarnation++;
    this.stateValue = 'crashed';
    this.listener?.close();
    this.listener = undefined;
    for (const c of this.connections) {
      c.open = false;
      c.connection.reset();
    }
    this.connections.clear();
    this.partialBytes = 0;
    this.pausedWork.length = 0;
    this.notify();
  }

  hang(): void {
    if (this.stateValue !== 'running') return;
    this.stateValue = 'hung';
    this.notify();
  }

  resume(): void {
    if (this.stateValue !== 'hung') return;
    this.stateValue = 'running';
    const generation = this.incarnation;
    const work = this.pausedWork.splice(0);
    for (const w of work) {
      // A work item may itself crash or hang the process (e.g. a fault applied from a handler).
      if (this.incarnation !== generation) return;
      if (this.isHung()) {
        this.pausedWork.push(w);
        continue;
      }
      w();
    }
    this.notify();
  }

  private isHung(): boolean {
    return this.stateValue === 'hung';
  }

  setLatencyMs(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  /**
   * Run `work` inside this process: after the process latency, deferred while hung, never if the
   * process crashes first. Returns false (and drops the work) if the process is down right now.
   */
  submit(work: () => void): boolean {
    if (this.stateValue === 'crashed') return false;
    const generation = this.incarnation;
    const run = () => {
      if (this.incarnation !== generation) return;
      if (this.stateValue === 'hung') this.pausedWork.push(work);
      else work();
    };
    if (this.latency <= 0 && this.lastWorkAtMs <= this.clock.nowMs()) {
      run();
    } else {
      // Keep FIFO order even if the latency shrinks while work is still queued.
      const at = Math.max(this.clock.nowMs() + this.latency, this.lastWorkAtMs);
      this.lastWorkAtMs = at;
      this.clock.setTimer(at - this.clock.nowMs(), run);
    }
    return true;
  }

  private notify(): void {
    for (const l of this.stateListeners) l(this.stateValue);
  }

  private accept(connection: ServerConnection) {
    const state: ConnectionState = {
      connection,
      decoder: new RequestDecoder({ maxFrameBytes: this.limits.maxRequestFrameBytes }),
      open: true,
      queuedBytes: 0,
      partialBytes: 0,
      paused: false,
    };
    this.connections.add(state);
    return {
      onData: (bytes: Uint8Array) => {
        if (!state.open) return;
        // Copy: the network may reuse its buffer before delayed work runs.
        const chunk = Buffer.from(bytes);
        state.queuedBytes += chunk.length;
        if (state.queuedBytes > PAUSE_READING_BYTES && !state.paused) {
          state.paused = true;
          connection.pauseReading?.();
        }
        this.submit(() => {
          state.queuedBytes -= chunk.length;
          if (state.paused && state.queuedBytes <= PAUSE_READING_BYTES / 2) {
            state.paused = false;
            connection.resumeReading?.();
          }
          this.process(state, chunk);
        });
      },
      onClose: () => {
        state.open = false;
        this.forget(state);
      },
    };
  }

  private process(state: ConnectionState, chunk: Uint8Array): void {
    if (!state.open) return;
    const { frames, error } = state.decoder.push(chunk);
    const generation = this.incarnation;
    const held = state.decoder.bufferedBytes;
    this.partialBytes += held - state.partialBytes;
    state.partialBytes = held;
    for (const frame of frames) {
      if (!state.open || this.incarnation !== generation) return;
      this.handler?.handleRequest(frame, this.contextFor(state, generation));
    }
    if (!state.open || this.incarnation !== generation) return;
    if (error !== undefined) {
      this.closeForBadFrame(state, error.message);
    } else if (this.partialBytes > this.limits.maxBufferedBytes) {
      this.closeForBadFrame(
        state,
        `incomplete frames hold ${this.partialBytes} bytes, over the process budget of ${this.limits.maxBufferedBytes}`,
      );
    }
  }

  private closeForBadFrame(state: ConnectionState, reason: string): void {
    this.badFrameCloses++;
    this.limits.log?.(
      `${this.address}: closing connection from ${state.connection.remoteAddress}: ${reason}`,
    );
    this.dropConnection(state);
  }

  /** Stops counting a connection's buffers (it closed). */
  private forget(state: ConnectionState): void {
    if (this.connections.delete(state)) this.partialBytes -= state.partialBytes;
    state.partialBytes = 0;
    state.queuedBytes = 0;
  }

  private contextFor(state: ConnectionState, generation: number): RequestContext {
    return {
      reply: (bytes) => {
        if (!state.open || this.incarnation !== generation) return;
        if (this.stateValue === 'hung') {
          // A hung process sends nothing; the reply leaves when (if) it resumes.
          this.pausedWork.push(() => {
            if (state.open && this.incarnation === generation) state.connection.write(bytes);
          });
          return;
        }
        state.connection.write(bytes);
      },
      closeConnection: () => this.dropConnection(state),
    };
  }

  private dropConnection(state: ConnectionState): void {
    if (!state.open) return;
    state.open = false;
    this.forget(state);
    state.connection.close();
  }
}
