// Machine definitions edited for a test: the client runs any definition it is given (machines are
// data), so a test can reach core paths the package's own machines never take.
import { createMachine } from 'xstate';
import { hedgeMachine, requestMachine } from '../../machines/index.ts';
import { cloneConfig } from '../fixtures/machines/mutate.ts';

export type StateConfigs = Record<string, Record<string, unknown>>;

/** the hedge machine with its states' config edited in place by `edit` */
export function hedgeWith(edit: (states: StateConfigs) => void): typeof hedgeMachine {
  const config = cloneConfig(hedgeMachine.config) as unknown as { states: StateConfigs };
  edit(config.states);
  return createMachine(
    config as never,
    hedgeMachine.implementations as never,
  ) as unknown as typeof hedgeMachine;
}

/** the request machine, except that a read's attempt timeout does not forget the attempt */
export function keepingTimedOutReads(): typeof requestMachine {
  const config = cloneConfig(requestMachine.config) as unknown as {
    states: {
      active: { states: { awaiting: { after: { attemptTimeout: Array<{ actions: unknown[] }> } } } };
    };
  };
  const onTimeout = config.states.active.states.awaiting.after.attemptTimeout[0]!;
  onTimeout.actions = onTimeout.actions.filter((a) => a !== 'forgetAttempt');
  return createMachine(
    config as never,
    requestMachine.implementations as never,
  ) as unknown as typeof requestMachine;
}
