// Differential property: the compiled executor (core/executor) against xstate's own transition.
//
// Property. For every fixture machine M, input i and event sequence e_1..e_n drawn from M's events,
// timer events fed back for pending timers, stale timer events (already fired or cancelled), and an
// event type no state handles (sequences run on past 'done'):
//   let (x_0, A_0) = xstate initial snapshot of M for i      (s_0, C_0) = compiled.initial(i)
//   for k >= 1: if x_{k-1}.status = 'done' then s_k = s_{k-1} (the same object) and C_k = []   (P2)
//               else (x_k, A_k) = M.transition(x_{k-1}, e_k) and (s_k, C_k) = compiled.transition(s_{k-1}, e_k)
//   then for all k:  s_k.value deep= x_k.value  and  s_k.context deep= x_k.context
//                    and s_k.status = x_k.status  and  C_k deep= normalise(A_k)   (same order, see oracle.ts)
// The oracle is the reused-scope stepper (research Appendix B); every 10th run is also cross-checked
// against the exported initialTransition()/transition().
// Side invariant (P5/P6): a shell that applies C_k in order, and ignores cancels for ids it does not hold,
// never holds an `after` timer of a state that is not active.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EventObject } from 'xstate';
import { differential, enough } from '../tests/fixtures/machines/differential.ts';
import { healthMachine } from '../tests/fixtures/machines/health.ts';
import { requestMachine } from '../tests/fixtures/machines/request.ts';
import { workflowMachine } from '../tests/fixtures/machines/workflow.ts';

const node = fc.constantFrom('n1', 'n2', 'n3');

describe('executor differential (compiled table vs xstate transition)', () => {
  it('request machine (Appendix A)', () => {
    const cov = differential(
      requestMachine,
      fc.record({
        id: fc.nat(100),
        maxAttempts: fc.integer({ min: 1, max: 4 }),
        timeoutMs: fc.integer({ min: 1, max: 2000 }),
      }),
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom<EventObject>(
            { type: 'SUBMIT' },
            { type: 'ROUTE_ERR' },
            { type: 'SENT' },
          ),
        },
        { weight: 1, arbitrary: fc.constant<EventObject>({ type: 'CANCEL' }) },
        { weight: 3, arbitrary: node.map((n) => ({ type: 'ROUTE_OK', node: n })) },
        { weight: 2, arbitrary: node.map((n) => ({ type: 'NODE_DOWN', node: n })) },
        {
          weight: 3,
          arbitrary: fc.record({ type: fc.constant('RESPONSE'), ok: fc.boolean(), retriable: fc.boolean() }),
        },
      ),
    );
    enough(cov, 8);
  });

  it('workflow machine (nesting, entry/exit order, always chains, reenter, and/or/not, onDone)', () => {
    const cov = differential(
      workflowMachine,
      fc.record({ start: fc.integer({ min: -3, max: 12 }) }),
      fc.oneof(
        {
          weight: 9,
          arbitrary: fc.constantFrom<EventObject>(
            { type: 'NEXT' },
            { type: 'BACK' },
            { type: 'SELF' },
            { type: 'REENTER' },
            { type: 'DEEP' },
            { type: 'RESET' },
            { type: 'POKE' },
            { type: 'RAISE' },
          ),
        },
        { weight: 1, arbitrary: fc.constant<EventObject>({ type: 'ABORT' }) },
        { weight: 2, arbitrary: fc.integer({ min: -2, max: 3 }).map((by) => ({ type: 'INC', by })) },
        { weight: 2, arbitrary: fc.boolean().map((flag) => ({ type: 'JUMP', flag })) },
      ),
    );
    enough(cov, 7); // b.b2 is never stable: onDone leaves it at once; boot neither
  });

  it('health machine (static context, init-time always, delayed raise/cancel, reentering after)', () => {
    const cov = differential(
      healthMachine,
      fc.record({ skip: fc.boolean() }),
      fc.oneof(
        fc.constantFrom<EventObject>({ type: 'OK' }, { type: 'KICK' }, { type: 'RETRY' }, { type: 'STOP' }),
        fc.constantFrom('refused', 'timeout').map((reason) => ({ type: 'FAIL', reason })),
      ),
    );
    enough(cov, 4);
  });
});
