// Public types of the compiled executor. Commands are plain data: the sans-I/O core turns them into I/O.
import type { EventObject, StateValue } from 'xstate';

/** The event xstate raises for `after` (`xstate.after.<delay>.<stateId>`); not part of the machine's event union (P4). */
export interface AfterEvent {
  readonly type: `xstate.after.${string}`;
}

/** A machine snapshot as far as the core needs it; `value` has the same shape as xstate's `snapshot.value`. */
export interface ExecState<C> {
  readonly value: StateValue;
  readonly context: C;
  readonly status: 'active' | 'done';
}

/** A named action from the definition, params already resolved (as xstate's `{ type, params }`). */
export interface ActionCommand {
  readonly type: string;
  readonly params: unknown;
}

/** `after` entry (or a delayed `raise`): start timer `id`; when it fires, feed `event` back into `transition`. */
export interface StartTimerCommand<E extends EventObject = EventObject> {
  readonly type: 'startTimer';
  readonly id: string;
  readonly delayMs: number;
  readonly event: E | AfterEvent;
}

/** `after` exit (or `cancel(id)`). May name a timer that already fired or never started (P6): ignore those. */
export interface CancelTimerCommand {
  readonly type: 'cancelTimer';
  readonly id: string;
}

export type Command<E extends EventObject = EventObject> =
  | ActionCommand
  | StartTimerCommand<E>
  | CancelTimerCommand;

export interface CompiledMachine<C, E extends EventObject, I> {
  readonly id: string;
  /** Initial state and the entry commands, like `initialTransition(machine, input)`. */
  initial(input: I): [ExecState<C>, Command<E>[]];
  /** One macrostep, like xstate's `transition` (but events to a 'done' state are ignored, P2).
   *  Returns the same state object when value, context and status are all unchanged. */
  transition(state: ExecState<C>, event: E | AfterEvent): [ExecState<C>, Command<E>[]];
  /** Allocation-light variant: appends the commands to `out` and returns the next state. */
  step(state: ExecState<C>, event: E | AfterEvent, out: Command<E>[]): ExecState<C>;
}
