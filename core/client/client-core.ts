// The sans-I/O client core: events in, commands out, time as an input.
// It owns the machine instances (one per call, per server address, per table) and executes the
// named actions their definitions emit; it decides nothing the machines decide. Events produced
// while executing actions go through one FIFO queue and are run to completion inside handle().
// The work is split by concern: core-state.ts (the state), machine-run.ts (the interpreter),
// machine-kinds.ts (the registry: call-kind.ts, node-kind.ts, table-kind.ts say what each
// machine's named actions do), attempts.ts and picker.ts (where and how a call's attempts go),
// replies.ts (what servers send). docs/ARCHITECTURE.md follows one event through them.

import {
  NODE_HEALTH,
  type NodeHealthState,
  type RequestState,
  type RoutingRefreshState,
  type ScannerState,
} from '../../machines/index.ts';
import { isLoaded, type RouteSnapshot } from '../routing/route-snapshot.ts';
import { startCall } from './call-kind.ts';
import type { CoreCommand } from './commands.ts';
import {
  CoreState,
  emit,
  failure,
  healthOf,
  NO_COMMANDS,
  requestStateOf,
  routingStateOf,
  scannerStateOf,
} from './core-state.ts';
import { describeState } from './describe-state.ts';
import type { CoreEvent } from './events.ts';
import { MACHINE_KINDS } from './machine-kinds.ts';
import { drain, enqueue, fireDueTimers } from './machine-run.ts';
import type { CoreOptions, CoreOptionsInput } from './options.ts';
import { onData } from './replies.ts';
import { scanClose, scanNext } from './scanner-kind.ts';
import { configOf, failOpen, failOpens, tableOf } from './table-kind.ts';

export type { CallState, NodeState, TableState } from './core-state.ts';

export class ClientCore {
  readonly options: CoreOptions;
  private readonly s: CoreState;

  constructor(options: CoreOptionsInput) {
    this.s = new CoreState(options, MACHINE_KINDS);
    this.options = this.s.options;
  }

  /** Feed one event; returns the commands it produced, in order. */

  handle(event: CoreEvent, nowMs: number): CoreCommand[] {
    if (nowMs > this.s.nowMs) this.s.nowMs = nowMs;
    switch (event.type) {
      case 'call':
        startCall(this.s, event);
        break;
      case 'openTable':
        this.openTable(event.requestId, event.table, event.timeoutMs);
        break;
      case 'abort': {
        const call = this.s.calls.get(event.callId);
        if (call !== undefined) enqueue(this.s, call, { type: 'ABORT', error: event.error });
        break;
      }
      case 'scanNext':
        scanNext(this.s, event.callId, event.scannerId, event.spec);
        break;
      case 'scanClose':
        scanClose(this.s, event.scannerId, event.error);
        break;
      case 'abortOpen': {
        const table = this.s.tables.get(event.table);
        if (table !== undefined) failOpen(this.s, table, event.requestId, event.error);
        break;
      }
      case 'connected': {
        const node = this.s.nodes.get(event.address);
        if (node !== undefined) enqueue(this.s, node, { type: 'CONNECTED' });
        break;
      }
      case 'data':
        onData(this.s, event.address, event.bytes);
        break;
      case 'connectionLost': {
        const node = this.s.nodes.get(event.address);
        const reason = event.reason === 'refused' ? 'ERR_CONNECTION_REFUSED' : 'ERR_SESSION_RESET';
        if (node !== undefined) {
          node.lastFailure = event.code ?? null;
          enqueue(this.s, node, { type: 'CONNECTION_LOST', reason, jitter: this.s.random.next() });
        }
        break;
      }
      case 'tick':
        break;
      case 'close':
        this.close();
        break;
    }
    drain(this.s);
    fireDueTimers(this.s);
    const out = this.s.out;
    this.s.out = NO_COMMANDS;
    return out === NO_COMMANDS ? [] : out;
  }

  /** the earliest moment the core wants a `tick`, or null when no timer is set */

  nextTimerMs(): number | null {
    return this.s.timers.nextDueMs();
  }

  // ---- introspection (tests, properties, observability) ----

  get now(): number {
    return this.s.nowMs;
  }

  get isClosed(): boolean {
    return this.s.closed;
  }

  pendingCallIds(): number[] {
    return this.s.calls.entryList().map(([id]) => id);
  }

  callsWaitingOn(address: string): number[] {
    const node = this.s.nodes.get(address);
    return node === undefined ? [] : [...node.attached].map((c) => c.spec.callId);
  }

  /** scanners that have not ended (done, failed or closed) */
  openScannerIds(): number[] {
    return [...this.s.scanners.keys()];
  }

