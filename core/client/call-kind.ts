// The request machine's kind: one instance per call. Its named actions look up the route, write an
// attempt, forget the attempts in flight, ask for a refresh, invalidate a route, mark a node suspect
// and settle the call; after every step the call's place in the indexes (waiting for a route,
// attached to a node) follows its state. One-way messages (clear_scanner) are no machine: they are
// written once, or not at all, in the step that starts them.
import { NODE_HEALTH, REQUEST_STATE, type RequestEvent } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import {
  invalidateAll,
  invalidatePartition,
  isLoaded,
  partitionOf,
  type RouteSnapshot,
} from '../routing/route-snapshot.ts';
import { ProtocolError, rpcInfo } from '../wire/index.ts';
import { endInFlight, forgetAttempts, NONE_IN_FLIGHT, sendAttempt, sendOneWay } from './attempts.ts';
import {
  type CallState,
  type CoreState,
  emit,
  failure,
  healthOf,
  type MachineKind,
  requestStateOf,
} from './core-state.ts';
import type { CallSpec } from './events.ts';
import { startHedge } from './hedge-kind.ts';
import { hedgeOnWaiting } from './hedge-watch.ts';
import { afterStep, enqueue } from './machine-run.ts';
import { isMetaCall, lookupMeta, rotateMeta } from './meta-calls.ts';
import { nodeOf } from './node-kind.ts';
import { PRIMARY, pinnedTo } from './picker.ts';
import { tableOf } from './table-kind.ts';

export const CALL_KIND: MachineKind<CallState> = {
  machine: 'request',
  act: callAction,
  afterStep: indexCall,
  retire: retireCall,
};

/** a user call enters the core: a request machine instance, or a one-way send */
export function startCall(s: CoreState, spec: CallSpec): void {
  if (s.closed) {
    settleFailed(s, spec.callId, 'ERR_CLIENT_CLOSED');
    return;
  }
  const table = tableOf(s, spec.table);
  if (rpcInfo(spec.rpc).oneWay) {
    startOneWay(s, spec, table.routes);
    return;
  }
  createCall(s, spec, null);
}

/**
 * A call the core makes for one of its own instances (a scanner's get_scanner or scan): a request
 * machine instance like a user's, whose outcome goes to `onSettle` instead of to a caller.
 */
export function startOwnedCall(
  s: CoreState,
  spec: CallSpec,
  onSettle: NonNullable<CallState['onSettle']>,
): CallState {
  return createCall(s, spec, onSettle);
}

function createCall(s: CoreState, spec: CallSpec, onSettle: CallState['onSettle']): CallState {
  const table = tableOf(s, spec.table);
  const rpc = rpcInfo(spec.rpc);
  const o = s.options;
  const runner = s.runners.call;
  const [state, acts] = runner.machine.initial({
    idempotent: spec.idempotent,
    // reads may be resent after an attempt timeout (the request machine's rule); so may a meta
    // call that changes nothing (list, query), to the next meta (meta-calls.ts)
    readOnly: rpc.kind === 'read' || rpc.kind === 'scan' || (rpc.kind === 'meta' && spec.idempotent),
    nowMs: s.nowMs,
    deadlineMs: s.nowMs + spec.timeoutMs,
    attemptTimeoutMs: o.attemptTimeoutMs,
    retryBackoffMs: o.retryBackoffMs,
    retryBackoffCapMs: o.retryBackoffCapMs,
  });
  const call: CallState = {
    kind: 'call',
    runner,
    spec,
    table,
    picker: spec.pinnedNode === undefined ? PRIMARY : pinnedTo(spec.pinnedNode),
    state,
    partition: -1,
    inFlight: NONE_IN_FLIGHT,
    attached: null,
    waiting: false,
    attempts: [],
    result: undefined,
    hedge: null,
    timers: [],
    onSettle,
  };
  s.calls.set(spec.callId, call);
  table.calls.add(call);
  afterStep(s, call, acts);
  // Backup requests for reads a secondary may serve; other RPCs never carry the flag (a scan's
  // context lives on one replica: its calls are pinned and not hedged here).
  if (rpc.kind === 'read' && spec.pinnedNode === undefined) startHedge(s, call);
  return call;
}

