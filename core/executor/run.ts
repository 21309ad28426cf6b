// The executor: xstate's macrostep (one selected transition, then eventless transitions and internally
// raised events until stable) over the compiled Table. Everything the machine decides comes from the
// table's closures over the machine's own guards, assigners, params and delays.
import type { EventObject } from 'xstate';
import { OP_ASSIGN, OP_CANCEL, OP_DONE, OP_EMIT, OP_RAISE, type Op, type ParamsSpec } from './ops.ts';
import type { Candidate, Leaf, Program, Table } from './table.ts';
import type { AfterEvent, Command, CompiledMachine, ExecState } from './types.ts';

/** Mutable state of one macrostep (allocated only when a transition is taken). */
interface Frame {
  leaf: Leaf;
  ctx: unknown;
  done: boolean;
  queue: EventObject[] | null;
}

const noSpawn = () => {
  throw new Error('executor: spawn is not supported');
};

function select(cands: readonly Candidate[] | null | undefined, ctx: unknown, ev: unknown): Candidate | null {
  if (cands == null) return null;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i] as Candidate;
    if (c.guard === null || c.guard(ctx, ev)) return c;
  }
  return null;
}

// One argument object per kind of callback, refilled before each call instead of allocated: this
// runs for every event on the hot path, and the machine's functions read their argument
// synchronously and never keep it (a documented limit of the supported subset).
const PARAMS_ARGS: { context: unknown; event: unknown } = { context: undefined, event: undefined };
const ASSIGN_ARGS: {
  context: unknown;
  event: unknown;
  spawn: typeof noSpawn;
  self: undefined;
  system: undefined;
} = {
  context: undefined,
  event: undefined,
  spawn: noSpawn,
  self: undefined,
  system: undefined,
};
const RAISE_ARGS: { context: unknown; event: unknown; self: undefined; system: undefined } = {
  context: undefined,
  event: undefined,
  self: undefined,
  system: undefined,
};

function paramsOf(o: ParamsSpec, context: unknown, event: unknown): unknown {
  if (o.paramsFn === null) return o.params;
  PARAMS_ARGS.context = context;
  PARAMS_ARGS.event = event;
  return o.paramsFn(PARAMS_ARGS, undefined);
}

function enqueue(f: Frame, e: EventObject): void {
  if (f.queue === null) f.queue = [e];
  else f.queue.push(e);
}

function runOps(ops: readonly Op[], f: Frame, ev: EventObject, out: Command[]): void {
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i] as Op;
    switch (o.k) {
      case OP_EMIT:
        out.push({ type: o.type, params: paramsOf(o, f.ctx, ev) });
        break;
      case OP_ASSIGN: {
        const p = paramsOf(o, f.ctx, ev);
        const prev = f.ctx;
        ASSIGN_ARGS.context = prev;
        ASSIGN_ARGS.event = ev;
        // Copies by spread, not Object.assign({}, prev): V8 clones a spread source's hidden class
        // with its in-object fields (one small object), where Object.assign adds the fields one by
        // one into an empty object (a larger, slower one); this runs on most steps of every call.
        if (o.fn !== null) {
          f.ctx = { ...(prev as object), ...(o.fn(ASSIGN_ARGS, p) as object) };
        } else {
          // Every updater sees the context before this assign (as xstate's partial-then-merge does),
          // written straight into the copy instead of into a partial object first.
          const next = { ...(prev as object) } as Record<string, unknown>;
          for (let j = 0; j < o.keys.length; j++) {
            const v = o.values[j];
            next[o.keys[j] as string] = typeof v === 'function' ? v(ASSIGN_ARGS, p) : v;
          }
          f.ctx = next;
        }
        break;
      }
      case OP_RAISE: {
        const p = paramsOf(o, f.ctx, ev);
        RAISE_ARGS.context = f.ctx;
        RAISE_ARGS.event = ev;
        const e = (o.eventFn === null ? o.event : o.eventFn(RAISE_ARGS, p)) as EventObject;
        RAISE_ARGS.context = f.ctx;
        RAISE_ARGS.event = ev;
        const d = typeof o.delay === 'function' ? o.delay(RAISE_ARGS, p) : o.delay;
        // like xstate: a delay that does not resolve to a number raises the event immediately
        if (typeof d === 'number') out.push({ type: 'startTimer', id: o.id as string, delayMs: d, event: e });
        else enqueue(f, e);
        break;
      }
      case OP_CANCEL: {
        if (o.cmd !== null) out.push(o.cmd);
        else {
          const args = { context: f.ctx, event: ev, self: undefined, system: undefined };
          out.push({ type: 'cancelTimer', id: String(o.idFn?.(args, paramsOf(o, f.ctx, ev))) });
        }
        break;
      }
      case OP_DONE:
        enqueue(f, o.event);
        break;
    }
  }
}

