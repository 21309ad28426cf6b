// Edges of the executor's run loop and table (core/executor/run.ts, compile.ts), each pinned because a
// Stryker mutant survived the executor tests without it (docs/MUTANTS.md): spawn is refused by name,
// a cycle of eventless transitions ends after 100 000 microsteps when the machine sets no limit of
// its own, and an event that changes nothing gives back the same state object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, assign, createMachine } from 'xstate';
import { compileMachine } from '../core/executor/index.ts';

type Ctx = { context: { n: number } };

const plain = (cmds: readonly object[]) => cmds.map((c) => ({ ...c }));

describe('executor run triage: what the machine may not do', () => {
  it('spawn inside an assignment is refused by name', () => {
    const m = createMachine({
      id: 'sp',
      initial: 'a',
      context: { n: 0 },
      states: {
        a: {
          entry: assign(({ spawn }: { spawn: (x: string) => unknown }) => {
            spawn('child');
            return {};
          }) as never,
        },
      },
    } as never) as AnyStateMachine;
    assert.throws(() => compileMachine(m).initial(undefined as never), {
      message: 'executor: spawn is not supported',
    });
  });

  it('a cycle of eventless transitions ends after 100 000 microsteps when the machine sets no limit', () => {
    // each microstep counts up; without the cap the loop would settle at 150 000
    const m = createMachine({
      id: 'loop',
      initial: 'a',
      context: { n: 0 },
      states: {
        a: {
          always: {
            guard: ({ context }: Ctx) => context.n < 150_000,
            actions: assign({ n: ({ context }: Ctx) => context.n + 1 }),
          },
        },
      },
    } as never) as AnyStateMachine;
    assert.throws(() => compileMachine(m).initial(undefined as never), {
      message: 'executor: no stable state after 100001 microsteps in #loop.a (always/raise cycle?)',
    });
  });
});

describe('executor run triage: what a step gives back', () => {
  it('an event whose transition changes neither value, context nor status gives back the same state', () => {
    const m = createMachine({
      id: 'same',
      initial: 'a',
      context: { n: 0 },
      states: { a: { on: { E: { actions: 'note' } } } },
    } as never) as AnyStateMachine;
    const x = compileMachine(m);
    const [s0] = x.initial(undefined as never);
    const [s1, cmds] = x.transition(s0, { type: 'E' } as never);
    assert.equal(s1, s0);
    assert.deepEqual(plain(cmds), [{ type: 'note', params: undefined }]);
  });
});
