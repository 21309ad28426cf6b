// The client core's state: every machine instance (calls, nodes, tables), the attempts and meta
// queries in flight, the timer heap, the meta-leader guess, the clock, and the queue of machine
// events and the commands produced. One CoreState per ClientCore; the modules beside it operate on
// it, and each kind of machine instance is run through the registry of machine kinds (MachineKind).
import type { EventObject } from 'xstate';
import type { HedgeContext } from '../../machines/hedge.machine.ts';
import {
  type HedgeEvent,
  type HedgeState as HedgeLeaf,
  leafOf,
  type NodeHealthEvent,
  type NodeHealthState,
  type RequestEvent,
  type RequestState,
  type RoutingRefreshEvent,
  type RoutingRefreshState,
  type ScannerEvent,
  type ScannerState,
} from '../../machines/index.ts';
import type { NodeHealthContext } from '../../machines/node-health.machine.ts';
import type { RequestContext } from '../../machines/request.machine.ts';
import type { RoutingRefreshContext } from '../../machines/routing-refresh.machine.ts';
import type { ScannerContext } from '../../machines/scanner.machine.ts';
import type { ActionCommand, Command, CompiledMachine, ExecState } from '../executor/index.ts';
import type { RouteSnapshot } from '../routing/route-snapshot.ts';
import type { AttemptRecord, CallFailure, CoreCommand, ObservedEvent } from './commands.ts';
import type { Connection } from './connection.ts';
import type { CallSpec, ScannerSpec, ScanRecord } from './events.ts';
import { IdSet, IdTable } from './id-table.ts';
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
  readonly scanner: MachineKind<ScannerRun>;
  readonly hedge: MachineKind<HedgeState>;
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
  readonly kind: 'call' | 'node' | 'table' | 'scanner' | 'hedge';
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
  /** a backup request (is_backup_request, to a secondary): owned by the call's hedge, not in inFlight */
  readonly backup?: true;
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
  /**
   * a call the core started for one of its own instances (a scanner's get_scanner or scan): its
   * outcome goes there instead of to the caller; null for a user's call
   */
  readonly onSettle:
    | ((s: CoreState, ok: boolean, result: unknown, failure: CallFailure | null) => void)
    | null;
  /** the backup requests of a hedged read (hedge-kind.ts), while they may still act */
  hedge: HedgeState | null;
}

/** The hedge machine's instance of one hedged read: at most one backup attempt, to a secondary. */
export interface HedgeState extends Instance<HedgeContext, HedgeEvent> {
  readonly kind: 'hedge';
  readonly call: CallState;
  /** the backup in flight (registered on its node's connection), or null */
  attempt: Attempt | null;
  /** after the backup won: the primary's unanswered attempt, watched until its attempt timeout */
  probe: Attempt | null;
  /** lookups (checkPrimary, pickSecondary) answered at `burstAtMs`: a guard against a machine that loops */
  burst: number;
  burstAtMs: number;
}

export interface NodeState extends Instance<NodeHealthContext, NodeHealthEvent> {
  readonly kind: 'node';
  readonly address: string;
  readonly conn: Connection<PendingReply>;
  readonly attached: IdSet<CallState>;
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
  readonly calls: IdSet<CallState>;
  readonly waiting: IdSet<CallState>;
  query: MetaQuery | null;
  fullRefresh: boolean;
  readonly opens: Map<number, TimerEntry<TimerPayload>>;
  /** the meta the last query went to (what a failure is recorded against) */
  queriedMeta: string;
  /** the last failure of each meta queried for this table, by address (the cause of a give-up) */
  readonly metaFailures: Map<string, string>;
}

/** One part of a scan: a partition under a partition count (a hash scan: index -1), and where it goes on. */
export interface ScanSegment {
  /** partition index under `count` (full scans); -1 for a hash scan */
  readonly index: number;
  readonly count: number;
  /** where get_scanner starts: the segment's start, or the last key yielded (exclusive) */
  startKey: Buffer;
  startInclusive: boolean;
  /**
   * full scans: the last key yielded per hash class (partition hash mod the scanner's modulus), so
   * a split can tell each child where its own keys stopped being yielded
   */
  readonly lastByClass: Map<number, Buffer>;
}

/** One scanner (a public scan iterator): its segments, its context on a server and its consumer. */
export interface ScannerRun extends Instance<ScannerContext, ScannerEvent> {
  readonly kind: 'scanner';
  readonly id: number;
  readonly spec: ScannerSpec;
  readonly table: TableState;
  /** segments still to read, the current one first */
  readonly segments: ScanSegment[];
  /** segments read to their end, waiting for meta to say whether the table split meanwhile */
  readonly ended: ScanSegment[];
  /** the call in flight (get_scanner or scan), if any */
  call: CallState | null;
  /** the context the server holds for the current segment, if any */
  context: { id: bigint; node: string; appId: number; partition: number } | null;
  /** the records of the latest batch, for the consumer */
  ready: ScanRecord[];
  /** the consumer's request for a batch, waiting (its call id) */
  pendingNext: number | null;
  /** confirming: the meta query that was already in flight when the segment ended (its answer may be older) */
  confirm: { stale: MetaQuery | null } | null;
  /** the failure of the latest call, for the consumer's error */
  lastFailure: CallFailure | null;
}

