// Edges of action compilation (core/executor/actions.ts), each pinned because a Stryker mutant
// survived the executor tests without it (docs/MUTANTS.md): a named action without an
// implementation is a pure command carrying its params; an implementation that is no function, an
// inline function, an unsupported builtin, a raise of a string and a delayed raise without an id are
// CompileErrors that name the state, the feature and what is wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, createMachine, log, raise } from 'xstate';
import { compileMachine } from '../core/executor/index.ts';
import { rejectsAtCompile } from './helpers/compile-rejects.ts';

const machine = (
  entry: unknown,
  actions: Record<string, unknown> = {},
  delays: Record<string, unknown> = {},
) =>
  createMachine(
    { id: 'x', initial: 'a', states: { a: { entry } } } as never,
    {
      actions,
      delays,
    } as never,
  ) as AnyStateMachine;

describe('executor: named actions', () => {
  it('without an implementation: a command of that type, with its params', () => {
    const [, cmds] = compileMachine(machine(['hello', { type: 'hi', params: { p: 1 } }])).initial(
      undefined as never,
    );
    assert.deepEqual(
      cmds.map((c) => ({ ...c })),
      [
        { type: 'hello', params: undefined },
        { type: 'hi', params: { p: 1 } },
      ],
    );
  });

  it('an implementation that is no function is refused', () => {
    rejectsAtCompile(machine('bad', { bad: 5 }), "action 'bad'", 'implementation is not a function');
    rejectsAtCompile(machine('bad', { bad: 'other' }), "action 'bad'", 'implementation is not a function');
  });
});

describe('executor: actions outside the subset', () => {
  it('an inline function, named in the message', () => {
    function bump() {}
    rejectsAtCompile(machine(bump), 'inline action', "function 'bump': use a named action from setup()");
  });

  it('a builtin other than assign, raise and cancel', () => {
    rejectsAtCompile(
      machine(log('hi')),
      "action 'xstate.log'",
      'only assign, raise and cancel are supported',
    );
    // the same builtin as the implementation of a named action
    rejectsAtCompile(
      machine('say', { say: log('hi') }),
      "action 'xstate.log'",
      'only assign, raise and cancel are supported',
    );
  });

  it('a raise of a string event, and a delayed raise without an id', () => {
    rejectsAtCompile(machine(raise('E' as never)), 'raise', 'string events (xstate throws)');
    rejectsAtCompile(
      machine(raise({ type: 'E' }, { delay: 5 })),
      'raise',
      'a delayed raise needs a string `id` (the timer id)',
    );
  });

  it('a delay name without an implementation', () => {
    rejectsAtCompile(
      machine(raise({ type: 'E' }, { delay: 'soon' as never, id: 't' })),
      'delay',
      "'soon' has no implementation in delays",
    );
  });
});
