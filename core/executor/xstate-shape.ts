// The one place that reads xstate 5.x internals (StateNode fields, builtin action/guard markers).
// Everything leaving this file is typed; every unchecked cast of xstate's untyped structure lives here.
// Shapes relied on (xstate 5.33, StateMachine.ts / stateUtils.ts): machine.root, node.{id,key,type,order,
// parent,states,entry,exit,transitions: Map<descriptor, TransitionDefinition[]>,always,initial,invoke,
// history,output}, transition.{target: StateNode[]|undefined, reenter, guard, actions, eventType}.
// package.json pins xstate to the exact version the differential properties ran against
// (tests/xstate-pin.test.ts); moving to another means changing the pin and running them again.
import { and, assign, cancel, not, or, raise, stateIn } from 'xstate';
import { CompileError } from './errors.ts';

/** A user-supplied function from the machine definition (guard, action, assigner, params, delay...). */
export type UserFn = (args: unknown, params: unknown) => unknown;

export interface RawTransition {
  readonly descriptor: string;
  readonly target: readonly RawNode[] | undefined;
  readonly reenter: boolean;
  readonly guard: unknown;
  readonly actions: readonly unknown[];
}

export interface RawNode {
  readonly id: string;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'final' | 'parallel' | 'history';
  /** document order; parents precede children (xstate sorts entry ascending, exit descending by it) */
  readonly order: number;
  readonly parent: RawNode | null;
  readonly children: RawNode[];
  initial: RawNode | null;
  initialActions: readonly unknown[];
  /** includes the `xstate.raise`/`xstate.cancel` that xstate appended for `after` */
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  transitions: [string, RawTransition[]][];
  always: RawTransition[];
  readonly hasInvoke: boolean;
  readonly hasOutput: boolean;
}

