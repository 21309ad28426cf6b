// Edges of action compilation (core/executor/actions.ts) left open by the exec-wire Stryker run
// (docs/MUTANTS.md): a cancel whose id is a function, a bad cancel id, a bad assignment, a raise
// whose event is a function, a delay given as a function and an unsupported delay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, assign, cancel, createMachine, raise } from 'xstate';
import { compileMachine } from '../core/executor/index.ts';
import { rejectsAtCompile } from './helpers/compile-rejects.ts';

type Ctx = { context: { n: number } };

const machine = (entry: unknown, states: Record<string, unknown> = {}, on: Record<string, unknown> = {}) =>
  createMachine({
    id: 'x',
    initial: 'a',
    context: { n: 1 },
    states: { a: { entry, on }, ...states },
  } as never) as AnyStateMachine;

const plain = (cmds: readonly object[]) => cmds.map((c) => ({ ...c }));

describe('executor triage: cancel', () => {
  it('a cancel whose id is a function cancels the timer it names', () => {
    const m = machine([
      raise({ type: 'E' }, { delay: 5, id: 't' }),
      cancel(({ context }: Ctx) => `t${context.n}`),
    ]);
    const [, cmds] = compileMachine(m).initial(undefined as never);
    assert.deepEqual(plain(cmds), [
      { type: 'startTimer', id: 't', delayMs: 5, event: { type: 'E' } },
      { type: 'cancelTimer', id: 't1' },
    ]);
  });

  it('a cancel whose id is neither a string nor a function is refused', () => {
    rejectsAtCompile(machine(cancel(5 as never)), 'cancel', 'sendId must be a string or a function');
  });
});

describe('executor triage: assign and raise', () => {
  it('an assignment that is neither a function nor an object is refused', () => {
    rejectsAtCompile(machine(assign(null as never)), 'assign', 'bad assignment');
    rejectsAtCompile(machine(assign(5 as never)), 'assign', 'bad assignment');
  });

  it('a raise whose event is a function raises the event it returns', () => {
    const m = machine(
      raise(({ context }: Ctx) => ({ type: `GO${context.n}` })),
      { b: { entry: 'inB' } },
      { GO1: 'b' },
    );
    const [, cmds] = compileMachine(m).initial(undefined as never);
    assert.deepEqual(plain(cmds), [{ type: 'inB', params: undefined }]);
  });
});

describe('executor triage: delays', () => {
  it('a delay given as a function is called for the timer', () => {
    const m = machine(raise({ type: 'E' }, { delay: ({ context }: Ctx) => context.n * 7, id: 't' }));
    const [, cmds] = compileMachine(m).initial(undefined as never);
    assert.deepEqual(plain(cmds), [{ type: 'startTimer', id: 't', delayMs: 7, event: { type: 'E' } }]);
  });

  it('a delay that is no number, function or name is refused', () => {
    rejectsAtCompile(
      machine(raise({ type: 'E' }, { delay: true as never, id: 't' })),
      'delay',
      'unsupported delay true',
    );
  });
});

describe('executor triage: the initial microstep', () => {
  it("the root's own initial actions run when the machine starts", () => {
    const m = createMachine({
      id: 'x',
      initial: { target: 'a', actions: 'rootInit' },
      states: { a: { initial: { target: 'b', actions: 'aInit' }, states: { b: { entry: 'inB' } } } },
    } as never) as AnyStateMachine;
    const [, cmds] = compileMachine(m).initial(undefined as never);
    assert.deepEqual(
      cmds.map((c) => c.type),
      ['rootInit', 'aInit', 'inB'],
    );
  });
});
