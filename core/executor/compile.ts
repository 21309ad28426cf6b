// Builds the Table from the machine object once: validates the supported subset (loudly), compiles
// guards and actions to closures over the machine's own implementations, and flattens every
// (leaf, transition) pair into a Program.
import type { StateValue } from 'xstate';
import { compileAction } from './actions.ts';
import { CompileError } from './errors.ts';
import { compileGuard } from './guards.ts';
import { OP_ASSIGN, OP_DONE, type Op } from './ops.ts';
import { chainOf, initialMicrostep, type Microstep, microstepFor } from './paths.ts';
import type { Candidate, Leaf, Program, Table } from './table.ts';
import { callUser, type RawMachine, type RawNode, type RawTransition, readMachine } from './xstate-shape.ts';

export function buildTable(machine: unknown): Table {
  const m = readMachine(machine);
  for (const n of m.nodes) validateNode(m, n);

  const actionCache = new Map<unknown, Op>();
  const op = (stateId: string, a: unknown): Op => {
    let o = actionCache.get(a);
    if (o === undefined) {
      o = compileAction(m, stateId, a);
      actionCache.set(a, o);
    }
    return o;
  };
  // compile every action up front so that unreachable states are validated too
  for (const n of m.nodes) {
    for (const a of [...n.entry, ...n.exit, ...n.initialActions]) op(n.id, a);
    for (const t of allTransitions(n)) for (const a of t.actions) op(n.id, a);
  }

  const leafNodes = m.nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
  const leafOf = new Map<RawNode, Leaf>();
  for (const n of leafNodes) {
    const value = deepFreeze(leafValue(n));
    leafOf.set(n, {
      index: leafOf.size,
      stateId: n.id,
      value,
      on: new Map(),
      always: null,
      done: n.type === 'final' && (n.parent === null || n.parent === m.root),
    });
  }
  const leaf = (n: RawNode): Leaf => {
    const l = leafOf.get(n);
    if (l === undefined) throw new CompileError(n.id, 'state', `'${n.type}' reached as a leaf`);
    return l;
  };

  const programOf = (
    ms: Microstep,
    transitionActions: readonly unknown[],
    sourceId: string,
    from: Leaf | null,
  ): Program => {
    const ops: Op[] = [];
    for (const n of ms.exit) for (const a of n.exit) ops.push(op(n.id, a));
    for (const a of transitionActions) ops.push(op(sourceId, a));
    let done = false;
    for (const n of ms.enter) {
      for (const a of n.entry) ops.push(op(n.id, a));
      if (ms.defaultEntry.has(n) && n.type === 'compound')
        for (const a of n.initialActions) ops.push(op(n.id, a));
      if (n.type === 'final') {
        if (n.parent === null || n.parent === m.root) done = true;
        else
          ops.push({
            k: OP_DONE,
            event: Object.freeze({ type: `xstate.done.state.${n.parent.id}`, output: undefined }),
          });
      }
    }
    // on reaching a top-level final state xstate runs the exit actions of the whole final configuration
    if (done) for (const n of chainOf(ms.leaf).reverse()) for (const a of n.exit) ops.push(op(n.id, a));
    const target = leaf(ms.leaf);
    // xstate returns a new snapshot object iff an assign ran (assign always clones), the set of active
    // states changed (exiting and re-entering the same ones does not count) or status became 'done'
    return { ops, target, done, changes: done || target !== from || ops.some((o) => o.k === OP_ASSIGN) };
  };

  const candidateFor = (l: RawNode, source: RawNode, t: RawTransition): Candidate => {
    const guard = t.guard === undefined ? null : compileGuard(m, source.id, t.guard);
    const tgt = t.target?.[0];
    const ms: Microstep =
      tgt === undefined
        ? { exit: [], enter: [], defaultEntry: new Set(), leaf: l }
        : microstepFor(l, source, tgt, t.reenter, m.root);
    return { guard, program: programOf(ms, t.actions, source.id, leaf(l)) };
  };

  for (const n of leafNodes) {
    const l = leaf(n);
    const always: Candidate[] = [];
    for (const s of chainOf(n).reverse()) {
      for (const [descriptor, ts] of s.transitions) {
        const list = l.on.get(descriptor) ?? [];
        l.on.set(descriptor, list);
        for (const t of ts) list.push(candidateFor(n, s, t));
      }
      for (const t of s.always) always.push(candidateFor(n, s, t));
    }
    (l as { always: Candidate[] | null }).always = always.length > 0 ? always : null;
  }

  const init = programOf(initialMicrostep(m.root), [], m.root.id, null);
  const byValue = new Map<unknown, Leaf>();
  for (const l of leafOf.values()) byValue.set(l.value, l);

  return {
    machineId: m.id,
    leaves: [...leafOf.values()],
    byValue,
    initial: init,
    maxIterations: m.maxIterations,
    makeContext: contextMaker(m),
    resolveValue: (value) => {
      let n: RawNode = m.root;
      let v: unknown = value;
      while (typeof v === 'object' && v !== null) {
        const [k, rest] = Object.entries(v)[0] ?? [];
        const child = n.children.find((c) => c.key === k);
        if (child === undefined) break;
        n = child;
        v = rest;
      }
      const c = typeof v === 'string' ? n.children.find((x) => x.key === v) : n;
      const l = c === undefined ? undefined : leafOf.get(c);
      if (l === undefined)
        throw new Error(`executor: '${JSON.stringify(value)}' is not a leaf state of #${m.id}`);
      return l;
    },
  };
}

