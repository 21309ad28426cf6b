// A render-neutral graph of one machine, read from the definition through @xstate/graph.
// toDirectedGraph gives the state tree and the event and `after` edges; `always` edges are missing
// from it (pitfall P8), so they are read from the state nodes, as are entry/exit actions and kinds.
import { type DirectedGraphNode, toDirectedGraph } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { actionLabel, delayLabel, eventLabel, guardLabel, isAfterPlumbing } from './labels.ts';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphState {
  /** xstate's state node id (`request.active.resolving`), unique within the machine */
  id: string;
  key: string;
  kind: StateKind;
  entry: string[];
  exit: string[];
  /** id of the child entered by default (compound states only) */
  initial: string | null;
  children: GraphState[];
}

export type Trigger =
  | { kind: 'event'; event: string }
  | { kind: 'after'; delay: string }
  | { kind: 'always' };

export interface GraphEdge {
  source: string;
  /** equals `source` for a targetless transition */
  target: string;
  trigger: Trigger;
  guard: string | null;
  actions: string[];
  /** targetless: actions run, no state is exited or entered */
  internal: boolean;
  /** a self-transition that exits and re-enters its state (`reenter: true`) */
  reenter: boolean;
}

export interface MachineGraph {
  id: string;
  root: GraphState;
  /** in definition order: per state (document order), its event and `after` edges, then `always` */
  edges: GraphEdge[];
}

type Transition = DirectedGraphNode['edges'][number]['transition'];

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const edges: GraphEdge[] = [];
  const root = walk(toDirectedGraph(machine), edges);
  return { id: machine.id, root, edges };
}

function walk(node: DirectedGraphNode, edges: GraphEdge[]): GraphState {
  const sn = node.stateNode;
  const delays = new Map(sn.after.map((t) => [t.eventType, delayLabel(t.delay)] as const));
  for (const e of node.edges) {
    const delay = delays.get(e.transition.eventType);
    const trigger: Trigger =
      delay === undefined ? { kind: 'event', event: eventLabel(e.label.text) } : { kind: 'after', delay };
    edges.push(edge(e.transition, e.source.id, e.target.id, trigger));
  }
  for (const t of sn.always ?? []) {
    for (const target of targetIds(t)) edges.push(edge(t, sn.id, target, { kind: 'always' }));
  }
  const children = node.children.map((c) => walk(c, edges));
  return {
    id: sn.id,
    key: sn.key,
    kind: sn.type,
    entry: sn.entry.filter((a) => !isAfterPlumbing(a)).map(actionLabel),
    exit: sn.exit.filter((a) => !isAfterPlumbing(a)).map(actionLabel),
    initial: sn.type === 'compound' ? (sn.initial.target[0]?.id ?? null) : null,
    children,
  };
}

function edge(t: Transition, source: string, target: string, trigger: Trigger): GraphEdge {
  return {
    source,
    target,
    trigger,
    guard: t.guard === undefined ? null : guardLabel(t.guard),
    actions: t.actions.map(actionLabel),
    internal: t.target === undefined || t.target.length === 0,
    reenter: t.reenter,
  };
}

/** A targetless transition stays where it is; toDirectedGraph draws it the same way. */
function targetIds(t: Transition): string[] {
  return t.target === undefined || t.target.length === 0 ? [t.source.id] : t.target.map((s) => s.id);
}

/** Every state of the tree, parents before children, in document order. */
export function allStates(state: GraphState): GraphState[] {
  return [state, ...state.children.flatMap(allStates)];
}
