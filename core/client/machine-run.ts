// The interpreter: one FIFO queue of (instance, event); each event is stepped through the
// instance's compiled definition, its timer commands kept in the timer heap, and its named actions
// handed to the instance's kind (the registry of machine kinds, machine-kinds.ts). Nothing here
// knows what a call, a node or a table is.
import type { EventObject } from 'xstate';
import type { ActionCommand, Command } from '../executor/index.ts';
import {
  type CoreState,
  dropTimer,
  emit,
  type Instance,
  type Owner,
  openFailure,
  timerOf,
} from './core-state.ts';

/** queue `event` for `owner`; it runs, in order, before the current handle() returns */
export function enqueue<E extends EventObject>(s: CoreState, owner: Instance<unknown, E>, event: E): void {
  s.queue.push(owner as unknown as Owner, event);
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

function step(s: CoreState, owner: Instance, event: EventObject): void {
  if (owner.state.status !== 'active') return;
  // The scratch list keeps its first entry (a placeholder) for good: V8 frees an array's storage
  // when its length drops to 0, and a step would then allocate it again for its first command.
  const acts = s.acts;
  acts.length = ACTS_FROM;
  owner.state = owner.runner.machine.step(owner.state, event, acts);
  // an instance that reached its final state without an action must still retire
  if (acts.length > ACTS_FROM || owner.runner.kind.afterStep !== null || owner.state.status !== 'active')
    afterStep(s, owner, acts, ACTS_FROM);
}

/** where a step's commands start in CoreState.acts (after its placeholder) */
const ACTS_FROM = 1;

/** what follows a step (or an instance's creation): indexes, timers, named actions, retirement */
export function afterStep(s: CoreState, owner: Instance, acts: readonly Command[], from = 0): void {
  const kind = owner.runner.kind;
  kind.afterStep?.(s, owner);
  for (let i = from; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === 'startTimer') {
      const t = a as Extract<Command, { type: 'startTimer' }>;
      const previous = timerOf(owner, t.id);
      if (previous !== undefined) {
        s.timers.cancel(previous);
        dropTimer(owner, previous);
      }
      owner.timers.push(
        s.timers.add(s.nowMs + t.delayMs, { owner: owner as Owner, id: t.id, event: t.event }),
      );
    } else if (a.type === 'cancelTimer') {
      const entry = timerOf(owner, (a as Extract<Command, { type: 'cancelTimer' }>).id);
      if (entry !== undefined) {
        s.timers.cancel(entry);
        dropTimer(owner, entry);
      }
    } else kind.act(s, owner, a as ActionCommand);
  }
  if (owner.state.status !== 'active') kind.retire?.(s, owner);
}

export function fireDueTimers(s: CoreState): void {
  for (;;) {
    const entry = s.timers.popDue(s.nowMs);
    if (entry === null) return;
    const p = entry.payload;
    if (p.owner === null) {
      p.table.opens.delete(p.openRequest);
      emit(s, {
        type: 'tableOpened',
        requestId: p.openRequest,
        ok: false,
        failure: openFailure(p.table, 'ERR_TIMEOUT'),
      });
      continue;
    }
    dropTimer(p.owner, entry);
    s.queue.push(p.owner, p.event);
    drain(s);
  }
}
