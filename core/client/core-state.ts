// The client core's state: every machine instance (calls, nodes, tables), the attempts and meta
// queries in flight, the timer heap, the meta-leader guess, the clock, and the queue of machine
// events and the commands produced. One CoreState per ClientCore; the modules beside it operate on
// it, and each kind of machine instance is run through the registry of machine kinds (MachineKind).
import type { EventObject } from 'xstate';
import {
  leafOf,
  type NodeHealthEvent,
  type NodeHealthState,
  type RequestEvent,
  type RequestState,
  type RoutingRefreshEvent,
  type RoutingRefreshState,
} from '../../machines/index.ts';
import type { NodeHealthContext } from '../../machines/node-health.machine.ts';
import type { RequestContext } from '../../machines/request.machine.ts';
import type { RoutingRefreshContext } from '../../machines/routing-refresh.machine.ts';
import type { ActionCommand, Command, CompiledMachine, ExecState } from '../executor/index.ts';
import type { RouteSnapshot } from '../routing/route-snapshot.ts';
import type { AttemptRecord, CallFailure, CoreCommand, ObservedEvent } from './commands.ts';
import type { Connection } from './connection.ts';
import type { CallSpec } from './events.ts';
import { type CompiledMachines, compiledMachinesFor, type MachineKey } from './machine-set.ts';
import type { CoreOptions, CoreOptionsInput } from './options.ts';
import { resolveOptions } from './options-defaults.ts';
import type { Picker } from './picker.ts';
import { SeededRandom } from './seeded-random.ts';
import { type TimerEntry, TimerQueue } from './timer-queue.ts';

export const QUERY_CFG = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

// ---- the registry of machine kinds ----

/**
 * What the interpreter (machine-run.ts) needs to run one kind of machine instance: which definition
 * it runs, and what the definition's named actions do. A new machine is a kind file defining one of
 * these plus its entry in machine-kinds.ts.
 */
export interface MachineKind<I extends Instance> {
  /** the definition it runs, from CoreOptions.machines */
  readonly machine: MachineKey;
  /** performs one named action the machine emitted */
  act(s: CoreState, owner: I, action: ActionCommand): void;
  /** after every step of an instance, even one that emitted nothing (keeps indexes in step) */
  readonly afterStep: ((s: CoreState, owner: I) => void) | null;
  /** once, when an instance reaches a final state */
  readonly retire: ((s: CoreState, owner: I) => void) | null;
}

/** Every kind the core runs; machine-kinds.ts provides the one registry. */
export interface KindRegistry {
  readonly call: MachineKind<CallState>;
  readonly node: MachineKind<NodeState>;
  readonly table: MachineKind<TableState>;
}

/** A kind bound to the compiled definition this core runs it with. */
export interface Runner<C, E extends EventObject> {
  // biome-ignore lint/suspicious/noExplicitAny: the input type matters only where instances are created
  readonly machine: CompiledMachine<C, E, any>;
  // biome-ignore lint/suspicious/noExplicitAny: the owner type is the instance's own (checked at registration)
  readonly kind: MachineKind<any>;
}

/** One machine instance: its state, how it runs, and its live timers. */
export interface Instance<C = unknown, E extends EventObject = EventObject> {
  readonly kind: 'call' | 'node' | 'table';
  readonly runner: Runner<C, E>;
  state: ExecState<C>;
  /** an owner's live timers (at most a few): a small array scanned by id instead of a Map */
  readonly timers: Array<TimerEntry<TimerPayload>>;
}

// ---- instances ----

/**
 * One attempt of a call: a request written to one node under one sequence id, matched to its reply
 * by (node, seqid). A call may hold several in flight (a hedged read); today's request machine sends
 * one at a time.
 */
export interface Attempt {
  readonly kind: 'attempt';
  readonly call: CallState;
  readonly node: NodeState;
  readonly seqid: number;
  /** the entry of the call's history this attempt writes its outcome to */
  readonly record: AttemptRecord;
}

/** The meta query of a table in flight (at most one per table). */
export interface MetaQuery {
  readonly kind: 'meta';
  readonly table: TableState;
  readonly node: NodeState;
  readonly seqid: number;
}

/** What a connection's sequence id waits for. */
export type PendingReply = Attempt | MetaQuery;

export interface CallState extends Instance<RequestContext, RequestEvent> {
  readonly kind: 'call';
  readonly spec: CallSpec;
  readonly table: TableState;
  /** which node an attempt goes to: the partition's primary, or the node the call is pinned to */
  readonly picker: Picker;
  /** partition of the last route lookup (-1 before the first) */
  partition: number;
  /**
   * attempts written and neither answered nor forgotten, in the order they were sent. Replaced,
   * never changed in place: most calls have one attempt at a time, and a one-element array per
   * attempt costs less than a growable array per call.
   */
  inFlight: readonly Attempt[];
  /** node this call depends on (connecting to it or awaiting its reply) */
  attached: NodeState | null;
  waiting: boolean;
  /** every attempt ever written, for the caller's error */
  readonly attempts: AttemptRecord[];
  result: unknown;
  /** why the request could not be encoded, if it could not */
  encodeError?: string;
}

