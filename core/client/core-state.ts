// The client core's state: every machine instance (calls, nodes, tables), the timer heap, the
// meta-leader guess, the clock, and the queue of machine events and the commands produced.
// One CoreState per ClientCore; the modules beside it operate on it.
import {
  leafOf,
  type NodeHealthState,
  type RequestState,
  type RoutingRefreshState,
} from '../../machines/index.ts';
import type { NodeHealthContext } from '../../machines/node-health.machine.ts';
import type { RequestContext } from '../../machines/request.machine.ts';
import type { RoutingRefreshContext } from '../../machines/routing-refresh.machine.ts';
import type { Command, ExecState } from '../executor/index.ts';
import type { RouteSnapshot } from '../routing/index.ts';
import type { AttemptRecord, CallFailure, CoreCommand } from './commands.ts';
import type { Connection } from './connection.ts';
import type { CallSpec } from './events.ts';
import { type CompiledMachines, compiledMachinesFor } from './machine-set.ts';
import type { CoreOptions, CoreOptionsInput } from './options.ts';
import { resolveOptions } from './options-defaults.ts';
import { SeededRandom } from './seeded-random.ts';
import { type TimerEntry, TimerQueue } from './timer-queue.ts';

export const QUERY_CFG = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

export interface Timed {
  timers: Array<TimerEntry<TimerPayload>>;
}

export interface CallState extends Timed {
  readonly kind: 'call';
  readonly spec: CallSpec;
  readonly table: TableState;
  state: ExecState<RequestContext>;
  partition: number;
  attempt: { address: string; seqid: number } | null;
  /** node this call depends on (connecting to it or awaiting its reply) */
  attached: NodeState | null;
  waiting: boolean;
  readonly attempts: AttemptRecord[];
  result: unknown;
  /** why the request could not be encoded, if it could not */
  encodeError?: string;
}

export interface NodeState extends Timed {
  readonly kind: 'node';
  readonly address: string;
  state: ExecState<NodeHealthContext>;
  readonly conn: Connection;
  readonly attached: Set<CallState>;
  /** tables whose meta query waits for this (meta) connection to open */
  readonly metaWaiters: Set<TableState>;
}

export interface TableState extends Timed {
  readonly kind: 'table';
  readonly name: string;
  /** replaced, never mutated: every answer or invalidation makes a new snapshot */
  routes: RouteSnapshot;
  state: ExecState<RoutingRefreshContext>;
  readonly calls: Set<CallState>;
  readonly waiting: Set<CallState>;
  query: { address: string; seqid: number } | null;
  fullRefresh: boolean;
  readonly opens: Map<number, TimerEntry<TimerPayload>>;
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

/** an owner's live timers (at most a few): a small array scanned by id instead of a Map per call */
export function timerOf(owner: Timed, id: string): TimerEntry<TimerPayload> | undefined {
  for (const e of owner.timers) if ((e.payload as { id?: string }).id === id) return e;
  return undefined;
}
export function dropTimer(owner: Timed, entry: TimerEntry<TimerPayload>): void {
  const i = owner.timers.indexOf(entry);
  if (i >= 0) owner.timers.splice(i, 1);
}

export class CoreState {
  readonly options: CoreOptions;
  readonly machines: CompiledMachines;
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

  constructor(options: CoreOptionsInput) {
    this.options = resolveOptions(options);
    this.machines = compiledMachinesFor(this.options.machines);
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
