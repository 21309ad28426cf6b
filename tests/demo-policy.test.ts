// The demo's timeout-only policy is the real request machine with the Go client's decisions put in
// place (demo/timeout-only-policy.ts): what it does not replace is the real definition's own objects,
// and what it replaces decides as the policy says, run through the core's executor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyStateMachine } from 'xstate';
import { type Command, compileMachine } from '../core/executor/index.ts';
import { TIMEOUT_ONLY_MACHINES, timeoutOnly } from '../demo/timeout-only-policy.ts';
import { leafOf, MACHINES, type RequestEvent, type RequestInput, requestMachine } from '../machines/index.ts';

type Node = { config: Record<string, unknown> & { on?: Record<string, unknown> } };
const stateConfig = (m: AnyStateMachine, id: string) => (m.getStateNodeById(id) as unknown as Node).config;

const INPUT: RequestInput = {
  idempotent: true,
  readOnly: true,
  nowMs: 0,
  deadlineMs: 3000,
  attemptTimeoutMs: 400,
  retryBackoffMs: 10,
  retryBackoffCapMs: 200,
};

const names = (cmds: readonly Command[]) => cmds.map((c) => c.type);

describe('demo: timeout-only policy', () => {
  const policy = timeoutOnly(requestMachine);

  it('shares every part of the real machine it does not replace', () => {
    assert.equal(TIMEOUT_ONLY_MACHINES.nodeHealth, MACHINES.nodeHealth);
    assert.equal(TIMEOUT_ONLY_MACHINES.routingRefresh, MACHINES.routingRefresh);
    for (const id of ['request.succeeded', 'request.failed']) {
      assert.equal(stateConfig(policy, id), stateConfig(requestMachine, id), `${id} is not the real one`);
    }
    const real = stateConfig(requestMachine, 'request.active.resolving');
    const derived = stateConfig(policy, 'request.active.resolving');
    assert.equal(derived.entry, real.entry);
    assert.equal(
      derived.on?.ROUTE_READY,
      real.on?.ROUTE_READY,
      'the attempt is written as the real machine writes it',
    );
    assert.equal(
      stateConfig(policy, 'request.active').on,
      stateConfig(requestMachine, 'request.active').on,
      'abort is the real one',
    );
    assert.equal(policy.implementations.actions, requestMachine.implementations.actions);
  });

  it('decides like the Go client: no re-route on a lost node, no attempt timeout, a session wait', () => {
    const m = compileMachine(policy as typeof requestMachine);
    const step = (s: ReturnType<typeof m.initial>[0], e: RequestEvent) => m.transition(s, e);
    const [s0, init] = m.initial(INPUT);
    assert.deepEqual(
      names(init).filter((n) => n !== 'startTimer'),
      ['lookupRoute'],
    );
    // sent: no attempt timer, only the deadline
    const [s1, sent] = step(s0, { type: 'ROUTE_READY', nowMs: 0, node: 'n1' });
    assert.equal(leafOf(s1.value), 'awaiting');
    assert.deepEqual(names(sent), ['sendAttempt']);
    // the node is lost: the call is stranded, nothing forgotten or re-routed
    const [s2, lost] = step(s1, { type: 'NODE_DOWN', nowMs: 5, node: 'n1', reason: 'ERR_SESSION_RESET' });
    assert.equal(leafOf(s2.value), 'stranded');
    assert.deepEqual(names(lost), []);
    // no route: wait for a session until the deadline, then fail ERR_SESSION_RESET and refresh
    const [w, missing] = step(m.initial(INPUT)[0], { type: 'ROUTE_MISSING' });
    assert.equal(leafOf(w.value), 'waitingSession');
    assert.deepEqual(names(missing), []);
    const [end, atDeadline] = m.transition(w, { type: 'xstate.after.deadline.request.active' });
    assert.equal(leafOf(end.value), 'failed');
    assert.deepEqual(
      names(atDeadline).filter((n) => n !== 'cancelTimer'),
      ['requestRefresh', 'settleError'],
    );
    const settle = atDeadline.find((c) => c.type === 'settleError') as { params: { error: string } };
    assert.equal(settle.params.error, 'ERR_SESSION_RESET');
  });
});
