// What a driver loop needs from its environment, as interfaces: the Node driver implements them with
// sockets and setTimeout, the simulator with its virtual network and clock, the test harness with
// scripted servers. The loop itself (driver-loop.ts) is the same everywhere.
import type { CoreCommand, ObservedEvent } from '../client/commands.ts';
import type { ConnectionLossReason, CoreEvent } from '../client/events.ts';

/** Monotonic time in ms; never goes back. */
export interface Clock {
  nowMs(): number;
}

/** One connection to one server address. */
export interface Link {
  readonly address: string;
  write(bytes: Buffer): void;
  /** closes it; the link reports nothing afterwards (the loop asked for it) */
  close(): void;
}

/** What a link reports, once it is open; reports from a link the loop no longer uses are dropped. */
export interface LinkEvents {
  opened(link: Link): void;
  data(link: Link, bytes: Uint8Array): void;
  /**
   * closed by the peer, reset, refused or failed: reported once, never after close(); `code` is the
   * system's error code when there is one (ECONNREFUSED, ENOTFOUND...)
   */
  lost(link: Link, reason: ConnectionLossReason, code?: string): void;
}

export interface Network {
  /** starts connecting to `address`; the link reports to `events` later, never inside this call */
  open(address: string, events: LinkEvents): Link;
}

/**
 * The one timer. After every batch of events the loop passes the core's next deadline (absolute, on
 * the clock) or null; the port makes sure the loop is fed `{ type: 'tick' }` no later than that.
 */
export interface TimerPort {
  arm(dueMs: number | null): void;
}

export type Settle = Extract<CoreCommand, { type: 'settle' }>;
export type TableOpened = Extract<CoreCommand, { type: 'tableOpened' }>;

/** Where results go: promises in the Node driver, records in the simulator and the harness. */
export interface Results {
  settled(cmd: Settle): void;
  tableOpened(cmd: TableOpened): void;
  /** an observation, delivered after every command of the event that produced it */
  observed(event: ObservedEvent): void;
}

/** Optional views of the loop at work (traces, invariant checks, accounting). */
export interface LoopHooks {
  /** an event is about to be handled at `nowMs` */
  beforeHandle?(event: CoreEvent, nowMs: number): void;
  /** the core handled `event` and every command it returned was performed */
  afterHandle?(event: CoreEvent, commands: readonly CoreCommand[], nowMs: number): void;
  /** the queue ran dry and the timer is armed: nothing happens until the next feed */
  idle?(): void;
}

export interface DriverPorts {
  readonly clock: Clock;
  readonly network: Network;
  readonly timer: TimerPort;
  readonly results?: Partial<Results>;
  readonly hooks?: LoopHooks;
}
