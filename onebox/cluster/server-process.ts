// One server "process" (a meta or a replica server): its listening socket, its connections, the
// request framing, and the process-level faults. The protocol logic sits behind RequestHandler and
// never sees a fault directly:
//   crashed  every connection is reset at once, the port refuses connections, work is dropped;
//   hung     bytes are accepted but nothing runs and nothing is sent until resume() (a core dump
//            being written, a stop-the-world pause); queued work then runs in arrival order;
//   slow     every piece of incoming work is delayed by latencyMs (FIFO is kept).

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
}

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

  constructor(
    readonly address: string,
    private readonly network: ServerNetwork,
    private readonly clock: Clock,
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
    const state: ConnectionState = { connection, decoder: new RequestDecoder(), open: true };
    this.connections.add(state);
    return {
      onData: (bytes: Uint8Array) => {
        if (!state.open) return;
        // Copy: the network may reuse its buffer before delayed work runs.
        const chunk = Buffer.from(bytes);
        this.submit(() => this.process(state, chunk));
      },
      onClose: () => {
        state.open = false;
        this.connections.delete(state);
      },
    };
  }

  private process(state: ConnectionState, chunk: Uint8Array): void {
    if (!state.open) return;
    const { frames, error } = state.decoder.push(chunk);
    const generation = this.incarnation;
    for (const frame of frames) {
      if (!state.open || this.incarnation !== generation) return;
      this.handler?.handleRequest(frame, this.contextFor(state, generation));
    }
    if (error !== undefined) this.dropConnection(state);
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
    this.connections.delete(state);
    state.connection.close();
  }
}
