// Running the machines: one FIFO queue of (instance, event), each event stepped through the
// compiled definition, its timer commands kept in the timer heap, its named actions executed by the
// action modules, and the instance indexes (waiting, attached) kept in step with its state.
import {
  type NodeHealthEvent,
  REQUEST_STATE,
  type RequestEvent,
  type RoutingRefreshEvent,
} from '../../machines/index.ts';
import type { ActionCommand, Command } from '../executor/index.ts';
import { callAction } from './call-actions.ts';
import {
  type CallState,
  type CoreState,
  dropTimer,
  failure,
  type Owner,
  requestStateOf,
  timerOf,
} from './core-state.ts';
import { nodeOf } from './instances.ts';
import { nodeAction } from './node-actions.ts';
import { tableAction } from './table-actions.ts';

export function enqueue(
  s: CoreState,
  owner: Owner,
  event: RequestEvent | NodeHealthEvent | RoutingRefreshEvent | { type: string },
): void {
  s.queue.push(owner, event);
}

export function drain(s: CoreState): void {
  // Index-based: actions append to the queue while it is being drained.
  for (let i = 0; i < s.queue.length; i += 2) {
    const owner = s.queue[i] as Owner;
    const event = s.queue[i + 1] as { type: string };
    step(s, owner, event);
  }
  s.queue.length = 0;
}

export function step(s: CoreState, owner: Owner, event: { type: string }): void {
  if (owner.state.status !== 'active') return;
  const acts = s.acts;
  acts.length = 0;
  switch (owner.kind) {
    case 'call':
      owner.state = s.machines.request.step(owner.state, event as RequestEvent, acts as never);
      break;
    case 'node':
      owner.state = s.machines.nodeHealth.step(owner.state, event as NodeHealthEvent, acts as never);
      break;
    case 'table':
      owner.state = s.machines.routingRefresh.step(owner.state, event as RoutingRefreshEvent, acts as never);
      break;
  }
  if (acts.length > 0 || owner.kind === 'call') afterStep(s, owner, acts);
}

export function afterStep(s: CoreState, owner: Owner, acts: Command[]): void {
  if (owner.kind === 'call') indexCall(s, owner);
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === 'startTimer') {
      const t = a as Extract<Command, { type: 'startTimer' }>;
      const previous = timerOf(owner, t.id);
      if (previous !== undefined) {
        s.timers.cancel(previous);
        dropTimer(owner, previous);
      }
      owner.timers.push(s.timers.add(s.nowMs + t.delayMs, { owner, id: t.id, event: t.event }));
    } else if (a.type === 'cancelTimer') {
      const entry = timerOf(owner, (a as Extract<Command, { type: 'cancelTimer' }>).id);
      if (entry !== undefined) {
        s.timers.cancel(entry);
        dropTimer(owner, entry);
      }
    } else if (owner.kind === 'call') callAction(s, owner, a as ActionCommand);
    else if (owner.kind === 'node') nodeAction(s, owner, a as ActionCommand);
    else tableAction(s, owner, a as ActionCommand);
  }
  if (owner.kind === 'call' && owner.state.status !== 'active') retireCall(s, owner);
}

export function indexCall(s: CoreState, call: CallState): void {
  const leaf = requestStateOf(call);
  const waiting = leaf === REQUEST_STATE.waitingRoute;
  if (waiting !== call.waiting) {
    call.waiting = waiting;
    if (waiting) call.table.waiting.add(call);
    else call.table.waiting.delete(call);
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

export function retireCall(s: CoreState, call: CallState): void {
  for (const entry of call.timers) s.timers.cancel(entry);
  call.timers.length = 0;
  if (call.attempt !== null) s.nodes.get(call.attempt.address)?.conn.pending.delete(call.attempt.seqid);
  call.attempt = null;
  call.attached?.attached.delete(call);
  call.attached = null;
  call.table.waiting.delete(call);
  call.table.calls.delete(call);
  s.calls.delete(call.spec.callId);
}

export function fireDueTimers(s: CoreState): void {
  for (;;) {
    const entry = s.timers.popDue(s.nowMs);
    if (entry === null) return;
    const p = entry.payload;
    if (p.owner === null) {
      p.table.opens.delete(p.openRequest);
      s.out.push({
        type: 'tableOpened',
        requestId: p.openRequest,
        ok: false,
        failure: failure('ERR_TIMEOUT', null, false, []),
      });
      continue;
    }
    dropTimer(p.owner, entry);
    enqueue(s, p.owner, p.event);
    drain(s);
  }
}

// ---- bookkeeping ----