function apply(p: Program, f: Frame, ev: EventObject, out: Command[]): boolean {
  runOps(p.ops, f, ev, out);
  f.leaf = p.target;
  f.done = p.done;
  return p.changes;
}

/** xstate's macrostep loop after the first microstep: eventless first, then the internal queue. */
function settle(t: Table, f: Frame, event: EventObject, out: Command[]): void {
  let ev = event;
  let eventless = true;
  let n = 0;
  while (!f.done) {
    if (++n > t.maxIterations || n > 100_000) {
      throw new Error(
        `executor: no stable state after ${n} microsteps in #${f.leaf.stateId} (always/raise cycle?)`,
      );
    }
    let c: Candidate | null = eventless ? select(f.leaf.always, f.ctx, ev) : null;
    const fromAlways: boolean = c !== null;
    if (!fromAlways) {
      const q = f.queue;
      if (q === null || q.length === 0) return;
      ev = q.shift() as EventObject;
      c = select(f.leaf.on.get(ev.type), f.ctx, ev);
    }
    const changed: boolean = c !== null && apply(c.program, f, ev, out);
    // xstate re-checks eventless transitions after an eventless microstep only if the snapshot changed
    eventless = fromAlways ? changed : true;
  }
}

/** the frame of the next step (null while a step is using it) */
let spareFrame: Frame | null = null;

export function makeExecutor<C, E extends EventObject, I>(t: Table): CompiledMachine<C, E, I> {
  const step = (state: ExecState<C>, event: E | AfterEvent, out: Command<E>[]): ExecState<C> => {
    if (state.status !== 'active') return state; // P2: a done machine takes no more events
    const leaf = t.byValue.get(state.value) ?? t.resolveValue(state.value);
    const c = select(leaf.on.get(event.type), state.context, event);
    if (c === null && leaf.always === null) return state; // fast path: unhandled, nothing eventless
    // One frame reused for every step (steps never nest; a nested one, were a machine's function to
    // step another machine, would get its own); it holds nothing once the step returns.
    const f: Frame = spareFrame ?? { leaf, ctx: undefined, done: false, queue: null };
    spareFrame = null;
    f.leaf = leaf;
    f.ctx = state.context;
    f.done = false;
    f.queue = null;
    try {
      if (c !== null) apply(c.program, f, event, out as Command[]);
      settle(t, f, event, out as Command[]);
      if (f.leaf === leaf && f.ctx === state.context && !f.done) return state;
      return { value: f.leaf.value, context: f.ctx as C, status: f.done ? 'done' : 'active' };
    } finally {
      f.ctx = undefined;
      f.queue = null;
      spareFrame = f;
    }
  };
  return {
    id: t.machineId,
    initial(input: I): [ExecState<C>, Command<E>[]] {
      const out: Command<E>[] = [];
      const f: Frame = { leaf: t.initial.target, ctx: t.makeContext(input), done: false, queue: null };
      const initEvent = { type: 'xstate.init', input };
      apply(t.initial, f, initEvent, out as Command[]);
      settle(t, f, initEvent, out as Command[]);
      return [{ value: f.leaf.value, context: f.ctx as C, status: f.done ? 'done' : 'active' }, out];
    },
    transition(state, event) {
      const out: Command<E>[] = [];
      return [step(state, event, out), out];
    },
    step,
  };
}
