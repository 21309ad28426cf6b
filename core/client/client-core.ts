// The sans-I/O client core: events in, commands out, time as an input.
// It owns the machine instances (one per call, per server address, per table) and executes the
// named actions their definitions emit; it decides nothing the machines decide. Events produced
// while executing actions go through one FIFO queue and are run to completion inside handle().
import type { NodeHealthEvent, RequestEvent, RoutingRefreshEvent } from '../../machines/index.ts';
import type { NodeHealthContext } from '../../machines/node-health.machine.ts';
import type { RequestContext } from '../../machines/request.machine.ts';
import type { RoutingRefreshContext } from '../../machines/routing-refresh.machine.ts';
import type { ActionCommand, Command, ExecState } from '../executor/index.ts';
import {
  classifyError,
  decodeResult,
  encodeRequest,
  ProtocolError,
  type ResponseFrame,
} from '../wire/index.ts';
import type { QueryCfgResponse } from '../wire/types.ts';
import type { AttemptRecord, CallFailure, CoreCommand, ObservedEvent } from './commands.ts';
import { Connection } from './connection.ts';
import { describeState } from './describe-state.ts';
import type { CallSpec, CoreEvent } from './events.ts';
import { type CompiledMachines, compiledMachinesFor } from './machine-set.ts';
import type { CoreOptions, CoreOptionsInput } from './options.ts';
import { resolveOptions } from './options-defaults.ts';
import { RouteTable } from './route-table.ts';
import { SeededRandom } from './seeded-random.ts';
import { type TimerEntry, TimerQueue } from './timer-queue.ts';

const QUERY_CFG = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

interface Timed {
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
  readonly routes: RouteTable;
  state: ExecState<RoutingRefreshContext>;
  readonly calls: Set<CallState>;
  readonly waiting: Set<CallState>;
  query: { address: string; seqid: number } | null;
  fullRefresh: boolean;
  readonly opens: Map<number, TimerEntry<TimerPayload>>;
}

type Owner = CallState | NodeState | TableState;
type TimerPayload =
  | { owner: Owner; id: string; event: { type: string } }
  | { owner: null; openRequest: number; table: TableState };

/** the innermost state name of a snapshot value */
function leafOf(value: unknown): string {
  let v = value;
  // for-in, not Object.values: this runs on every call step and must not allocate
  while (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    let next: unknown;
    for (const k in o) {
      next = o[k];
      break;
    }
    v = next;
  }
  return String(v);
}

/** an owner's live timers (at most a few): a small array scanned by id instead of a Map per call */
function timerOf(owner: Timed, id: string): TimerEntry<TimerPayload> | undefined {
  for (const e of owner.timers) if ((e.payload as { id?: string }).id === id) return e;
  return undefined;
}
function dropTimer(owner: Timed, entry: TimerEntry<TimerPayload>): void {
  const i = owner.timers.indexOf(entry);
  if (i >= 0) owner.timers.splice(i, 1);
}

export class ClientCore {
  readonly options: CoreOptions;
  private readonly machines: CompiledMachines;
  private readonly random: SeededRandom;
  private readonly timers = new TimerQueue<TimerPayload>();
  private readonly calls = new Map<number, CallState>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly tables = new Map<string, TableState>();
  private readonly metas: string[];
  private metaLeader = 0;
  private nowMs = 0;
  private closed = false;
  private out: CoreCommand[] = [];
  /** pending machine events, flattened: owner, event, owner, event, ... (no tuple per event) */
  private readonly queue: Array<Owner | { type: string }> = [];
  private readonly acts: Command[] = [];

  constructor(options: CoreOptionsInput) {
    this.options = resolveOptions(options);
    this.machines = compiledMachinesFor(this.options.machines);
    this.random = new SeededRandom(this.options.seed);
    this.metas = [...this.options.metaServers];
  }

