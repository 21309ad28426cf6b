// Edges of the executor's run loop and table (core/executor/run.ts, compile.ts), each pinned because a
// Stryker mutant survived the executor tests without it (docs/MUTANTS.md): spawn is refused by name,
// a cycle of eventless transitions ends after 100 000 microsteps when the machine sets no limit of
// its own, and an event that changes nothing gives back the same state object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AnyStateMachine,
  assign,
  createMachine,
  fromPromise,
  getNextSnapshot,
  raise,
  setup,
} from 'xstate';
import { CompileError, compileMachine } from '../core/executor/index.ts';
import { rejectsAtCompile } from './helpers/compile-rejects.ts';

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

const one = (a: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  createMachine({ id: 'x', initial: 'a', states: { a, ...more } } as never) as AnyStateMachine;

describe('executor run triage: refusals name the feature and say why', () => {
  it('each unsupported feature has its own message', () => {
    rejectsAtCompile(
      one({ type: 'parallel', states: { p: {}, q: {} } }),
      'parallel state',
      'use nested compound states',
    );
    rejectsAtCompile(
      createMachine({
        id: 'x',
        initial: 'b',
        states: { a: { type: 'history' }, b: {} },
      } as never) as AnyStateMachine,
      'history state',
      'not supported',
    );
    const invoking = setup({ actors: { p: fromPromise(async () => 1) } }).createMachine({
      id: 'x',
      initial: 'a',
      states: { a: { invoke: { src: 'p' } } },
    });
    rejectsAtCompile(invoking as AnyStateMachine, 'invoke', 'the core drives I/O itself; no child actors');
    rejectsAtCompile(one({ type: 'final', output: 1 }), 'output', 'final/machine output is not supported');
    rejectsAtCompile(one({ on: { '*': 'a' } }), 'wildcard event descriptor', "'*'");
    rejectsAtCompile(one({ on: { 'E.*': 'a' } }), 'wildcard event descriptor', "'E.*'");
    rejectsAtCompile(one({ on: { E: '#x' } }), 'transition to the machine root', "on 'E'");
    rejectsAtCompile(
      one({ on: { E: { target: ['b', 'c'] } } }, { b: {}, c: {} }),
      'multiple targets',
      "on 'E'",
    );
    // a state with an id and `route` adds an xstate.route transition to the root
    const routed = one({ on: { E: 'b' } }, { b: { id: 'bb', route: {} } });
    assert.throws(() => compileMachine(routed), {
      message: "executor: state '#x': unsupported route: not supported",
    });
  });

  it('an invalid action in a state no transition reaches is refused too', () => {
    assert.throws(
      () => compileMachine(one({}, { b: { entry: assign(5 as never) } })),
      (e: unknown) => e instanceof CompileError && e.message.includes("'#x.b'"),
    );
  });
});

describe('executor run triage: state values', () => {
  const nested = createMachine({
    id: 'n',
    initial: 'a',
    states: {
      a: {
        initial: 'b',
        states: { b: { on: { E: 'c' } }, c: { initial: 'd', states: { d: { on: { E: '#n.z' } } } } },
      },
      z: {},
    },
  } as never) as AnyStateMachine;

  it('a nested value rebuilt from JSON is found by its shape', () => {
    const x = compileMachine(nested);
    const [s0] = x.initial(undefined as never);
    assert.deepEqual(s0.value, { a: 'b' });
    const [s1] = x.transition(JSON.parse(JSON.stringify(s0)), { type: 'E' } as never);
    assert.deepEqual(s1.value, { a: { c: 'd' } });
    const [s2] = x.transition(JSON.parse(JSON.stringify(s1)), { type: 'E' } as never);
    assert.equal(s2.value, 'z');
  });

  it('a path that ends in an empty object names the state it reached, as xstate reads it', () => {
    // xstate's resolveState reads { a: { c: { d: {} } } } as the leaf d; a restored value of that shape
    // must step the same way in both
    const value = { a: { c: { d: {} } } };
    const x = compileMachine(nested);
    const [s0] = x.initial(undefined as never);
    const [s1] = x.transition({ ...s0, value } as never, { type: 'E' } as never);
    const viaXstate = getNextSnapshot(nested, nested.resolveState({ value, context: undefined } as never), {
      type: 'E',
    });
    assert.equal(viaXstate.value, 'z');
    assert.equal(s1.value, viaXstate.value);
  });

  it('a value that names no leaf state is refused, saying which', () => {
    const x = compileMachine(nested);
    const [s0] = x.initial(undefined as never);
    for (const value of ['a', { a: 'q' }, { q: 'b' }, { a: { c: 'q' } }, { a: 'c' }, 7, null]) {
      assert.throws(() => x.transition({ ...s0, value } as never, { type: 'E' } as never), {
        message: `executor: '${JSON.stringify(value)}' is not a leaf state of #n`,
      });
    }
  });

  it('a string value is a leaf name, not a path spelled by its characters', () => {
    // a state named '0' is what a string's first character would be looked up as, were it walked like an object
    const m = createMachine({
      id: 'z',
      initial: '0',
      states: { '0': { initial: 'a', states: { a: {} } } },
    } as never);
    const x = compileMachine(m as AnyStateMachine);
    const [s0] = x.initial(undefined as never);
    assert.deepEqual(s0.value, { '0': 'a' });
    assert.throws(() => x.transition({ ...s0, value: 'ab' } as never, { type: 'E' } as never), {
      message: `executor: '"ab"' is not a leaf state of #z`,
    });
  });

  it('values are frozen, nested levels too', () => {
    const x = compileMachine(nested);
    const [s0] = x.initial(undefined as never);
    const [s1] = x.transition(s0, { type: 'E' } as never);
    const v = s1.value as { a: { c: string } };
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a));
  });

  it('a machine without states is in the value {}', () => {
    const x = compileMachine(createMachine({ id: 'e' }) as AnyStateMachine);
    assert.deepEqual(x.initial(undefined as never)[0].value, {});
  });

  it('a machine whose root is itself final is done at once', () => {
    const x = compileMachine(createMachine({ id: 'f', type: 'final' } as never) as AnyStateMachine);
    assert.deepEqual({ ...x.initial(undefined as never)[0] }, { value: {}, context: {}, status: 'done' });
  });

  it('a machine that starts in a final state is done at once', () => {
    const x = compileMachine(one({ type: 'final' }));
    assert.equal(x.initial(undefined as never)[0].status, 'done');
  });
});

