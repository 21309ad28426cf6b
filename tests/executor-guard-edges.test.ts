// Edges of guard compilation (core/executor/guards.ts) and the compile error itself, each pinned
// because a Stryker mutant survived the executor tests without it (docs/MUTANTS.md): guard aliases
// (an implementation that is another guard's name, or a combinator) are followed to a depth of 32
// and a cycle is a CompileError, not a stack overflow; a named guard gets its params.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, and, createMachine, not, or, stateIn } from 'xstate';
import { CompileError, compileMachine } from '../core/executor/index.ts';

/** a machine whose one transition (GO, a -> b) is guarded by `guard`, with these implementations */
function guarded(guard: unknown, guards: Record<string, unknown>): AnyStateMachine {
  return createMachine(
    {
      id: 'x',
      initial: 'a',
      context: { n: 5 },
      states: { a: { on: { GO: { target: 'b', guard } } }, b: {} },
    } as never,
    { guards } as never,
  ) as AnyStateMachine;
}

/** whether GO moves the compiled machine from a to b */
function takes(machine: AnyStateMachine): boolean {
  const c = compileMachine(machine);
  const [s0] = c.initial(undefined as never);
  const [s1] = c.transition(s0, { type: 'GO' } as never);
  return s1.value === 'b';
}

function rejects(machine: AnyStateMachine, detail: RegExp): void {
  assert.throws(
    () => compileMachine(machine),
    (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.equal(e.name, 'CompileError');
      assert.equal(e.feature, 'guard');
      assert.match(e.message, /^executor: state '#x\.a': unsupported guard: /);
      assert.match(e.message, detail);
      return true;
    },
  );
}

/** g0 -> g1 -> ... -> g{n}: each an alias of the next, the last a function */
function chain(n: number, last: (a: { context: { n: number } }) => boolean): Record<string, unknown> {
  const guards: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) guards[`g${i}`] = `g${i + 1}`;
  guards[`g${n}`] = last;
  return guards;
}

describe('executor: guard aliases', () => {
  it('an alias chain is followed to depth 32; one step more is refused', () => {
    assert.equal(
      takes(
        guarded(
          'g0',
          chain(32, ({ context }) => context.n === 5),
        ),
      ),
      true,
    );
    assert.equal(
      takes(
        guarded(
          'g0',
          chain(32, ({ context }) => context.n === 4),
        ),
      ),
      false,
    );
    rejects(
      guarded(
        'g0',
        chain(33, () => true),
      ),
      /guard aliases nest too deeply/,
    );
  });

  it('a cycle of aliases, through not() too, is a CompileError', () => {
    rejects(guarded('a', { a: 'b', b: 'a' }), /guard aliases nest too deeply/);
    rejects(guarded('a', { a: not('a') }), /guard aliases nest too deeply/);
    rejects(guarded('a', { a: and(['b']), b: or(['a']) }), /guard aliases nest too deeply/);
    rejects(guarded('a', { a: and(['a']) }), /guard aliases nest too deeply/);
    rejects(guarded('a', { a: or(['a']) }), /guard aliases nest too deeply/);
  });

  it('an implementation that is a combinator is evaluated as one', () => {
    const yes = ({ context }: { context: { n: number } }) => context.n === 5;
    assert.equal(takes(guarded('a', { a: not('y'), y: yes })), false);
    assert.equal(takes(guarded('a', { a: not(not('y')), y: yes })), true);
  });

  it('a named guard gets its static params', () => {
    const atLeast = (_: unknown, p: { min: number } | undefined) => p !== undefined && 5 >= p.min;
    assert.equal(takes(guarded({ type: 'atLeast', params: { min: 5 } }, { atLeast })), true);
    assert.equal(takes(guarded({ type: 'atLeast', params: { min: 6 } }, { atLeast })), false);
  });

  it('a named guard without an implementation names itself', () => {
    rejects(guarded('missing', {}), /^.*'missing' has no implementation$/);
  });

  it('an unsupported guard is a CompileError of feature guard', () => {
    rejects(guarded(stateIn('#x.b'), {}), /stateIn|xstate/);
  });
});
