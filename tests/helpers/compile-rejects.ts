// The executor refuses a machine feature it does not support at compile time, naming the feature
// and the state '#x.a' of the one-state machines the executor edge tests build.
import assert from 'node:assert/strict';
import type { AnyStateMachine } from 'xstate';
import { CompileError, compileMachine } from '../../core/executor/index.ts';

export function rejectsAtCompile(m: AnyStateMachine, feature: string, detail: string): void {
  assert.throws(
    () => compileMachine(m),
    (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.equal(e.feature, feature);
      assert.equal(e.message, `executor: state '#x.a': unsupported ${feature}: ${detail}`);
      return true;
    },
  );
}
