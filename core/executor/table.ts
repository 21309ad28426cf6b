// The compiled transition table. With no parallel states a configuration is one leaf (its ancestors are
// implied), so each (leaf, transition) pair has a fixed exit list, action list and entry list: a Program.
import type { StateValue } from 'xstate';
import type { GuardFn } from './guards.ts';
import type { Op } from './ops.ts';

/** One microstep, fully flattened: exit actions, transition actions, entry actions (+ done-exits). */
export interface Program {
  readonly ops: readonly Op[];
  /** leaf after the microstep */
  readonly target: Leaf;
  /** true if the microstep makes xstate return a new snapshot regardless of data: config changed,
   *  an assign ran (xstate's assign always clones), or a top-level final state was entered */
  readonly changes: boolean;
  /** a top-level final state is entered: status becomes 'done' */
  readonly done: boolean;
}

export interface Candidate {
  readonly guard: GuardFn | null;
  /** filled in after all leaves exist (targets refer to leaves) */
  program: Program;
}

export interface Leaf {
  readonly index: number;
  readonly stateId: string;
  /** frozen, shared: also the key that maps a state back to its leaf in O(1) */
  readonly value: StateValue;
  /** candidates per event type, leaf's own first, then each ancestor's (xstate's selection order) */
  readonly on: Map<string, Candidate[]>;
  /** eventless candidates in the same order; null when none on the whole chain */
  readonly always: Candidate[] | null;
  /** a top-level final state */
  readonly done: boolean;
}

export interface Table {
  readonly machineId: string;
  readonly leaves: readonly Leaf[];
  readonly byValue: Map<unknown, Leaf>;
  readonly initial: Program;
  readonly maxIterations: number;
  /** builds the context before the initial microstep (xstate's pre-initial assign) */
  readonly makeContext: (input: unknown) => unknown;
  /** structural fallback when a state's value is not one of our shared value objects */
  readonly resolveValue: (value: StateValue) => Leaf;
}