  scannerState(id: number): ScannerState | null {
    const run = this.s.scanners.get(id);
    return run === undefined ? null : scannerStateOf(run);
  }

  callState(callId: number): RequestState | null {
    const call = this.s.calls.get(callId);
    return call === undefined ? null : requestStateOf(call);
  }

  nodeHealth(address: string): NodeHealthState | null {
    const node = this.s.nodes.get(address);
    return node === undefined ? null : healthOf(node);
  }

  routingState(table: string): RoutingRefreshState | null {
    const t = this.s.tables.get(table);
    return t === undefined ? null : routingStateOf(t);
  }

  /** the table's current routing snapshot (immutable: a later answer replaces it) */
  routeTable(table: string): RouteSnapshot | null {
    return this.s.tables.get(table)?.routes ?? null;
  }

  timerCount(): number {
    return this.s.timers.size;
  }

  /** hedged reads whose backup request may still go out or is in flight (their hedge machines) */
  hedgeCount(): number {
    return this.s.hedges.size;
  }

  openConnections(): string[] {
    return [...this.s.nodes.values()]
      .filter((n) => CONNECTED_OR_OPENING.has(healthOf(n)))
      .map((n) => n.address);
  }

  /** canonical text of all state that decides the core's future (state hashing, debugging) */
  describe(): string[] {
    return describeState({
      nowMs: this.s.nowMs,
      closed: this.s.closed,
      metas: this.s.metas,
      metaLeader: this.s.metaLeader,
      randomPosition: this.s.random.position,
      nextTimerMs: this.s.timers.nextDueMs(),
      calls: this.s.calls.values(),
      nodes: this.s.nodes.values(),
      tables: this.s.tables.values(),
    });
  }

  /** every machine instance's current state (leaf name), for traces and timelines */

  machineStates(): {
    calls: Record<string, string>;
    nodes: Record<string, string>;
    tables: Record<string, string>;
  } {
    const calls: Record<string, string> = {};
    for (const [id, c] of this.s.calls.entryList()) calls[String(id)] = requestStateOf(c);
    const nodes: Record<string, string> = {};
    for (const [address, n] of this.s.nodes) nodes[address] = healthOf(n);
    const tables: Record<string, string> = {};
    for (const [name, t] of this.s.tables) tables[name] = routingStateOf(t);
    return { calls, nodes, tables };
  }

  /** meta queries of `table` awaiting an answer (single flight: never more than one) */
  metaQueriesInFlight(table: string): number {
    let n = 0;
    for (const node of this.s.nodes.values()) {
      for (const p of node.conn.pending.values()) if (p.kind === 'meta' && p.table.name === table) n++;
    }
    return n;
  }

  metaLeaderAddress(): string {
    return this.s.metas[this.s.metaLeader] ?? '';
  }

  // ---- event entry points ----

  private openTable(requestId: number, name: string, timeoutMs: number): void {
    if (this.s.closed) {
      emit(this.s, {
        type: 'tableOpened',
        requestId,
        ok: false,
        failure: failure('ERR_CLIENT_CLOSED', null, false, []),
      });
      return;
    }
    const table = tableOf(this.s, name);
    if (isLoaded(table.routes)) {
      emit(this.s, { type: 'tableOpened', requestId, ok: true, config: configOf(table) });
      return;
    }
    const entry = this.s.timers.add(this.s.nowMs + timeoutMs, { owner: null, openRequest: requestId, table });
    table.opens.set(requestId, entry);
    enqueue(this.s, table, { type: 'REFRESH' });
  }

  private close(): void {
    if (this.s.closed) return;
    this.s.closed = true;
    // first, while connections are open: a scanner's context is cleared (or its reply awaited)
    for (const scanner of this.s.scanners.values())
      enqueue(this.s, scanner, { type: 'CLOSE', error: 'ERR_CLIENT_CLOSED' });
    drain(this.s);
    for (const call of this.s.calls.values())
      enqueue(this.s, call, { type: 'ABORT', error: 'ERR_CLIENT_CLOSED' });
    drain(this.s);
    for (const table of this.s.tables.values()) {
      failOpens(this.s, table, 'ERR_CLIENT_CLOSED');
      enqueue(this.s, table, { type: 'SHUTDOWN' });
    }
    for (const node of this.s.nodes.values()) enqueue(this.s, node, { type: 'SHUTDOWN' });
    drain(this.s);
    this.s.timers.clear();
  }
}

/** health states in which the node's connection exists (opening or open) */
const CONNECTED_OR_OPENING: ReadonlySet<NodeHealthState> = new Set([
  NODE_HEALTH.connecting,
  NODE_HEALTH.ready,
  NODE_HEALTH.suspect,
]);