export interface NodeState extends Instance<NodeHealthContext, NodeHealthEvent> {
  readonly kind: 'node';
  readonly address: string;
  readonly conn: Connection<PendingReply>;
  readonly attached: Set<CallState>;
  /** tables whose meta query waits for this (meta) connection to open */
  readonly metaWaiters: Set<TableState>;
  /**
   * why the connection last failed: the system error code (ECONNREFUSED, ENOTFOUND...) when the
   * driver gave one, else the health machine's reason (ERR_CONNECT_TIMEOUT...); cleared on connect
   */
  lastFailure: string | null;
}

export interface TableState extends Instance<RoutingRefreshContext, RoutingRefreshEvent> {
  readonly kind: 'table';
  readonly name: string;
  /** replaced, never mutated: every answer or invalidation makes a new snapshot */
  routes: RouteSnapshot;
  readonly calls: Set<CallState>;
  readonly waiting: Set<CallState>;
  query: MetaQuery | null;
  fullRefresh: boolean;
  readonly opens: Map<number, TimerEntry<TimerPayload>>;
  /** the meta the last query went to (what a failure is recorded against) */
  queriedMeta: string;
  /** the last failure of each meta queried for this table, by address (the cause of a give-up) */
  readonly metaFailures: Map<string, string>;
}

export type Owner = CallState | NodeState | TableState;
export type TimerPayload =
  | { owner: Owner; id: string; event: { type: string } }
  | { owner: null; openRequest: number; table: TableState };

/** the leaf state of a call, a node or a table, typed by its machine */
export function requestStateOf(call: CallState): RequestState {
  return leafOf<RequestState>(call.state.value);
}
export function healthOf(node: NodeState): NodeHealthState {
  return leafOf<NodeHealthState>(node.state.value);
}
export function routingStateOf(table: TableState): RoutingRefreshState {
  return leafOf<RoutingRefreshState>(table.state.value);
}

export function timerOf(owner: Instance, id: string): TimerEntry<TimerPayload> | undefined {
  for (const e of owner.timers) if ((e.payload as { id?: string }).id === id) return e;
  return undefined;
}
export function dropTimer(owner: Instance, entry: TimerEntry<TimerPayload>): void {
  const i = owner.timers.indexOf(entry);
  if (i >= 0) owner.timers.splice(i, 1);
}

export class CoreState {
  readonly options: CoreOptions;
  /** every registered kind, bound to the definition this core runs it with */
  readonly runners: {
    readonly call: CallState['runner'];
    readonly node: NodeState['runner'];
    readonly table: TableState['runner'];
  };
  readonly random: SeededRandom;
  readonly timers = new TimerQueue<TimerPayload>();
  readonly calls = new Map<number, CallState>();
  readonly nodes = new Map<string, NodeState>();
  readonly tables = new Map<string, TableState>();
  readonly metas: string[];
  metaLeader = 0;
  nowMs = 0;
  closed = false;
  out: CoreCommand[] = [];
  /** pending machine events, flattened: owner, event, owner, event, ... (no tuple per event) */
  readonly queue: Array<Owner | { type: string }> = [];
  /** scratch list of one step's commands */
  readonly acts: Command[] = [];

  constructor(options: CoreOptionsInput, kinds: KindRegistry) {
    this.options = resolveOptions(options);
    const machines: CompiledMachines = compiledMachinesFor(this.options.machines);
    const bind = (kind: MachineKind<never>) => ({ machine: machines[kind.machine], kind });
    // the registry pairs each kind with its definition's key; the types of the pair meet here
    this.runners = {
      call: bind(kinds.call),
      node: bind(kinds.node),
      table: bind(kinds.table),
    } as unknown as CoreState['runners'];
    this.random = new SeededRandom(this.options.seed);
    this.metas = [...this.options.metaServers];
  }
}

export function failure(
  code: string,
  cause: string | null,
  outcomeUnknown: boolean,
  attempts: AttemptRecord[],
): CallFailure {
  return { code, cause, outcomeUnknown, attempts };
}

/** an open's failure, with what each meta said about the table so far */
export function openFailure(table: TableState, code: string, cause: string | null = null): CallFailure {
  const f = failure(code, cause, false, []);
  if (table.metaFailures.size > 0)
    f.metaErrors = [...table.metaFailures].map(([address, c]) => ({ address, code: c }));
  return f;
}

export function observe(s: CoreState, event: ObservedEvent): void {
  s.out.push({ type: 'observe', event });
}
