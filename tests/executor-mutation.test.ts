// The executor has no copy of the machine's logic: changing the definition (implementations via
// provide(), or the config itself) changes what the compiled executor does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, assign, createMachine } from 'xstate';
import { type AfterEvent, type Command, compileMachine } from '../core/executor/index.ts';
import { makeStepper, normalise } from './fixtures/machines/oracle.ts';
import { type ReqEvent, requestMachine } from './fixtures/machines/request.ts';

const input = { id: 7, maxAttempts: 3, timeoutMs: 250 };
const lifecycle: (ReqEvent | AfterEvent)[] = [
  { type: 'SUBMIT' },
  { type: 'ROUTE_ERR' },
  { type: 'xstate.after.backoff.req.backoff' },
  { type: 'ROUTE_OK', node: 'n1' },
  { type: 'SENT' },
  { type: 'RESPONSE', ok: true, retriable: false },
];

/** runs the compiled executor; also checks it against xstate on the same (possibly mutated) machine */
function trace(machine: AnyStateMachine) {
  const c = compileMachine(machine);
  const oracle = makeStepper(machine, input);
  let [s, cmds] = c.initial(input as never);
  let [x] = oracle.init(input);
  const out: { value: unknown; cmds: Command[] }[] = [{ value: s.value, cmds }];
  for (const e of lifecycle) {
    [s, cmds] = c.transition(s, e as never);
    if (x.status === 'active') {
      const [x2, xa] = oracle.step(x, e);
      x = x2;
      assert.deepStrictEqual(cmds, normalise(xa));
      assert.deepStrictEqual(s.value, x.value);
    }
    out.push({ value: s.value, cmds });
  }
  return out;
}

describe('executor follows the machine definition', () => {
  const base = trace(requestMachine);

  it('baseline: retries after ROUTE_ERR and succeeds', () => {
    assert.deepStrictEqual(
      base.map((b) => b.value),
      ['idle', 'resolving', 'backoff', 'resolving', 'sending', 'awaitingResponse', 'succeeded'],
    );
  });

  it('provide({ guards }) changes guard outcomes', () => {
    const t = trace(requestMachine.provide({ guards: { canRetry: () => false } }));
    assert.deepStrictEqual(t[2]?.value, 'failed');
    assert.notDeepStrictEqual(t, base);
  });

  it('provide({ delays }) changes timer durations', () => {
    const t = trace(requestMachine.provide({ delays: { backoff: 4321 } }));
    const start = t[2]?.cmds.find((c) => c.type === 'startTimer');
    assert.deepStrictEqual(start && 'delayMs' in start ? start.delayMs : null, 4321);
  });

  it('provide({ actions }) with an assign turns a command into a context update', () => {
    const m = requestMachine.provide({
      actions: { queryRoute: assign({ node: () => 'pinned' }) as never },
    });
    const t = trace(m);
    assert.ok(!t[1]?.cmds.some((c) => c.type === 'queryRoute'));
    const c = compileMachine(m);
    const [s0] = c.initial(input as never);
    const [s1] = c.transition(s0, { type: 'SUBMIT' });
    assert.equal((s1.context as { node: string }).node, 'pinned');
  });

  it('a retargeted transition in the config changes the path', () => {
    const config = requestMachine.config as { states: Record<string, unknown> };
    const mutated = createMachine(
      { ...config, states: { ...config.states, idle: { on: { SUBMIT: 'sending' } } } } as never,
      requestMachine.implementations as never,
    ) as unknown as AnyStateMachine;
    const t = trace(mutated);
    assert.equal(t[1]?.value, 'sending');
    assert.ok(t[1]?.cmds.some((c) => c.type === 'sendRpc'));
  });
});