describe('executor run triage: context', () => {
  it('a machine without context starts with an empty object', () => {
    const x = compileMachine(one({}));
    assert.deepEqual(x.initial(undefined as never)[0].context, {});
  });

  it('spawn in a context factory is refused, naming the machine', () => {
    const m = createMachine({
      id: 'cf',
      context: ({ spawn }: { spawn: (x: string) => unknown }) => ({ child: spawn('c') }),
    } as never) as AnyStateMachine;
    assert.throws(() => compileMachine(m).initial(undefined as never), {
      message: 'executor: spawn is not supported (machine #cf)',
    });
  });
});

describe('executor run triage: raised events and the first step', () => {
  it('two events raised in one step are both handled, in order', () => {
    const m = createMachine({
      id: 'r',
      initial: 'a',
      context: { log: '' },
      states: {
        a: {
          entry: [raise({ type: 'A' }), raise({ type: 'B' }), raise({ type: 'NOBODY' })],
          on: {
            A: { actions: assign({ log: ({ context }: { context: { log: string } }) => `${context.log}A` }) },
            B: { actions: assign({ log: ({ context }: { context: { log: string } }) => `${context.log}B` }) },
          },
        },
      },
    } as never) as AnyStateMachine;
    assert.deepEqual(compileMachine(m).initial(undefined as never)[0].context, { log: 'AB' });
  });

  it('an eventless transition that assigns is taken again while its guard holds, its other actions too', () => {
    const m = createMachine({
      id: 'ev',
      initial: 'a',
      context: { n: 0 },
      states: {
        a: {
          always: {
            guard: ({ context }: Ctx) => context.n < 3,
            actions: [assign({ n: ({ context }: Ctx) => context.n + 1 }), 'note'],
          },
        },
      },
    } as never) as AnyStateMachine;
    const [s, cmds] = compileMachine(m).initial(undefined as never);
    assert.deepEqual(s.context, { n: 3 });
    assert.equal(cmds.length, 3);
  });

  it("the first step's actions see the event xstate.init", () => {
    const m = one({
      entry: { type: 'note', params: ({ event }: { event: { type: string } }) => event.type },
    });
    assert.deepEqual(plain(compileMachine(m).initial(undefined as never)[1]), [
      { type: 'note', params: 'xstate.init' },
    ]);
  });

  it("a machine's own maxIterations stops an eventless cycle after that many microsteps", () => {
    const m = createMachine({
      id: 'loop',
      initial: 'a',
      context: { n: 0 },
      states: {
        a: {
          always: {
            guard: ({ context }: Ctx) => context.n < 50,
            actions: assign({ n: ({ context }: Ctx) => context.n + 1 }),
          },
        },
      },
    } as never) as AnyStateMachine;
    // xstate keeps the limit in machine.options (Infinity unless set); its own macrostep reads it there
    (m as unknown as { options: { maxIterations: number } }).options.maxIterations = 5;
    assert.throws(() => compileMachine(m).initial(undefined as never), {
      message: 'executor: no stable state after 6 microsteps in #loop.a (always/raise cycle?)',
    });
  });
});

describe('executor run triage: initial actions of a compound', () => {
  const m = createMachine({
    id: 'i',
    initial: 'a',
    states: {
      a: { on: { IN: 'c', DEEP: 'c.e' } },
      c: { initial: { target: 'd', actions: 'initC' }, states: { d: {}, e: {} } },
    },
  } as never) as AnyStateMachine;

  it('run when the compound is entered by default, not when a child is targeted', () => {
    const x = compileMachine(m);
    const [s0] = x.initial(undefined as never);
    assert.deepEqual(plain(x.transition(s0, { type: 'IN' } as never)[1]), [
      { type: 'initC', params: undefined },
    ]);
    assert.deepEqual(plain(x.transition(s0, { type: 'DEEP' } as never)[1]), []);
  });
});
