// The real client core on the simulated network: the simulation's counterpart of the Node driver.
// Same contract as the driver: commands performed in order, events from replaced or closed
// connections dropped, one timer armed at the core's next deadline, time from the virtual clock.
import { ClientCore, type CoreCommand, type CoreEvent, type CoreOptionsInput } from '../core/client/index.ts';
import type { SimClientConnection, SimClientHandlers, TimerHandle } from '../onebox/index.ts';

/**
 * What the client needs from a simulated network: its clock, its timers and client endpoints.
 * SimNetwork (seeded random delays) and the explorer's network (sim/explore) both provide it.
 */
export interface ClientNetwork {
  nowMs(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  connect(address: string, handlers: SimClientHandlers): SimClientConnection;
}

export interface SimClientHooks {
  /** after every event the core handled, with the commands it produced (for invariants and traces) */
  afterHandle?(event: CoreEvent, commands: CoreCommand[], client: SimClient): void;
}

export class SimClient {
  readonly core: ClientCore;
  private readonly conns = new Map<string, SimClientConnection>();
  private timer: TimerHandle | undefined;
  private timerAtMs: number | null = null;
  private handling = false;
  private readonly backlog: CoreEvent[] = [];

  constructor(
    private readonly sim: ClientNetwork,
    options: CoreOptionsInput,
    private readonly hooks: SimClientHooks = {},
  ) {
    this.core = new ClientCore(options);
  }

  /** feed one event to the core now (re-entrant calls are queued behind the current one) */
  feed(event: CoreEvent): void {
    this.backlog.push(event);
    if (this.handling) return;
    this.handling = true;
    try {
      for (let e = this.backlog.shift(); e !== undefined; e = this.backlog.shift()) {
        const commands = this.core.handle(e, this.sim.nowMs());
        for (const c of commands) this.perform(c);
        this.hooks.afterHandle?.(e, commands, this);
      }
    } finally {
      this.handling = false;
    }
    this.rearm();
  }

  openConnectionCount(): number {
    return this.conns.size;
  }

  private perform(c: CoreCommand): void {
    switch (c.type) {
      case 'connect': {
        this.conns.get(c.address)?.close();
        const conn: SimClientConnection = this.sim.connect(c.address, {
          onOpen: () => {
            if (this.conns.get(c.address) === conn) this.feed({ type: 'connected', address: c.address });
          },
          onData: (bytes) => {
            if (this.conns.get(c.address) === conn) this.feed({ type: 'data', address: c.address, bytes });
          },
          onClose: (kind) => {
            if (this.conns.get(c.address) !== conn) return;
            this.conns.delete(c.address);
            this.feed({ type: 'connectionLost', address: c.address, reason: kind });
          },
        });
        this.conns.set(c.address, conn);
        break;
      }
      case 'send':
        this.conns.get(c.address)?.write(c.bytes);
        break;
      case 'disconnect':
        this.conns.get(c.address)?.close();
        this.conns.delete(c.address);
        break;
      default:
        break;
    }
  }

  private rearm(): void {
    const at = this.core.nextTimerMs();
    if (at === this.timerAtMs) return;
    if (this.timer !== undefined) this.sim.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAtMs = at;
    if (at === null) return;
    this.timer = this.sim.setTimer(Math.max(0, at - this.sim.nowMs()), () => {
      this.timer = undefined;
      this.timerAtMs = null;
      this.feed({ type: 'tick' });
    });
  }
}
