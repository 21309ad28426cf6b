// Exit and entry sets of one transition for a tree of states (no parallel, no history): the SCXML
// microstep rules as xstate 5 applies them (transition domain, reenter, default entry of compounds).
import type { RawNode } from './xstate-shape.ts';

/** xstate's isDescendant: proper descendant; every node (root included) is "below" a null domain. */
export function isBelow(n: RawNode, anc: RawNode | null): boolean {
  if (anc === null) return true;
  for (let p = n.parent; p !== null; p = p.parent) if (p === anc) return true;
  return false;
}

/** root..n */
export function chainOf(n: RawNode): RawNode[] {
  const out: RawNode[] = [];
  for (let p: RawNode | null = n; p !== null; p = p.parent) out.unshift(p);
  return out;
}

/** The transition domain; null means "above the root" (a reentering root-level transition). */
function domainOf(source: RawNode, target: RawNode, reenter: boolean, root: RawNode): RawNode | null {
  if (!reenter && (target === source || isBelow(target, source))) return source;
  for (let a = target.parent; a !== null; a = a.parent) if (isBelow(source, a)) return a;
  return reenter ? null : root;
}

export interface Microstep {
  /** deepest first */
  readonly exit: RawNode[];
  /** outermost first */
  readonly enter: RawNode[];
  /** entered by default (their `initial` actions run) */
  readonly defaultEntry: Set<RawNode>;
  readonly leaf: RawNode;
}

/** Follows `initial` down to a leaf, adding each state to the entry and default-entry sets. */
function enterDefault(n: RawNode, enter: Set<RawNode>, defaults: Set<RawNode>): RawNode {
  let cur = n;
  while (cur.type === 'compound' && cur.initial !== null) {
    cur = cur.initial;
    enter.add(cur);
    defaults.add(cur);
  }
  return cur;
}

const byOrderAsc = (a: RawNode, b: RawNode) => a.order - b.order;

export function microstepFor(
  leaf: RawNode,
  source: RawNode,
  target: RawNode,
  reenter: boolean,
  root: RawNode,
): Microstep {
  const domain = domainOf(source, target, reenter, root);
  const exitSet = new Set<RawNode>();
  if (reenter && domain === source) exitSet.add(source);
  for (const n of chainOf(leaf)) if (isBelow(n, domain)) exitSet.add(n);
  const enter = new Set<RawNode>();
  const defaults = new Set<RawNode>();
  if (target !== source || source !== domain || reenter) {
    enter.add(target);
    defaults.add(target);
  }
  const newLeaf = enterDefault(target, enter, defaults);
  if (target !== domain) for (let a = target.parent; a !== null && a !== domain; a = a.parent) enter.add(a);
  return {
    exit: [...exitSet].sort((a, b) => b.order - a.order),
    enter: [...enter].sort(byOrderAsc),
    defaultEntry: defaults,
    leaf: newLeaf,
  };
}

/** The initial microstep: the whole initial chain is entered by default, root included. */
export function initialMicrostep(root: RawNode): Microstep {
  const enter = new Set<RawNode>([root]);
  const defaults = new Set<RawNode>([root]);
  const leaf = enterDefault(root, enter, defaults);
  return { exit: [], enter: [...enter].sort(byOrderAsc), defaultEntry: defaults, leaf };
}