export interface RawMachine {
  readonly id: string;
  readonly root: RawNode;
  readonly nodes: readonly RawNode[];
  readonly contextConfig:
    | { kind: 'none' }
    | { kind: 'object'; value: object }
    | { kind: 'factory'; fn: UserFn };
  readonly guards: Readonly<Record<string, unknown>>;
  readonly actions: Readonly<Record<string, unknown>>;
  readonly delays: Readonly<Record<string, unknown>>;
  readonly maxIterations: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const asObj = (v: unknown): Obj => (isObj(v) || typeof v === 'function' ? (v as Obj) : {});

/** Reads the machine's state tree into typed records, once. */
export function readMachine(machine: unknown): RawMachine {
  const m = asObj(machine);
  const rootSn = m.root;
  if (!isObj(rootSn) || !isObj(m.implementations) || !isObj(m.config)) {
    throw new CompileError('(machine)', 'input', 'not an xstate v5 machine (no root / implementations)');
  }
  const byStateNode = new Map<unknown, RawNode>();
  const nodes: RawNode[] = [];
  const visit = (snv: unknown, parent: RawNode | null): RawNode => {
    const sn = asObj(snv);
    const children: RawNode[] = [];
    const node: RawNode = {
      id: String(sn.id),
      key: String(sn.key),
      type: sn.type as RawNode['type'],
      order: Number(sn.order),
      parent,
      children,
      initial: null,
      initialActions: [],
      entry: (sn.entry as unknown[]).slice(),
      exit: (sn.exit as unknown[]).slice(),
      transitions: [],
      always: [],
      hasInvoke: (sn.invoke as unknown[]).length > 0,
      hasOutput: sn.output !== undefined,
    };
    byStateNode.set(snv, node);
    nodes.push(node);
    for (const child of Object.values(asObj(sn.states))) children.push(visit(child, node));
    return node;
  };
  const root = visit(rootSn, null);
  // second pass: transitions reference other nodes
  for (const [snv, node] of byStateNode) {
    const sn = asObj(snv);
    const toRaw = (t: unknown): RawTransition => {
      const tr = asObj(t);
      const target = tr.target as unknown[] | undefined;
      return {
        descriptor: String(tr.eventType),
        target: target?.map((x) => {
          const n = byStateNode.get(x);
          if (n === undefined) throw new CompileError(node.id, 'transition', 'target outside this machine');
          return n;
        }),
        reenter: tr.reenter === true,
        guard: tr.guard,
        actions: (tr.actions as unknown[] | undefined) ?? [],
      };
    };
    node.transitions = [...(sn.transitions as Map<string, unknown[]>)].map(([d, ts]) => [d, ts.map(toRaw)]);
    node.always = ((sn.always as unknown[] | undefined) ?? []).map(toRaw);
    if (node.type === 'compound') {
      const init = asObj(sn.initial);
      const tgt = (init.target as unknown[] | undefined)?.[0];
      node.initial = byStateNode.get(tgt) ?? null;
      node.initialActions = (init.actions as unknown[] | undefined) ?? [];
    }
  }
  const impl = asObj(m.implementations);
  const cfg = asObj(m.config);
  const ctx = cfg.context;
  const opts = asObj(m.options);
  return {
    id: String(m.id),
    root,
    nodes,
    contextConfig:
      typeof ctx === 'function'
        ? { kind: 'factory', fn: ctx as UserFn }
        : isObj(ctx)
          ? { kind: 'object', value: ctx }
          : { kind: 'none' },
    guards: asObj(impl.guards),
    actions: asObj(impl.actions),
    delays: asObj(impl.delays),
    maxIterations: typeof opts.maxIterations === 'number' ? opts.maxIterations : Number.POSITIVE_INFINITY,
  };
}

// ---- builtin actions: recognised by the `type` tag xstate puts on them plus the presence of `resolve`

export type ActionShape =
  | { kind: 'named'; name: string; hasParams: boolean; params: unknown }
  | { kind: 'assign'; assignment: unknown }
  | { kind: 'raise'; event: unknown; id: unknown; delay: unknown }
  | { kind: 'cancel'; sendId: unknown }
  | { kind: 'inline'; name: string }
  | { kind: 'builtin'; type: string };

const ASSIGN_RESOLVE = asObj(assign({})).resolve;
const RAISE_RESOLVE = asObj(raise({ type: 'probe' })).resolve;
const CANCEL_RESOLVE = asObj(cancel('probe')).resolve;

export function actionShape(a: unknown): ActionShape {
  if (typeof a === 'string') return { kind: 'named', name: a, hasParams: false, params: undefined };
  if (typeof a === 'function') {
    const f = asObj(a);
    if (!('resolve' in f)) return { kind: 'inline', name: (a as { name?: string }).name || '(anonymous)' };
    const type = String(f.type);
    if (type === 'xstate.assign' && f.resolve === ASSIGN_RESOLVE)
      return { kind: 'assign', assignment: f.assignment };
    if (type === 'xstate.raise' && f.resolve === RAISE_RESOLVE)
      return { kind: 'raise', event: f.event, id: f.id, delay: f.delay };
    if (type === 'xstate.cancel' && f.resolve === CANCEL_RESOLVE) return { kind: 'cancel', sendId: f.sendId };
    return { kind: 'builtin', type };
  }
  if (isObj(a) && typeof a.type === 'string') {
    return { kind: 'named', name: a.type, hasParams: 'params' in a, params: a.params };
  }
  return { kind: 'builtin', type: String(a) };
}

// ---- guards: not/and/or/stateIn carry a `check` function; compare with probes from the same xstate copy

export type GuardShape =
  | { kind: 'named'; name: string; hasParams: boolean; params: unknown }
  | { kind: 'inline'; fn: UserFn }
  | { kind: 'not' | 'and' | 'or'; guards: readonly unknown[] }
  | { kind: 'unsupported'; what: string };

const CHECKS = new Map<unknown, 'not' | 'and' | 'or' | 'stateIn'>([
  [asObj(not('p')).check, 'not'],
  [asObj(and(['p'])).check, 'and'],
  [asObj(or(['p'])).check, 'or'],
  [asObj(stateIn('p')).check, 'stateIn'],
]);

export function guardShape(g: unknown): GuardShape {
  if (typeof g === 'string') return { kind: 'named', name: g, hasParams: false, params: undefined };
  if (typeof g === 'function') {
    const f = asObj(g);
    if (!('check' in f)) return { kind: 'inline', fn: g as UserFn };
    const k = CHECKS.get(f.check);
    if (k === 'not' || k === 'and' || k === 'or') return { kind: k, guards: f.guards as unknown[] };
    return { kind: 'unsupported', what: k ?? 'unknown builtin guard' };
  }
  if (isObj(g) && typeof g.type === 'string') {
    return { kind: 'named', name: g.type, hasParams: 'params' in g, params: g.params };
  }
  return { kind: 'unsupported', what: `guard ${String(g)}` };
}

/** Calls a user function from the definition the way xstate does: (args, params). */
export function callUser(fn: unknown, args: unknown, params: unknown): unknown {
  return (fn as UserFn)(args, params);
}
