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
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  initialTransition,
  type StateValue,
  transition,
} from 'xstate';
import { type Command, compileMachine, type ExecState } from '../core/executor/index.ts';
import { healthMachine } from '../tests/fixtures/machines/health.ts';
import { makeStepper, normalise } from '../tests/fixtures/machines/oracle.ts';
import { requestMachine } from '../tests/fixtures/machines/request.ts';
import { workflowMachine } from '../tests/fixtures/machines/workflow.ts';

type Step =
  | { kind: 'event'; event: EventObject }
  | { kind: 'fire' | 'stale'; pick: number }
  | { kind: 'junk' };

function steps(events: fc.Arbitrary<EventObject>): fc.Arbitrary<Step[]> {
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: events.map((event): Step => ({ kind: 'event', event })) },
      { weight: 3, arbitrary: fc.nat(7).map((pick): Step => ({ kind: 'fire', pick })) },
      { weight: 1, arbitrary: fc.nat(7).map((pick): Step => ({ kind: 'stale', pick })) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'junk' }) },
    ),
    { maxLength: 40, size: 'medium' },
  );
}

/** ids of the active states for a leaf value: machine id, then each path prefix */
function activeIds(machineId: string, value: StateValue): string[] {
  const ids = [machineId];
  let v: StateValue = value;
  let path = machineId;
  for (;;) {
    if (typeof v === 'string') {
      ids.push(`${path}.${v}`);
      return ids;
    }
    const [k, rest] = Object.entries(v)[0] ?? [];
    if (k === undefined || rest === undefined) return ids;
    path = `${path}.${k}`;
    ids.push(path);
    v = rest;
  }
}

function same(
  label: string,
  s: ExecState<unknown>,
  c: readonly Command[],
  x: AnyMachineSnapshot,
  a: unknown[],
) {
  assert.deepStrictEqual(s.value, x.value, `${label}: value`);
  assert.deepStrictEqual(s.context, x.context, `${label}: context`);
  assert.equal(s.status, x.status, `${label}: status`);
  assert.deepStrictEqual(c, a, `${label}: actions`);
}

interface Coverage {
  runs: number;
  values: Set<string>;
  fired: number;
  stale: number;
  afterDone: number;
}

function differential(
  machine: AnyStateMachine,
  inputs: fc.Arbitrary<unknown>,
  events: fc.Arbitrary<EventObject>,
): Coverage {
  const compiled = compileMachine(machine);
  const cov: Coverage = { runs: 0, values: new Set(), fired: 0, stale: 0, afterDone: 0 };
  let run = 0;
  fc.assert(
    fc.property(inputs, steps(events), (input, seq) => {
      const crossCheck = run++ % 10 === 0;
      const stepper = makeStepper(machine, input);
      let [x, xa] = stepper.init(input);
      let [s, c] = compiled.initial(input as never);
      same('initial', s, c, x, normalise(xa));
      if (crossCheck) {
        const [y, ya] = initialTransition(machine, input);
        same('initial vs initialTransition()', s, c, y, normalise(ya));
      }
      const pending = new Map<string, EventObject>(); // the shell's timers, commands applied in order
      const gone: EventObject[] = [];
      const apply = (cmds: readonly Command[]) => {
        for (const cmd of cmds) {
          if (cmd.type === 'startTimer' && 'delayMs' in cmd) pending.set(cmd.id, cmd.event);
          else if (cmd.type === 'cancelTimer' && 'id' in cmd) {
            const ev = pending.get(cmd.id);
            if (ev !== undefined) gone.push(ev);
            pending.delete(cmd.id); // P6: unknown ids are ignored
          }
        }
      };
      apply(c);
      for (const [k, st] of seq.entries()) {
        let ev: EventObject;
        if (st.kind === 'event') ev = st.event;
        else if (st.kind === 'junk') ev = { type: 'NOBODY_HANDLES_THIS' };
        else if (st.kind === 'fire') {
          const ids = [...pending.keys()];
          const id = ids[st.pick % Math.max(1, ids.length)];
          if (id === undefined) continue;
          ev = pending.get(id) as EventObject;
          cov.fired++;
          pending.delete(id);
          gone.push(ev);
        } else {
          const old = gone[st.pick % Math.max(1, gone.length)];
          if (old === undefined) continue;
          cov.stale++;
          ev = old;
        }
        const label = `step ${k} ${JSON.stringify(ev)}`;
        if (x.status === 'done') {
          cov.afterDone++;
          const [s2, c2] = compiled.transition(s, ev as never);
          assert.equal(s2, s, `${label}: a done state must be returned unchanged`);
          assert.deepStrictEqual(c2, [], `${label}: no commands after done`);
          continue;
        }
        const prev = x;
        [x, xa] = stepper.step(x, ev);
        [s, c] = compiled.transition(s, ev as never);
        same(label, s, c, x, normalise(xa));
        if (crossCheck) {
          const [y, ya] = transition(machine, prev, ev);
          same(`${label} vs transition()`, s, c, y, normalise(ya));
        }
        apply(c);
        cov.values.add(JSON.stringify(s.value));
        const active = activeIds(machine.id, s.value);
        for (const id of pending.keys()) {
          if (!id.startsWith('xstate.after.')) continue;
          assert.ok(
            active.some((a) => id.endsWith(`.${a}`)),
            `${label}: timer ${id} pending outside its state`,
          );
        }
      }
    }),
    { numRuns: 1000 },
  );
  cov.runs = run;
  return cov;
}

/** guards against a generator that silently stops reaching parts of the machine */
function enough(cov: Coverage, stableLeaves: number) {
  assert.ok(cov.runs >= 500, `runs ${cov.runs}`);
  assert.equal(cov.values.size, stableLeaves, `visited ${[...cov.values].join(' ')}`);
  assert.ok(
    cov.fired > 100 && cov.stale > 20 && cov.afterDone > 20,
    JSON.stringify({ ...cov, values: undefined }),
  );
}

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
