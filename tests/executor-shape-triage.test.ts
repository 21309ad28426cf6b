// Edges of the one reader of xstate's internals (core/executor/xstate-shape.ts), each pinned because a
// Stryker mutant survived the executor tests without it: what is not a machine is refused by name,
// xstate's builtin actions and guards are recognised only by both their type tag and this xstate copy's
// resolver, and anything else in an action or guard slot is refused, naming what it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, assign, cancel, createMachine, log, raise } from 'xstate';
import { CompileError, compileMachine } from '../core/executor/index.ts';
import { rejectsAtCompile } from './helpers/compile-rejects.ts';

const NOT_A_MACHINE =
  "executor: state '#(machine)': unsupported input: not an xstate v5 machine (no root / implementations)";

function refusedAsInput(input: unknown): void {
  assert.throws(
    () => compileMachine(input as AnyStateMachine),
    (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.equal(e.message, NOT_A_MACHINE);
      return true;
    },
  );
}

/** one-state machine '#x.a' whose entry holds the given action */
const withEntry = (action: unknown) =>
  createMachine({ id: 'x', initial: 'a', states: { a: { entry: [action] } } } as never) as AnyStateMachine;

/** one-state machine '#x.a' with a transition on GO guarded by the given guard */
const withGuard = (guard: unknown) =>
  createMachine({
    id: 'x',
    initial: 'a',
    states: { a: { on: { GO: { guard, target: 'b' } } }, b: {} },
  } as never) as AnyStateMachine;

/** xstate's own record of #x.a's GO transition; xstate never builds the edited ones below, a caller
 * editing the machine object after createMachine could */
function goTransition(m: AnyStateMachine): { target?: unknown[]; actions?: unknown[] } {
  const ts = (m.root.states.a as unknown as { transitions: Map<string, object[]> }).transitions.get('GO');
  assert.ok(ts?.[0] !== undefined);
  return ts[0] as { target?: unknown[]; actions?: unknown[] };
}

/** a function carrying an xstate builtin's tags, but a resolver from elsewhere (another xstate copy) */
const foreign = (tags: Record<string, unknown>) =>
  Object.assign(() => undefined, { resolve: () => [], ...tags });

describe('executor shape triage: inputs that are not machines', () => {
  it('null, undefined and a number are refused as input', () => {
    refusedAsInput(null);
    refusedAsInput(undefined);
    refusedAsInput(42);
  });

  it('an object missing any one of root, implementations and config is refused as input', () => {
    refusedAsInput({ implementations: {}, config: {} });
    refusedAsInput({ root: {}, config: {} });
    refusedAsInput({ root: {}, implementations: {} });
    refusedAsInput({ root: null, implementations: {}, config: {} });
  });

  it('a transition whose target is a state of another machine is refused', () => {
    const m = withGuard(undefined);
    const other = createMachine({ id: 'y', initial: 'b', states: { b: {} } });
    const t = goTransition(m);
    t.target = [other.root.states.b];
    rejectsAtCompile(m, 'transition', 'target outside this machine');
  });
});

describe('executor shape triage: what is read from the definition', () => {
  it('a transition without an actions list runs no action', () => {
    const m = withGuard(undefined);
    const t = goTransition(m);
    delete t.actions;
    const ex = compileMachine(m);
    const [s, cmds] = ex.transition(ex.initial(undefined as never)[0], { type: 'GO' } as never);
    assert.deepEqual(s.value, 'b');
    assert.deepEqual(cmds, []);
  });

  it("a parent's eventless transition is taken when the active child has none", () => {
    const m = createMachine({
      id: 'x',
      initial: 'a',
      context: { n: 0 },
      always: {
        guard: ({ context }: { context: { n: number } }) => context.n === 0,
        target: '.b',
        actions: assign({ n: 1 }),
      },
      states: { a: {}, b: {} },
    } as never) as AnyStateMachine;
    const [s] = compileMachine(m).initial(undefined as never);
    assert.equal(s.value, 'b');
    assert.deepEqual(s.context, { n: 1 });
  });

  it("an atomic state's stray `initial` is ignored, as xstate ignores it", () => {
    const m = createMachine({
      id: 'x',
      initial: 'a',
      states: { a: { initial: 'nowhere' } },
    } as never) as AnyStateMachine;
    const [s] = compileMachine(m).initial(undefined as never);
    assert.equal(s.value, 'a');
  });
});

describe('executor shape triage: actions', () => {
  it('an anonymous inline action is refused as (anonymous)', () => {
    const anon = (
      () => () =>
        undefined
    )();
    rejectsAtCompile(
      withEntry(anon),
      'inline action',
      "function '(anonymous)': use a named action from setup()",
    );
  });

  it("xstate's log is refused as a builtin, not read as assign, raise or cancel", () => {
    rejectsAtCompile(
      withEntry(log('hi')),
      "action 'xstate.log'",
      'only assign, raise and cancel are supported',
    );
  });

  it('a builtin tag with a resolver from elsewhere is refused, not trusted', () => {
    for (const type of ['xstate.assign', 'xstate.raise', 'xstate.cancel']) {
      const fake = foreign({ type, assignment: { n: 1 }, event: { type: 'E' }, sendId: 't' });
      rejectsAtCompile(withEntry(fake), `action '${type}'`, 'only assign, raise and cancel are supported');
    }
  });

  it("this xstate's resolver under another type tag is refused, not trusted", () => {
    const resolverOf = (a: unknown) => (a as { resolve: unknown }).resolve;
    for (const real of [assign({ n: 1 }), raise({ type: 'E' }), cancel('t')]) {
      const fake = foreign({
        type: 'user.tagged',
        resolve: resolverOf(real),
        assignment: { n: 1 },
        event: { type: 'E' },
        sendId: 't',
      });
      rejectsAtCompile(
        withEntry(fake),
        "action 'user.tagged'",
        'only assign, raise and cancel are supported',
      );
    }
  });

  it('a number, or an object whose type is not a string, is refused as a builtin naming it', () => {
    rejectsAtCompile(withEntry(42), "action '42'", 'only assign, raise and cancel are supported');
    rejectsAtCompile(
      withEntry({ type: 5 }),
      "action '[object Object]'",
      'only assign, raise and cancel are supported',
    );
  });
});

describe('executor shape triage: guards', () => {
  it('a function with a check that is no xstate combinator is an unknown builtin guard', () => {
    const fake = Object.assign(() => true, { check: () => true });
    rejectsAtCompile(withGuard(fake), 'guard', 'unknown builtin guard');
  });

  it('a number, or an object whose type is not a string, is refused naming it', () => {
    rejectsAtCompile(withGuard(42), 'guard', 'guard 42');
    rejectsAtCompile(withGuard({ type: 5 }), 'guard', 'guard [object Object]');
  });
});