function callAction(s: CoreState, call: CallState, a: ActionCommand): void {
  switch (a.type) {
    case 'lookupRoute':
      enqueue(s, call, lookup(s, call));
      break;
    case 'sendAttempt': {
      const p = a.params as { node: string; timeoutMs: number };
      sendAttempt(s, call, nodeOf(s, p.node), p.timeoutMs);
      break;
    }
    case 'forgetAttempt':
      forgetAttempts(s, call);
      break;
    case 'requestRefresh':
      // a meta call's "routing" is the leader guess: an unanswered attempt moves it on
      if (isMetaCall(call)) rotateMeta(s);
      else enqueue(s, call.table, { type: 'REFRESH' });
      break;
    case 'invalidateRoute': {
      const { scope } = a.params as { scope: string };
      const table = call.table;
      if (isMetaCall(call)) break;
      if (scope === 'table') {
        table.routes = invalidateAll(table.routes);
        table.fullRefresh = true;
      } else if (call.partition >= 0) table.routes = invalidatePartition(table.routes, call.partition);
      break;
    }
    case 'markSuspect': {
      const address = (a.params as { node: string }).node;
      endInFlight(s, call, 'ERR_TIMEOUT', address);
      const node = s.nodes.get(address);
      if (node !== undefined) enqueue(s, node, { type: 'ATTEMPT_TIMEOUT' });
      break;
    }
    case 'settleOk':
      if (call.onSettle !== null) {
        call.onSettle(s, true, call.result, null);
        break;
      }
      emit(s, {
        type: 'settle',
        callId: call.spec.callId,
        ok: true,
        result: call.result,
        attempts: call.attempts,
      });
      break;
    case 'settleError': {
      const p = a.params as { error: string; cause: string | null; outcomeUnknown: boolean };
      endInFlight(s, call, p.error);
      if (call.onSettle !== null) {
        call.onSettle(
          s,
          false,
          undefined,
          failure(p.error, call.encodeError ?? p.cause, p.outcomeUnknown, call.attempts),
        );
        break;
      }
      emit(s, {
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

/** where the call's next attempt can go now, as the event the request machine understands */
function lookup(s: CoreState, call: CallState): RequestEvent {
  if (isMetaCall(call)) return lookupMeta(s, call);
  const routes = call.table.routes;
  if (!isLoaded(routes)) return { type: 'ROUTE_MISSING' };
  call.partition = partitionOf(routes, call.spec.partitionHash);
  const target = call.picker.pick(routes, call.partition);
  if (target === null) return { type: 'ROUTE_MISSING' };
  const node = nodeOf(s, target);
  switch (healthOf(node)) {
    case NODE_HEALTH.ready:
    case NODE_HEALTH.suspect:
      return { type: 'ROUTE_READY', nowMs: s.nowMs, node: target };
    case NODE_HEALTH.idle:
      enqueue(s, node, { type: 'CONNECT' });
      return { type: 'ROUTE_CONNECTING', node: target };
    case NODE_HEALTH.connecting:
      return { type: 'ROUTE_CONNECTING', node: target };
    default:
      // Known down: never send to it; wait for a new primary or for the node to come back.
      return { type: 'ROUTE_MISSING' };
  }
}

/** keeps the table's waiting set and the nodes' attached sets in step with the call's state */
function indexCall(s: CoreState, call: CallState): void {
  const leaf = requestStateOf(call);
  const waiting = leaf === REQUEST_STATE.waitingRoute;
  if (waiting !== call.waiting) {
    call.waiting = waiting;
    if (waiting) {
      call.table.waiting.add(call);
      hedgeOnWaiting(s, call);
    } else call.table.waiting.delete(call);
  }
  const node = call.state.context.node;
  const attachTo =
    (leaf === REQUEST_STATE.connecting ||
      leaf === REQUEST_STATE.awaiting ||
      leaf === REQUEST_STATE.awaitingLate) &&
    node !== null
      ? nodeOf(s, node)
      : null;
  if (attachTo !== call.attached) {
    call.attached?.attached.delete(call);
    attachTo?.attached.add(call);
    call.attached = attachTo;
  }
}

function retireCall(s: CoreState, call: CallState): void {
  for (const entry of call.timers) s.timers.cancel(entry);
  call.timers.length = 0;
  // A reply to an attempt still in flight is dropped from now on. Its record is left as the machine
  // left it: a machine that ends a call with attempts in flight must forget them itself (the kill
  // suite checks that every record is closed).
  const inFlight = call.inFlight;
  for (let i = 0; i < inFlight.length; i++) inFlight[i]!.node.conn.pending.delete(inFlight[i]!.seqid);
  call.inFlight = NONE_IN_FLIGHT;
  call.attached?.attached.delete(call);
  call.attached = null;
  call.table.waiting.delete(call);
  call.table.calls.delete(call);
  s.calls.delete(call.spec.callId);
  // its backup, if any, is forgotten by the hedge machine in this same handle()
  if (call.hedge !== null) enqueue(s, call.hedge, { type: 'CALL_DONE' });
}

/**
 * A one-way message goes out at once on an open connection to its node (pinned, or the partition's
 * primary) and settles ok; with no open connection or no route it settles ERR_SESSION_RESET and
 * nothing is sent (nobody could learn whether it arrived, so it is never retried).
 */
function startOneWay(s: CoreState, spec: CallSpec, routes: RouteSnapshot): void {
  const partition = isLoaded(routes) ? partitionOf(routes, spec.partitionHash) : -1;
  const picker = spec.pinnedNode === undefined ? PRIMARY : pinnedTo(spec.pinnedNode);
  const target = partition < 0 ? null : picker.pick(routes, partition);
  const node = target === null ? undefined : s.nodes.get(target);
  const health = node === undefined ? null : healthOf(node);
  if (node === undefined || (health !== NODE_HEALTH.ready && health !== NODE_HEALTH.suspect)) {
    settleFailed(s, spec.callId, 'ERR_SESSION_RESET');
    return;
  }
  try {
    const record = sendOneWay(s, spec, routes.appId, partition, node);
    emit(s, { type: 'settle', callId: spec.callId, ok: true, result: undefined, attempts: [record] });
  } catch (e) {
    settleFailed(s, spec.callId, e instanceof ProtocolError ? 'ERR_INVALID_PARAMETERS' : 'ERR_UNKNOWN');
  }
}

function settleFailed(s: CoreState, callId: number, code: string): void {
  emit(s, { type: 'settle', callId, ok: false, failure: failure(code, null, false, []) });
}