export type Owner = CallState | NodeState | TableState | ScannerRun | HedgeState;
export type TimerPayload =
  | { owner: Owner; id: string; event: { type: string } }
  | { owner: null; openRequest: number; table: TableState };

/** the leaf state of a call, a node or a table, typed by its machine */
export function requestStateOf(call: CallState): RequestState {
  return leafOf<RequestState>(call.state.value);
}
export function hedgeStateOf(hedge: HedgeState): HedgeLeaf {
  return leafOf<HedgeLeaf>(hedge.state.value);
}
export function healthOf(node: NodeState): NodeHealthState {
  return leafOf<NodeHealthState>(node.state.value);
}
export function routingStateOf(table: TableState): RoutingRefreshState {
  return leafOf<RoutingRefreshState>(table.state.value);
}
export function scannerStateOf(scanner: ScannerRun): ScannerState {
  return leafOf<ScannerState>(scanner.state.value);
}

export function timerOf(owner: Instance, id: string): TimerEntry<TimerPayload> | undefined {
  for (const e of owner.timers) if ((e.payload as { id?: string }).id === id) return e;
  return undefined;
}
export function dropTimer(owner: Instance, entry: TimerEntry<TimerPayload>): void {
  // the last one takes its place (order does not matter; splice would allocate its result array)
  const timers = owner.timers;
  const i = timers.indexOf(entry);
  if (i < 0) return;
  const last = timers.pop()!;
  if (i < timers.length) timers[i] = last;
}

/** the id a call is known by in the tables of core/client/id-table.ts */
export const callIdOf = (call: CallState): number => call.spec.callId;
/** a hedge belongs to one call: it goes by the call's id */
const hedgeIdOf = (hedge: HedgeState): number => hedge.call.spec.callId;

/** never performed: a kind told to perform it throws (machine-run.ts skips it) */
const ACTS_PLACEHOLDER = Object.freeze({ type: 'actsPlaceholder', params: undefined }) as Command;

export class CoreState {
  readonly options: CoreOptions;
  /** every registered kind, bound to the definition this core runs it with */
  readonly runners: {
    readonly call: CallState['runner'];
    readonly node: NodeState['runner'];
    readonly table: TableState['runner'];
    readonly scanner: ScannerRun['runner'];
    readonly hedge: HedgeState['runner'];
  };
  readonly random: SeededRandom;
  readonly timers = new TimerQueue<TimerPayload>();
  readonly calls = new IdTable<CallState>();
  readonly nodes = new Map<string, NodeState>();
  readonly tables = new Map<string, TableState>();
  readonly scanners = new Map<number, ScannerRun>();
  /** ids of the calls the core starts itself (negative: never a caller's id) */
  nextOwnCallId = -1;
  /** live hedge instances (hedged reads whose backup may still go out or be in flight) */
  readonly hedges = new IdSet<HedgeState>(hedgeIdOf);
  readonly metas: string[];
  metaLeader = 0;
  nowMs = 0;
  closed = false;
  /** the commands of the event being handled (emit() adds to it) */
  out: CoreCommand[] = NO_COMMANDS;
  /** pending machine events, flattened: owner, event, owner, event, ... (no tuple per event) */
  readonly queue: Array<Owner | { type: string }> = [];
  /** scratch list of one step's commands, after a placeholder that stays (machine-run.ts) */
  readonly acts: Command[] = [ACTS_PLACEHOLDER];

  constructor(options: CoreOptionsInput, kinds: KindRegistry) {
    this.options = resolveOptions(options);
    const machines: CompiledMachines = compiledMachinesFor(this.options.machines);
    const bind = (kind: MachineKind<never>) => ({ machine: machines[kind.machine], kind });
    // the registry pairs each kind with its definition's key; the types of the pair meet here
    this.runners = {
      call: bind(kinds.call),
      node: bind(kinds.node),
      table: bind(kinds.table),
      scanner: bind(kinds.scanner),
      hedge: bind(kinds.hedge),
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
  emit(s, { type: 'observe', event });
}

/**
 * Adds a command to the event's output. The list is made at the first command, holding it (most
 * events produce one, a send or a settle): an empty array grown by push allocates room for 16.
 */
export function emit(s: CoreState, cmd: CoreCommand): void {
  if (s.out === NO_COMMANDS) s.out = [cmd];
  else s.out.push(cmd);
}

/** the output of an event that has produced no command yet (never written to) */
export const NO_COMMANDS: CoreCommand[] = Object.freeze([]) as unknown as CoreCommand[];
