// The real client core on the simulated network, run by the same driver loop as the Node driver
// (core/driver/driver-loop.ts): only the ports differ. Time is the virtual clock, connections are
// the network's client endpoints, and the one timer is re-armed whenever the core's next deadline
// changes (exactly at it, so the simulation never sees a spurious tick).
import { ClientCore, type CoreCommand, type CoreEvent, type CoreOptionsInput } from '../core/client/index.ts';
import { DriverLoop } from '../core/driver/driver-loop.ts';
import type { Link, LinkEvents, Network, TimerPort } from '../core/driver/ports.ts';
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

/** client endpoints of the simulated network as the loop's links */
class SimLinks implements Network {
  constructor(private readonly sim: ClientNetwork) {}

  open(address: string, events: LinkEvents): Link {
    let conn: SimClientConnection | undefined;
    const link: Link = {
      address,
      write: (bytes) => conn?.write(bytes),
      close: () => conn?.close(),
    };
    conn = this.sim.connect(address, {
      onOpen: () => events.opened(link),
      onData: (bytes) => events.data(link, bytes),
      onClose: (kind) => events.lost(link, kind),
    });
    return link;
  }
}

/** the one virtual timer, moved whenever the core's next deadline moves */
class SimTimer implements TimerPort {
  private timer: TimerHandle | undefined;
  private timerAtMs: number | null = null;

  constructor(
    private readonly sim: ClientNetwork,
    private readonly fire: () => void,
  ) {}

  arm(at: number | null): void {
    if (at === this.timerAtMs) return;
    if (this.timer !== undefined) this.sim.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAtMs = at;
    if (at === null) return;
    this.timer = this.sim.setTimer(Math.max(0, at - this.sim.nowMs()), () => {
      this.timer = undefined;
      this.timerAtMs = null;
      this.fire();
    });
  }
}

export class SimClient {
  readonly core: ClientCore;
  private readonly loop: DriverLoop;

  constructor(sim: ClientNetwork, options: CoreOptionsInput, hooks: SimClientHooks = {}) {
    this.core = new ClientCore(options);
    const afterHandle = hooks.afterHandle;
    this.loop = new DriverLoop(this.core, {
      clock: sim,
      network: new SimLinks(sim),
      timer: new SimTimer(sim, () => this.loop.feed({ type: 'tick' })),
      ...(afterHandle === undefined
        ? {}
        : {
            hooks: { afterHandle: (event, commands) => afterHandle(event, commands as CoreCommand[], this) },
          }),
    });
  }

  /** feed one event to the core now (re-entrant calls are queued behind the current one) */
  feed(event: CoreEvent): void {
    this.loop.feed(event);
  }

  openConnectionCount(): number {
    return this.loop.linkCount;
  }
}
