// The one driver loop: feeds events to the client core and performs the commands it returns, in
// order. The Node driver, the simulator and the test harness all run it, with their own ports
// (ports.ts); so the simulation exercises the loop the real client runs.
//
// Invariants:
// - core.handle is never re-entered: events that arise while commands run (a link reporting at
//   once, a listener starting a call, an abort) are queued and fed after the current one.
// - the core never hears from a link it asked to close or that a newer link replaced.
// - after each batch the timer port is given the core's next deadline.
import type { ClientCore } from '../client/client-core.ts';
import type { CoreCommand, ObservedEvent } from '../client/commands.ts';
import type { ConnectionLossReason, CoreEvent } from '../client/events.ts';
import type { DriverPorts, Link, LinkEvents } from './ports.ts';

export class DriverLoop implements LinkEvents {
  private readonly links = new Map<string, Link>();
  private readonly queue: CoreEvent[] = [];
  private running = false;
  /** observations of the event being handled, delivered after its commands */
  private readonly observed: ObservedEvent[] = [];

  constructor(
    readonly core: ClientCore,
    private readonly ports: DriverPorts,
  ) {}

  /** feed one event now, or after the one being handled (re-entrant calls queue) */
  feed(event: CoreEvent): void {
    this.queue.push(event);
    if (this.running) return;
    this.running = true;
    try {
      for (let e = this.queue.shift(); e !== undefined; e = this.queue.shift()) this.step(e);
    } finally {
      this.running = false;
    }
    this.ports.timer.arm(this.core.nextTimerMs());
    this.ports.hooks?.idle?.();
  }

  /** connections the core asked for and has not given up */
  get linkCount(): number {
    return this.links.size;
  }

  /** the link in use for `address`, if any */
  linkOf(address: string): Link | undefined {
    return this.links.get(address);
  }

  /** closes every link (after the core closed: nothing may talk to a server any more) */
  closeAllLinks(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  // ---- link reports (LinkEvents) ----

  opened(link: Link): void {
    if (this.links.get(link.address) === link) this.feed({ type: 'connected', address: link.address });
  }

  data(link: Link, bytes: Uint8Array): void {
    if (this.links.get(link.address) === link) this.feed({ type: 'data', address: link.address, bytes });
  }

  lost(link: Link, reason: ConnectionLossReason, code?: string): void {
    if (this.links.get(link.address) !== link) return;
    this.links.delete(link.address);
    this.feed(
      code === undefined
        ? { type: 'connectionLost', address: link.address, reason }
        : { type: 'connectionLost', address: link.address, reason, code },
    );
  }

  // ---- the loop ----

  private step(event: CoreEvent): void {
    const nowMs = this.ports.clock.nowMs();
    const hooks = this.ports.hooks;
    hooks?.beforeHandle?.(event, nowMs);
    const commands = this.core.handle(event, nowMs);
    for (let i = 0; i < commands.length; i++) this.perform(commands[i]!);
    hooks?.afterHandle?.(event, commands, nowMs);
    // Listeners run after the event's commands, so whatever they start is queued behind it.
    const observe = this.ports.results?.observed;
    if (observe !== undefined && this.observed.length > 0) {
      for (const ev of this.observed.splice(0)) observe(ev);
    }
  }

  private perform(cmd: CoreCommand): void {
    switch (cmd.type) {
      case 'connect': {
        this.links.get(cmd.address)?.close();
        this.links.set(cmd.address, this.ports.network.open(cmd.address, this));
        break;
      }
      case 'send':
        this.links.get(cmd.address)?.write(cmd.bytes);
        break;
      case 'disconnect': {
        const link = this.links.get(cmd.address);
        if (link !== undefined) {
          this.links.delete(cmd.address);
          link.close();
        }
        break;
      }
      case 'settle':
        this.ports.results?.settled?.(cmd);
        break;
      case 'tableOpened':
        this.ports.results?.tableOpened?.(cmd);
        break;
      case 'observe':
        if (this.ports.results?.observed !== undefined) this.observed.push(cmd.event);
        break;
    }
  }
}