  /** Feed one event; returns the commands it produced, in order. */
  handle(event: CoreEvent, nowMs: number): CoreCommand[] {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    switch (event.type) {
      case 'call':
        this.startCall(event);
        break;
      case 'openTable':
        this.openTable(event.requestId, event.table, event.timeoutMs);
        break;
      case 'abort': {
        const call = this.calls.get(event.callId);
        if (call !== undefined) this.enqueue(call, { type: 'ABORT', error: event.error });
        break;
      }
      case 'connected': {
        const node = this.nodes.get(event.address);
        if (node !== undefined) this.enqueue(node, { type: 'CONNECTED' });
        break;
      }
      case 'data':
        this.onData(event.address, event.bytes);
        break;
      case 'connectionLost': {
        const node = this.nodes.get(event.address);
        const reason = event.reason === 'refused' ? 'ERR_CONNECTION_REFUSED' : 'ERR_SESSION_RESET';
        if (node !== undefined)
          this.enqueue(node, { type: 'CONNECTION_LOST', reason, jitter: this.random.next() });
        break;
      }
      case 'tick':
        break;
      case 'close':
        this.close();
        break;
    }
    this.drain();
    this.fireDueTimers();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** the earliest moment the core wants a `tick`, or null when no timer is set */
  nextTimerMs(): number | null {
    return this.timers.nextDueMs();
  }

  // ---- introspection (tests, properties, observability) ----

  get now(): number {
    return this.nowMs;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  pendingCallIds(): number[] {
    return [...this.calls.keys()];
  }
  callsWaitingOn(address: string): number[] {
    const node = this.nodes.get(address);
    return node === undefined ? [] : [...node.attached].map((c) => c.spec.callId);
  }
  callState(callId: number): string | null {
    const call = this.calls.get(callId);
    return call === undefined ? null : leafOf(call.state.value);
  }
  nodeHealth(address: string): string | null {
    const node = this.nodes.get(address);
    return node === undefined ? null : leafOf(node.state.value);
  }
  routingState(table: string): string | null {
    const t = this.tables.get(table);
    return t === undefined ? null : leafOf(t.state.value);
  }
  routeTable(table: string): RouteTable | null {
    return this.tables.get(table)?.routes ?? null;
  }
  timerCount(): number {
    return this.timers.size;
  }
  openConnections(): string[] {
    return [...this.nodes.values()]
      .filter((n) => ['connecting', 'ready', 'suspect'].includes(leafOf(n.state.value)))
      .map((n) => n.address);
  }
  /** canonical text of all state that decides the core's future (state hashing, debugging) */
  describe(): string[] {
    return describeState({
      nowMs: this.nowMs,
      closed: this.closed,
      metas: this.metas,
      metaLeader: this.metaLeader,
      randomPosition: this.random.position,
      nextTimerMs: this.timers.nextDueMs(),
      calls: this.calls.values(),
      nodes: this.nodes.values(),
      tables: this.tables.values(),
    });
  }

  /** every machine instance's current state (leaf name), for traces and timelines */
  machineStates(): {
    calls: Record<string, string>;
    nodes: Record<string, string>;
    tables: Record<string, string>;
  } {
    const calls: Record<string, string> = {};
    for (const [id, c] of this.calls) calls[String(id)] = leafOf(c.state.value);
    const nodes: Record<string, string> = {};
    for (const [address, n] of this.nodes) nodes[address] = leafOf(n.state.value);
    const tables: Record<string, string> = {};
    for (const [name, t] of this.tables) tables[name] = leafOf(t.state.value);
    return { calls, nodes, tables };
  }
  /** meta queries of `table` awaiting an answer (single flight: never more than one) */
  metaQueriesInFlight(table: string): number {
    let n = 0;
    for (const node of this.nodes.values()) {
      for (const p of node.conn.pending.values()) if (p.kind === 'meta' && p.table === table) n++;
    }
    return n;
  }
  metaLeaderAddress(): string {
    return this.metas[this.metaLeader] ?? '';
  }

  // ---- event entry points ----

  private startCall(spec: CallSpec): void {
    if (this.closed) {
      this.out.push({
        type: 'settle',
        callId: spec.callId,
        ok: false,
        failure: failure('ERR_CLIENT_CLOSED', null, false, []),
      });
      return;
    }
    const table = this.table(spec.table);
    const o = this.options;
    const [state, acts] = this.machines.request.initial({
      idempotent: spec.idempotent,
      nowMs: this.nowMs,
      deadlineMs: this.nowMs + spec.timeoutMs,
      attemptTimeoutMs: o.attemptTimeoutMs,
      retryBackoffMs: o.retryBackoffMs,
      retryBackoffCapMs: o.retryBackoffCapMs,
    });
    const call: CallState = {
      kind: 'call',
      spec,
      table,
      state,
      partition: -1,
      attempt: null,
      attached: null,
      waiting: false,
      attempts: [],
      result: undefined,
      timers: [],
    };
    this.calls.set(spec.callId, call);
    table.calls.add(call);
    this.afterStep(call, acts);
  }

  private openTable(requestId: number, name: string, timeoutMs: number): void {
    if (this.closed) {
      this.out.push({
        type: 'tableOpened',
        requestId,
        ok: false,
        failure: failure('ERR_CLIENT_CLOSED', null, false, []),
      });
      return;
    }
    const table = this.table(name);
    if (table.routes.loaded) {
      this.out.push({ type: 'tableOpened', requestId, ok: true, config: this.configOf(table) });
      return;
    }
    const entry = this.timers.add(this.nowMs + timeoutMs, { owner: null, openRequest: requestId, table });
    table.opens.set(requestId, entry);
    this.enqueue(table, { type: 'REFRESH' });
  }

  private onData(address: string, bytes: Uint8Array): void {
    const node = this.nodes.get(address);
    if (node === undefined) return;
    const { frames, error } = node.conn.decoder.push(bytes);
    for (const frame of frames) {
      if (!this.onFrame(node, frame)) return;
    }
    if (error !== undefined) this.breakConnection(node, error);
  }

  /** returns false when the frame broke the connection */
  private onFrame(node: NodeState, frame: ResponseFrame): boolean {
    const pending = node.conn.pending.get(frame.seqid);
    if (pending === undefined) return true; // e.g. an attempt already abandoned: drop its late reply
    node.conn.pending.delete(frame.seqid);
    this.enqueue(node, { type: 'REPLY_RECEIVED' });
    if (pending.kind === 'meta') return this.onMetaReply(node, pending.table, frame);
    const call = this.calls.get(pending.callId);
    const attempt = call?.attempt;
    if (
      call === undefined ||
      attempt == null ||
      attempt.seqid !== frame.seqid ||
      attempt.address !== node.address
    )
      return true;
    call.attempt = null;
    this.endAttempt(call, frame.error);
    if (frame.error !== 'ERR_OK') {
      const cls = classifyError(frame.error);
      this.enqueue(call, {
        type: 'REPLY_ERROR',
        nowMs: this.nowMs,
        error: frame.error,
        refresh: cls.refresh,
        retry: cls.retry,
      });
      return true;
    }
    try {
      call.result = decodeResult(call.spec.rpc, frame.body);
    } catch (e) {
      this.breakConnection(node, e);
      return false;
    }
    this.enqueue(call, { type: 'REPLY_OK' });
    return true;
  }

  private onMetaReply(node: NodeState, tableName: string, frame: ResponseFrame): boolean {
    const table = this.tables.get(tableName);
    const query = table?.query;
    if (table === undefined || query == null || query.seqid !== frame.seqid || query.address !== node.address)
      return true;
    table.query = null;
    if (frame.error !== 'ERR_OK') {
      this.enqueue(table, { type: 'QUERY_FAILED', reason: frame.error, jitter: this.random.next() });
      return true;
    }
    let resp: QueryCfgResponse;
    try {
      resp = decodeResult(QUERY_CFG, frame.body);
    } catch (e) {
      this.enqueue(table, { type: 'QUERY_FAILED', reason: 'ERR_PROTOCOL', jitter: this.random.next() });
      this.breakConnection(node, e);
      return false;
    }
    switch (classifyError(resp.err).meta) {
      case 'ok':
        this.applyConfig(table, resp);
        break;
      case 'follow-leader': {
        const first = resp.partitions[0];
        let leader = first?.primary ?? '';
        if (leader === '' && first?.hp_primary !== undefined && first.hp_primary.type !== 0) {
          leader = `${first.hp_primary.host}:${first.hp_primary.port}`;
        }
        if (leader !== '') this.enqueue(table, { type: 'QUERY_FORWARDED', leader });
        else this.enqueue(table, { type: 'QUERY_FAILED', reason: resp.err, jitter: this.random.next() });
        break;
      }
      case 'retry-same-later':
        this.enqueue(table, { type: 'QUERY_NOT_ACTIVE', jitter: this.random.next() });
        break;
      case 'table-missing':
      case 'table-busy': {
        // The table does not exist (or is being created/dropped): nothing waiting on it can succeed now.
        const code = resp.err === 'ERR_OBJECT_NOT_FOUND' ? 'ERR_APP_NOT_EXIST' : resp.err;
        this.failOpens(table, code);
        for (const call of table.calls) this.enqueue(call, { type: 'ABORT', error: code });
        this.enqueue(table, { type: 'QUERY_OK', waiting: false, jitter: this.random.next() });
        break;
      }
      default:
        this.enqueue(table, { type: 'QUERY_FAILED', reason: resp.err, jitter: this.random.next() });
    }
    return true;
  }

  private applyConfig(table: TableState, resp: QueryCfgResponse): void {
    const before = new Map<number, string>();
    for (const call of table.calls) {
      if (call.attached !== null && call.partition >= 0) before.set(call.partition, call.attached.address);
    }
    const { reset, changed } = table.routes.apply(resp);
    if (changed.length > 0 || reset) {
      this.observe({
        kind: 'routing',
        table: table.name,
        appId: table.routes.appId,
        partitionCount: table.routes.partitionCount,
        changed: changed.map((index) => {
          const r = table.routes.partitions[index];
          return { index, ballot: r?.ballot ?? -1n, primary: r?.primary ?? '' };
        }),
      });
    }
    const moved = new Set(changed);
    // Calls in flight on a partition that moved go to its new primary at once (idempotent ones).
    for (const call of table.calls) {
      if (call.attached === null || call.waiting) continue;
      if (!reset && !moved.has(call.partition)) continue;
      const p = table.routes.partitionOf(call.spec.partitionHash);
      this.enqueue(call, { type: 'ROUTE_CHANGED', nowMs: this.nowMs, primary: table.routes.primaryOf(p) });
    }
    let stillWaiting = false;
    for (const call of table.waiting) {
      const p = table.routes.partitionOf(call.spec.partitionHash);
      const primary = table.routes.primaryOf(p);
      if (primary !== null && this.usable(primary)) {
        this.enqueue(call, { type: 'ROUTE_CHANGED', nowMs: this.nowMs, primary });
      } else {
        stillWaiting = true;
      }
    }
    for (const [requestId, entry] of table.opens) {
      this.timers.cancel(entry);
      this.out.push({ type: 'tableOpened', requestId, ok: true, config: this.configOf(table) });
    }
    table.opens.clear();
    this.enqueue(table, { type: 'QUERY_OK', waiting: stillWaiting, jitter: this.random.next() });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) this.enqueue(call, { type: 'ABORT', error: 'ERR_CLIENT_CLOSED' });
    this.drain();
    for (const table of this.tables.values()) {
      this.failOpens(table, 'ERR_CLIENT_CLOSED');
      this.enqueue(table, { type: 'SHUTDOWN' });
    }
    for (const node of this.nodes.values()) this.enqueue(node, { type: 'SHUTDOWN' });
    this.drain();
    this.timers.clear();
  }

  // ---- machine execution ----

  private enqueue(
    owner: Owner,
    event: RequestEvent | NodeHealthEvent | RoutingRefreshEvent | { type: string },
  ): void {
    this.queue.push(owner, event);
  }

  private drain(): void {
    // Index-based: actions append to the queue while it is being drained.
    for (let i = 0; i < this.queue.length; i += 2) {
      const owner = this.queue[i] as Owner;
      const event = this.queue[i + 1] as { type: string };
      this.step(owner, event);
    }
    this.queue.length = 0;
  }

  private step(owner: Owner, event: { type: string }): void {
    if (owner.state.status !== 'active') return;
    const acts = this.acts;
    acts.length = 0;
    switch (owner.kind) {
      case 'call':
        owner.state = this.machines.request.step(owner.state, event as RequestEvent, acts as never);
        break;
      case 'node':
        owner.state = this.machines.nodeHealth.step(owner.state, event as NodeHealthEvent, acts as never);
        break;
      case 'table':
        owner.state = this.machines.routingRefresh.step(
          owner.state,
          event as RoutingRefreshEvent,
          acts as never,
        );
        break;
    }
    if (acts.length > 0 || owner.kind === 'call') this.afterStep(owner, acts);
  }

  private afterStep(owner: Owner, acts: Command[]): void {
    if (owner.kind === 'call') this.indexCall(owner);
    for (let i = 0; i < acts.length; i++) {
      const a = acts[i]!;
      if (a.type === 'startTimer') {
        const t = a as Extract<Command, { type: 'startTimer' }>;
        const previous = timerOf(owner, t.id);
        if (previous !== undefined) {
          this.timers.cancel(previous);
          dropTimer(owner, previous);
        }
        owner.timers.push(this.timers.add(this.nowMs + t.delayMs, { owner, id: t.id, event: t.event }));
      } else if (a.type === 'cancelTimer') {
        const entry = timerOf(owner, (a as Extract<Command, { type: 'cancelTimer' }>).id);
        if (entry !== undefined) {
          this.timers.cancel(entry);
          dropTimer(owner, entry);
        }
      } else if (owner.kind === 'call') this.callAction(owner, a as ActionCommand);
      else if (owner.kind === 'node') this.nodeAction(owner, a as ActionCommand);
      else this.tableAction(owner, a as ActionCommand);
    }
    if (owner.kind === 'call' && owner.state.status !== 'active') this.retireCall(owner);
  }

  private indexCall(call: CallState): void {
    const leaf = leafOf(call.state.value);
    const waiting = leaf === 'waitingRoute';
    if (waiting !== call.waiting) {
      call.waiting = waiting;
      if (waiting) call.table.waiting.add(call);
      else call.table.waiting.delete(call);
    }
    const node = call.state.context.node;
    const attachTo =
      (leaf === 'connecting' || leaf === 'awaiting' || leaf === 'awaitingLate') && node !== null
        ? this.node(node)
        : null;
    if (attachTo !== call.attached) {
      call.attached?.attached.delete(call);
      attachTo?.attached.add(call);
      call.attached = attachTo;
    }
  }

  private retireCall(call: CallState): void {
    for (const entry of call.timers) this.timers.cancel(entry);
    call.timers.length = 0;
    if (call.attempt !== null) this.nodes.get(call.attempt.address)?.conn.pending.delete(call.attempt.seqid);
    call.attempt = null;
    call.attached?.attached.delete(call);
    call.attached = null;
    call.table.waiting.delete(call);
    call.table.calls.delete(call);
    this.calls.delete(call.spec.callId);
  }

  private callAction(call: CallState, a: ActionCommand): void {
    switch (a.type) {
      case 'lookupRoute':
        this.enqueue(call, this.lookup(call));
        break;
      case 'sendAttempt':
        this.sendAttempt(call, a.params as { node: string; timeoutMs: number });
        break;
      case 'forgetAttempt':
        if (call.attempt !== null) {
          this.nodes.get(call.attempt.address)?.conn.pending.delete(call.attempt.seqid);
          call.attempt = null;
          this.endAttempt(call, 'abandoned');
        }
        break;
      case 'requestRefresh':
        this.enqueue(call.table, { type: 'REFRESH' });
        break;
      case 'invalidateRoute': {
        const { scope } = a.params as { scope: string };
        if (scope === 'table') {
          call.table.routes.invalidateAll();
          call.table.fullRefresh = true;
        } else if (call.partition >= 0) call.table.routes.invalidate(call.partition);
        break;
      }
      case 'markSuspect': {
        this.endAttempt(call, 'ERR_TIMEOUT');
        const node = this.nodes.get((a.params as { node: string }).node);
        if (node !== undefined) this.enqueue(node, { type: 'ATTEMPT_TIMEOUT' });
        break;
      }
      case 'settleOk':
        this.out.push({
          type: 'settle',
          callId: call.spec.callId,
          ok: true,
          result: call.result,
          attempts: call.attempts,
        });
        break;
      case 'settleError': {
        const p = a.params as { error: string; cause: string | null; outcomeUnknown: boolean };
        this.endAttempt(call, p.error);
        this.out.push({
          type: 'settle',
          callId: call.spec.callId,
          ok: false,
          failure: failure(p.error, call.encodeError ?? p.cause, p.outcomeUnknown, call.attempts),
        });
        break;
      }
      default:
        throw new Error(`core: request machine emitted unknown action ${a.type}`);
    }
  }

  private nodeAction(node: NodeState, a: ActionCommand): void {
    switch (a.type) {
      case 'openConnection':
        node.conn.reset();
        this.out.push({ type: 'connect', address: node.address });
        break;
      case 'closeConnection':
        this.out.push({ type: 'disconnect', address: node.address });
        break;
      case 'failPending': {
        const { reason } = a.params as { reason: string };
        // Nobody waits on a dead node: every dependent call hears about it in this same step.
        for (const call of node.attached) {
          this.enqueue(call, { type: 'NODE_DOWN', nowMs: this.nowMs, node: node.address, reason });
        }
        for (const pending of node.conn.pending.values()) {
          if (pending.kind !== 'meta') continue;
          const table = this.tables.get(pending.table);
          if (table !== undefined && table.query?.address === node.address) {
            table.query = null;
            this.enqueue(table, { type: 'QUERY_FAILED', reason, jitter: this.random.next() });
          }
        }
        for (const table of node.metaWaiters) {
          this.enqueue(table, { type: 'QUERY_FAILED', reason, jitter: this.random.next() });
        }
        node.metaWaiters.clear();
        node.conn.reset();
        break;
      }
      case 'nodeUsable':
        this.onNodeUsable(node);
        break;
      case 'notifyHealth':
        this.observe({
          kind: 'health',
          address: node.address,
          health: (a.params as { health: string }).health,
        });
        break;
      default:
        throw new Error(`core: node machine emitted unknown action ${a.type}`);
    }
  }

  private tableAction(table: TableState, a: ActionCommand): void {
    switch (a.type) {
      case 'sendQuery':
        this.sendQuery(table);
        break;
      case 'abandonQuery':
        if (table.query !== null) this.nodes.get(table.query.address)?.conn.pending.delete(table.query.seqid);
        table.query = null;
        for (const node of this.nodes.values()) node.metaWaiters.delete(table);
        break;
      case 'followLeader': {
        const { leader } = a.params as { leader: string };
        let index = this.metas.indexOf(leader);
        if (index < 0) index = this.metas.push(leader) - 1;
        this.metaLeader = index;
        this.observe({ kind: 'leader', table: table.name, address: leader });
        break;
      }
      case 'rotateMeta':
        this.metaLeader = (this.metaLeader + 1) % this.metas.length;
        break;
      case 'notifyRefresh':
        this.observe({ kind: 'refresh', table: table.name, phase: (a.params as { phase: string }).phase });
        break;
      default:
        throw new Error(`core: routing machine emitted unknown action ${a.type}`);
    }
  }

  // ---- actions' effects ----

  private lookup(call: CallState): RequestEvent {
    const routes = call.table.routes;
    if (!routes.loaded) return { type: 'ROUTE_MISSING' };
    call.partition = routes.partitionOf(call.spec.partitionHash);
    const primary = routes.primaryOf(call.partition);
    if (primary === null) return { type: 'ROUTE_MISSING' };
    const node = this.node(primary);
    switch (leafOf(node.state.value)) {
      case 'ready':
      case 'suspect':
        return { type: 'ROUTE_READY', nowMs: this.nowMs, node: primary };
      case 'idle':
        this.enqueue(node, { type: 'CONNECT' });
        return { type: 'ROUTE_CONNECTING', node: primary };
      case 'connecting':
        return { type: 'ROUTE_CONNECTING', node: primary };
      default:
        // Known down: never send to it; wait for a new primary or for the node to come back.
        return { type: 'ROUTE_MISSING' };
    }
  }

  private usable(address: string): boolean {
    const node = this.nodes.get(address);
    if (node === undefined) return true;
    const health = leafOf(node.state.value);
    return health !== 'down' && health !== 'closed';
  }

  private sendAttempt(call: CallState, p: { node: string; timeoutMs: number }): void {
    const node = this.node(p.node);
    const seqid = node.conn.register({ kind: 'call', callId: call.spec.callId });
    let bytes: Buffer;
    try {
      bytes = encodeRequest(
        call.spec.rpc,
        seqid,
        call.spec.args as never,
        {
          app_id: call.table.routes.appId,
          partition_index: call.partition,
          // whole ms in i32 range, never 0: the server treats 0 as "drop always" (WIRE.md 10)
          client_timeout_ms: Math.max(1, Math.min(0x7fffffff, Math.floor(p.timeoutMs))),
          partition_hash: call.spec.partitionHash,
          is_backup_request: call.spec.backupRequest === true,
        },
        { headerVersion: this.options.headerVersion },
      );
    } catch (e) {
      // Arguments are validated before a call reaches the core, so this is a bug: fail loudly, once.
      node.conn.pending.delete(seqid);
      const code = e instanceof ProtocolError ? 'ERR_INVALID_PARAMETERS' : 'ERR_UNKNOWN';
      call.encodeError = e instanceof Error ? e.message : String(e);
      this.enqueue(call, { type: 'ABORT', error: code });
      return;
    }
    call.attempt = { address: p.node, seqid };
    call.attempts.push({ node: p.node, sentAtMs: this.nowMs, outcome: null, endedAtMs: null });
    this.out.push({ type: 'send', address: p.node, bytes });
  }

  private sendQuery(table: TableState): void {
    const address = this.metas[this.metaLeader]!;
    const node = this.node(address);
    switch (leafOf(node.state.value)) {
      case 'ready':
      case 'suspect':
        this.writeQuery(table, node);
        break;
      case 'idle':
        node.metaWaiters.add(table);
        this.enqueue(node, { type: 'CONNECT' });
        break;
      case 'connecting':
        node.metaWaiters.add(table);
        break;
      default:
        this.enqueue(table, {
          type: 'QUERY_FAILED',
          reason: 'ERR_SESSION_RESET',
          jitter: this.random.next(),
        });
    }
  }

  private writeQuery(table: TableState, node: NodeState): void {
    const seqid = node.conn.register({ kind: 'meta', table: table.name });
    const partitions = new Set<number>();
    if (table.routes.loaded && !table.fullRefresh) {
      for (const call of table.waiting) if (call.partition >= 0) partitions.add(call.partition);
    }
    table.fullRefresh = false;
    const bytes = encodeRequest(
      QUERY_CFG,
      seqid,
      { app_name: table.name, partition_indices: [...partitions].sort((a, b) => a - b) },
      {
        app_id: 0,
        partition_index: 0,
        client_timeout_ms: Math.max(1, Math.floor(this.options.metaQueryTimeoutMs)),
        partition_hash: 0n,
        is_backup_request: false,
      },
      { headerVersion: this.options.headerVersion },
    );
    table.query = { address: node.address, seqid };
    this.out.push({ type: 'send', address: node.address, bytes });
  }

  private onNodeUsable(node: NodeState): void {
    for (const call of node.attached) {
      if (leafOf(call.state.value) === 'connecting') {
        this.enqueue(call, { type: 'ROUTE_CHANGED', nowMs: this.nowMs, primary: node.address });
      }
    }
    for (const table of this.tables.values()) {
      for (const call of table.waiting) {
        if (call.partition >= 0 && table.routes.primaryOf(call.partition) === node.address) {
          this.enqueue(call, { type: 'ROUTE_CHANGED', nowMs: this.nowMs, primary: node.address });
        }
      }
    }
    const health = leafOf(node.state.value);
    if (health === 'ready' && node.metaWaiters.size > 0) {
      const waiters = [...node.metaWaiters];
      node.metaWaiters.clear();
      for (const table of waiters)
        if (leafOf(table.state.value) === 'querying' && table.query === null) this.writeQuery(table, node);
    }
  }

  /** a malformed frame: close the connection with a protocol error; its calls re-route or fail */
  private breakConnection(node: NodeState, cause: unknown): void {
    this.out.push({ type: 'disconnect', address: node.address });
    const reason = cause instanceof ProtocolError ? 'ERR_PROTOCOL' : 'ERR_UNKNOWN';
    this.enqueue(node, { type: 'CONNECTION_LOST', reason, jitter: this.random.next() });
  }

  private fireDueTimers(): void {
    for (;;) {
      const entry = this.timers.popDue(this.nowMs);
      if (entry === null) return;
      const p = entry.payload;
      if (p.owner === null) {
        p.table.opens.delete(p.openRequest);
        this.out.push({
          type: 'tableOpened',
          requestId: p.openRequest,
          ok: false,
          failure: failure('ERR_TIMEOUT', null, false, []),
        });
        continue;
      }
      dropTimer(p.owner, entry);
      this.enqueue(p.owner, p.event);
      this.drain();
    }
  }

  // ---- bookkeeping ----

  private endAttempt(call: CallState, outcome: string): void {
    const last = call.attempts[call.attempts.length - 1];
    if (last !== undefined && last.outcome === null) {
      last.outcome = outcome;
      last.endedAtMs = this.nowMs;
    }
  }

  private failOpens(table: TableState, code: string): void {
    for (const [requestId, entry] of table.opens) {
      this.timers.cancel(entry);
      this.out.push({ type: 'tableOpened', requestId, ok: false, failure: failure(code, null, false, []) });
    }
    table.opens.clear();
  }

  private configOf(table: TableState) {
    return { app_id: table.routes.appId, partition_count: table.routes.partitionCount };
  }

  private observe(event: ObservedEvent): void {
    this.out.push({ type: 'observe', event });
  }

  private node(address: string): NodeState {
    let node = this.nodes.get(address);
    if (node === undefined) {
      const o = this.options;
      const [state, acts] = this.machines.nodeHealth.initial({
        address,
        connectTimeoutMs: o.connectTimeoutMs,
        reconnectBackoffMs: o.reconnectBackoffMs,
        reconnectBackoffCapMs: o.reconnectBackoffCapMs,
      });
      node = {
        kind: 'node',
        address,
        state,
        conn: new Connection(o.maxFrameBytes),
        attached: new Set(),
        metaWaiters: new Set(),
        timers: [],
      };
      this.nodes.set(address, node);
      this.afterStep(node, acts);
    }
    return node;
  }

  private table(name: string): TableState {
    let table = this.tables.get(name);
    if (table === undefined) {
      const o = this.options;
      const [state, acts] = this.machines.routingRefresh.initial({
        pollStartMs: o.pollStartMs,
        pollCapMs: o.pollCapMs,
        quietMs: o.quietMs,
        metaBackoffMs: o.metaBackoffMs,
        metaBackoffCapMs: o.metaBackoffCapMs,
        queryTimeoutMs: o.metaQueryTimeoutMs,
        maxForwardHops: o.maxForwardHops,
      });
      table = {
        kind: 'table',
        name,
        routes: new RouteTable(),
        state,
        calls: new Set(),
        waiting: new Set(),
        query: null,
        fullRefresh: true,
        opens: new Map(),
        timers: [],
      };
      this.tables.set(name, table);
      this.afterStep(table, acts);
    }
    return table;
  }
}

function failure(
  code: string,
  cause: string | null,
  outcomeUnknown: boolean,
  attempts: AttemptRecord[],
): CallFailure {
  return { code, cause, outcomeUnknown, attempts };
}
