// What the client reports about the cluster, fed from the core's `observe` commands.
// A tiny typed subscribe API: on() returns its own unsubscribe function.
import type { ObservedEvent } from '../core/client/index.ts';
import { fail } from './validate.ts';

/** `health`: a server's health as the client sees it changed. */
export interface HealthEvent {
  /** the server, as `"host:port"` */
  address: string;
  /** `idle`, `connecting`, `ready`, `suspect` (an attempt went unanswered) or `down` */
  health: string;
}

/** `routing`: a table's partition configuration changed; only the changed partitions are listed. */
export interface RoutingEvent {
  /** the table's name */
  table: string;
  /** the table's id on the cluster */
  appId: number;
  /** the table's number of partitions */
  partitionCount: number;
  /** each changed partition */
  changed: Array<{
    /** the partition's index */
    index: number;
    /** its new ballot (configuration version) */
    ballot: bigint;
    /** its primary, as `"host:port"`, or `""` when it has none */
    primary: string;
  }>;
}

/** `refresh`: a table's routing refresh entered a phase. */
export interface RefreshEvent {
  /** the table's name */
  table: string;
  /** `query` (a meta query went out), `poll` (waiting to poll again) or `backoff` (after a failure) */
  phase: string;
}

/** `leader`: a meta follower named the meta leader; the table's next query goes there. */
export interface LeaderEvent {
  /** the table whose query was forwarded */
  table: string;
  /** the meta leader, as `"host:port"` */
  address: string;
}

/** The events {@link PegasusClient.on} subscribes to, by name. */
export interface PegasusClientEvents {
  /** a server's health changed */
  health: HealthEvent;
  /** a table's routing changed */
  routing: RoutingEvent;
  /** a table's routing refresh entered a phase */
  refresh: RefreshEvent;
  /** a meta follower named the meta leader */
  leader: LeaderEvent;
}

/** The name of an event: `'health'`, `'routing'`, `'refresh'` or `'leader'`. */
export type PegasusClientEventName = keyof PegasusClientEvents;

/** A listener of one event. A listener that throws is reported as a warning; the others still run. */
export type Listener<K extends PegasusClientEventName> = (event: PegasusClientEvents[K]) => void;

// Compile-time: one public event per kind the core observes, with the same fields.
type Strip<E, K> = E extends { kind: K } ? Omit<E, 'kind'> : never;
type CoreEvents = { [K in ObservedEvent['kind']]: Strip<ObservedEvent, K> };
type AssertNever<T extends never> = T;
export type PublicEventsMatchCore = AssertNever<
  | Exclude<keyof CoreEvents, PegasusClientEventName>
  | Exclude<PegasusClientEventName, keyof CoreEvents>
  | {
      [K in PegasusClientEventName]: CoreEvents[K] extends PegasusClientEvents[K] ? never : K;
    }[PegasusClientEventName]
  | {
      [K in PegasusClientEventName]: PegasusClientEvents[K] extends CoreEvents[K] ? never : K;
    }[PegasusClientEventName]
>;

// A Record over the union: a new kind in the core fails to compile here until it is listed.
const NAMES: Record<PegasusClientEventName, true> = {
  health: true,
  routing: true,
  refresh: true,
  leader: true,
};

export class ClientEvents {
  private readonly listeners = new Map<string, Set<(event: unknown) => void>>();

  on<K extends PegasusClientEventName>(name: K, listener: Listener<K>): () => void {
    if (typeof name !== 'string' || !Object.hasOwn(NAMES, name))
      fail(`unknown event "${String(name)}": use ${Object.keys(NAMES).join(', ')}`);
    if (typeof listener !== 'function') fail('listener must be a function');
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: unknown) => void);
    return () => this.off(name, listener);
  }

  off<K extends PegasusClientEventName>(name: K, listener: Listener<K>): void {
    this.listeners.get(name)?.delete(listener as (event: unknown) => void);
  }

  emit(event: ObservedEvent): void {
    const set = this.listeners.get(event.kind);
    if (set === undefined || set.size === 0) return;
    const { kind, ...rest } = event;
    for (const l of set) {
      // A listener's bug must neither stop the others nor reach the driver's loop.
      try {
        l(rest);
      } catch (e) {
        process.emitWarning(`pegasus-ts: a "${kind}" listener threw: ${String(e)}`, 'PegasusListenerWarning');
      }
    }
  }
}
