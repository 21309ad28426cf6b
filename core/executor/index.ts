// compileMachine: an xstate v5 machine object -> a fast executor with the same states and actions.
// Compile once at start-up; call `transition`/`step` per event. See docs in types.ts.
import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom } from 'xstate';
import { buildTable } from './compile.ts';
import { makeExecutor } from './run.ts';
import type { CompiledMachine } from './types.ts';

export { CompileError } from './errors.ts';
export type {
  ActionCommand,
  AfterEvent,
  CancelTimerCommand,
  Command,
  CompiledMachine,
  ExecState,
  StartTimerCommand,
} from './types.ts';

export function compileMachine<M extends AnyStateMachine>(
  machine: M,
): CompiledMachine<ContextFrom<M>, EventFromLogic<M>, InputFrom<M>> {
  return makeExecutor(buildTable(machine));
}
