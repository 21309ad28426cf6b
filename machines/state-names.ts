// State names as types derived from the machine definitions, so that code outside machines/ never
// compares a state against a string it typed itself: renaming a state in a definition breaks the
// build at every place that depends on it.
import type { AnyStateMachine, SnapshotFrom } from 'xstate';

type Leaves<V> = V extends string ? V : V extends object ? { [K in keyof V]: Leaves<V[K]> }[keyof V] : never;

/** the names of a machine's leaf states (the only states a snapshot can rest in) */
export type LeafStateOf<M extends AnyStateMachine> = Leaves<SnapshotFrom<M>['value']>;

/** a const object naming every leaf state exactly once, `{ ready: 'ready', ... }` */
export type StateNames<S extends string> = { readonly [K in S]: K };

/** the leaf state names of a definition, in document order, read from its state nodes */
export function leafStatesOf(machine: AnyStateMachine): string[] {
  interface Node {
    key: string;
    states: Record<string, Node>;
  }
  const out: string[] = [];
  const visit = (n: Node) => {
    const children = Object.values(n.states);
    if (children.length === 0) out.push(n.key);
    for (const c of children) visit(c);
  };
  visit(machine.root as unknown as Node);
  return out;
}

/** the innermost state name of a snapshot value ({ active: 'awaiting' } -> 'awaiting') */
export function leafOf<S extends string = string>(value: unknown): S {
  let v = value;
  // for-in, not Object.values: this runs on every call step and must not allocate
  while (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    let next: unknown;
    for (const k in o) {
      next = o[k];
      break;
    }
    v = next;
  }
  return String(v) as S;
}