function allTransitions(n: RawNode): RawTransition[] {
  return [...n.transitions.flatMap(([, ts]) => ts), ...n.always];
}

function validateNode(m: RawMachine, n: RawNode): void {
  if (n.type === 'parallel') throw new CompileError(n.id, 'parallel state', 'use nested compound states');
  if (n.type === 'history') throw new CompileError(n.id, 'history state', 'not supported');
  if (n.hasInvoke) throw new CompileError(n.id, 'invoke', 'the core drives I/O itself; no child actors');
  if (n.hasOutput) throw new CompileError(n.id, 'output', 'final/machine output is not supported');
  for (const [d] of n.transitions) {
    if (d === '*' || d.endsWith('.*')) throw new CompileError(n.id, 'wildcard event descriptor', `'${d}'`);
    if (d === 'xstate.route') throw new CompileError(n.id, 'route', 'not supported');
  }
  for (const t of allTransitions(n)) {
    const tg = t.target ?? [];
    if (tg.length > 1) throw new CompileError(n.id, 'multiple targets', `on '${t.descriptor}'`);
    if (tg[0] === m.root)
      throw new CompileError(n.id, 'transition to the machine root', `on '${t.descriptor}'`);
  }
}

/** xstate's value for a leaf: 'a' for a root child, { a: { b: 'c' } } for deeper ones, {} for a bare root. */
function leafValue(n: RawNode): StateValue {
  const keys = chainOf(n)
    .slice(1)
    .map((x) => x.key);
  const last = keys.pop();
  if (last === undefined) return {};
  let v: StateValue = last;
  for (let i = keys.length - 1; i >= 0; i--) v = { [keys[i] as string]: v };
  return v;
}

function deepFreeze(v: StateValue): StateValue {
  if (typeof v === 'object') for (const x of Object.values(v)) if (x !== undefined) deepFreeze(x);
  return Object.freeze(v);
}

function contextMaker(m: RawMachine): (input: unknown) => unknown {
  const cfg = m.contextConfig;
  const spawn = () => {
    throw new Error(`executor: spawn is not supported (machine #${m.id})`);
  };
  if (cfg.kind === 'factory') {
    // xstate applies the factory through assign: the result is shallow-copied into a fresh object
    return (input) => ({ ...(callUser(cfg.fn, { input, spawn, self: undefined }, undefined) as object) });
  }
  if (cfg.kind === 'object') {
    const value = cfg.value;
    return () => value;
  }
  return () => ({});
}
