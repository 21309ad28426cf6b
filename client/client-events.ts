// What the client reports about the cluster, fed from the core's `observe` commands.
// A tiny typed subscribe API: on() returns its own unsubscribe function.
import type { ObservedEvent } from '../core/client/index.ts';
import { fail } from './validate.ts';

type Strip<E, K> = E extends { kind: K } ? Omit<E, 'kind'> : never;

/**
 * One event per kind the core observes:
 * - health: a server's health as the client sees it (idle, connecting, ready, suspect, down)
 * - routing: a table's partition configuration changed (only the changed partitions are listed)
 * - refresh: a table's routing refresh entered a phase (query, poll, backoff)
 * - leader: a meta follower named the meta leader; the next query goes there
 */
export type PegasusClientEvents = { [K in ObservedEvent['kind']]: Strip<ObservedEvent, K> };

export type PegasusClientEventName = keyof PegasusClientEvents;
export type Listener<K extends PegasusClientEventName> = (event: PegasusClientEvents[K]) => void;

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
