// Compile-time rejection of everything outside the supported subset, and the executor's API contract.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AnyStateMachine,
  cancel,
  createMachine,
  emit,
  enqueueActions,
  fromPromise,
  log,
  raise,
  sendTo,
  setup,
  spawnChild,
  stateIn,
} from 'xstate';
import { type Command, CompileError, compileMachine } from '../core/executor/index.ts';
import { type ReqEvent, requestMachine } from './fixtures/machines/request.ts';

const m = (config: object, impl: object = {}) =>
  createMachine(config as never, impl as never) as AnyStateMachine;

function rejects(machine: AnyStateMachine, state: string, feature: RegExp) {
  assert.throws(
    () => compileMachine(machine),
    (e: unknown) => {
      assert.ok(e instanceof CompileError, String(e));
      assert.match(e.message, new RegExp(`'#${state.replace(/\./g, '\\.')}'`));
      assert.match(e.message, feature);
      return true;
    },
  );
}

describe('executor: compile-time rejection', () => {
  it('invoke', () => {
    const mm = setup({ actors: { p: fromPromise(async () => 1) } }).createMachine({
      id: 'x',
      initial: 'a',
      states: { a: { invoke: { src: 'p' } } },
    });
    rejects(mm, 'x.a', /invoke/);
  });
  it('parallel states', () => {
    rejects(m({ id: 'x', type: 'parallel', states: { a: {}, b: {} } }), 'x', /parallel/);
  });
  it('history states', () => {
    rejects(m({ id: 'x', initial: 'a', states: { a: {}, h: { type: 'history' } } }), 'x.h', /history/);
  });
  it('spawnChild, sendTo, emit, enqueueActions, log', () => {
    for (const [action, name] of [
      [spawnChild('p'), 'xstate.spawnChild'],
      [sendTo('other', { type: 'E' }), 'xstate.sendTo'],
      [emit({ type: 'E' }), 'xstate.emit'],
      [enqueueActions(() => {}), 'xstate.enqueueActions'],
      [log('hi'), 'xstate.log'],
    ] as const) {
      rejects(m({ id: 'x', initial: 'a', states: { a: { entry: action } } }), 'x.a', new RegExp(name));
    }
  });
  it('inline action functions (side effects belong in named actions)', () => {
    rejects(
      m({ id: 'x', initial: 'a', states: { a: { on: { E: { actions: () => {} } } } } }),
      'x.a',
      /inline action/,
    );
  });
  it('wildcard event descriptors', () => {
    rejects(m({ id: 'x', initial: 'a', states: { a: { on: { '*': 'a' } } } }), 'x.a', /wildcard/);
    rejects(m({ id: 'x', initial: 'a', states: { a: { on: { 'foo.*': 'a' } } } }), 'x.a', /wildcard/);
  });
  it('stateIn guards', () => {
    rejects(
      m({ id: 'x', initial: 'a', states: { a: { on: { E: { guard: stateIn('a'), target: 'a' } } } } }),
      'x.a',
      /stateIn/,
    );
  });
  it('guards, delays without an implementation', () => {
    rejects(
      m({ id: 'x', initial: 'a', states: { a: { on: { E: { guard: 'nope', target: 'a' } } } } }),
      'x.a',
      /'nope'/,
    );
    rejects(m({ id: 'x', initial: 'a', states: { a: { after: { later: 'a' } } } }), 'x.a', /'later'.*delays/);
  });
  it('delayed raise without an id', () => {
    rejects(
      m({ id: 'x', initial: 'a', states: { a: { entry: raise({ type: 'E' }, { delay: 5 }) } } }),
      'x.a',
      /id/,
    );
  });
  it('output', () => {
    rejects(
      m({ id: 'x', initial: 'a', states: { a: { type: 'final', output: { r: 1 } } } }),
      'x.a',
      /output/,
    );
  });
  it('a transition targeting the root', () => {
    rejects(m({ id: 'x', initial: 'a', states: { a: { on: { E: '#x' } } } }), 'x.a', /root/);
  });
  it('accepts undelayed raise and cancel', () => {
    const mm = m({
      id: 'x',
      initial: 'a',
      states: { a: { on: { E: { actions: [raise({ type: 'F' }), cancel('t')] }, F: 'b' } }, b: {} },
    });
    const c = compileMachine(mm);
    const [s0] = c.initial(undefined);
    const [s1, cmds] = c.transition(s0, { type: 'E' });
    assert.equal(s1.value, 'b');
    assert.deepStrictEqual(cmds, [{ type: 'cancelTimer', id: 't' }]);
  });
});

describe('executor: API contract', () => {
  const c = compileMachine(requestMachine);
  const [s0, init] = c.initial({ id: 1 });

  it('initial gives value, context, status and entry commands', () => {
    assert.deepStrictEqual(s0, {
      value: 'idle',
      context: { id: 1, attempts: 0, maxAttempts: 3, timeoutMs: 1000, node: null, error: null },
      status: 'active',
    });
    assert.deepStrictEqual(init, []);
  });

  it('an unhandled event returns the same state object and no commands', () => {
    const [s, cmds] = c.transition(s0, { type: 'SENT' });
    assert.equal(s, s0);
    assert.deepStrictEqual(cmds, []);
  });

  it('after: startTimer carries the event to feed back; exit cancels it', () => {
    let s = s0;
    for (const e of [{ type: 'SUBMIT' }, { type: 'ROUTE_OK', node: 'n1' }] as const)
      s = c.transition(s, e)[0];
    const [s2, cmds] = c.transition(s, { type: 'SENT' });
    const timer = { type: 'xstate.after.rpcTimeout.req.awaitingResponse' };
    assert.deepStrictEqual(cmds, [{ type: 'startTimer', id: timer.type, delayMs: 1000, event: timer }]);
    const [s3, cmds3] = c.transition(s2, timer as never);
    assert.equal(s3.value, 'backoff');
    assert.deepStrictEqual(cmds3.slice(0, 2), [
      { type: 'cancelTimer', id: timer.type }, // P6: the timer that just fired is cancelled too
      {
        type: 'startTimer',
        id: 'xstate.after.backoff.req.backoff',
        delayMs: 20,
        event: { type: 'xstate.after.backoff.req.backoff' },
      },
    ]);
  });

  it('a done state ignores further events (P2)', () => {
    const [done, cmds] = c.transition(s0, { type: 'CANCEL' });
    assert.equal(done.status, 'done');
    assert.deepStrictEqual(cmds, [{ type: 'complete', params: { id: 1, ok: false, error: 'cancelled' } }]);
    const [again, more] = c.transition(done, { type: 'CANCEL' });
    assert.equal(again, done);
    assert.deepStrictEqual(more, []);
  });

  it('step() appends to a caller-owned array', () => {
    const out: Command<ReqEvent>[] = [{ type: 'marker', params: null }];
    const s = c.step(s0, { type: 'SUBMIT' }, out);
    assert.equal(s.value, 'resolving');
    assert.deepStrictEqual(out, [
      { type: 'marker', params: null },
      { type: 'queryRoute', params: { id: 1 } },
    ]);
  });

  it('accepts a state rebuilt from JSON (value looked up structurally)', () => {
    const rebuilt = JSON.parse(JSON.stringify(c.transition(s0, { type: 'SUBMIT' })[0]));
    const [s, cmds] = c.transition(rebuilt, { type: 'ROUTE_OK', node: 'n2' });
    assert.equal(s.value, 'sending');
    assert.deepStrictEqual(cmds, [{ type: 'sendRpc', params: { id: 1, node: 'n2' } }]);
  });
});
