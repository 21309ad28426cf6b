// The compiled form of one action: a small record the runtime switches on. Each op keeps a reference
// to the machine's own function (assigner, params, delay...), never a copy of what it does.

export const OP_EMIT = 0; // named action -> { type, params } command
export const OP_ASSIGN = 1; // context update through the machine's assigner(s)
export const OP_RAISE = 2; // delayed -> startTimer command; undelayed -> internal queue
export const OP_CANCEL = 3; // -> cancelTimer command
export const OP_DONE = 4; // a final child was entered: queue `xstate.done.state.<parent id>`

/** How `params` are given at the reference site: absent, static, or a function of { context, event }. */
export interface ParamsSpec {
  readonly paramsFn: ((args: unknown, p: unknown) => unknown) | null;
  readonly params: unknown;
}

export interface EmitOp extends ParamsSpec {
  readonly k: typeof OP_EMIT;
  readonly type: string;
}

export interface AssignOp extends ParamsSpec {
  readonly k: typeof OP_ASSIGN;
  /** function form, or null for the object form (then keys/values) */
  readonly fn: ((args: unknown, p: unknown) => unknown) | null;
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

export interface RaiseOp extends ParamsSpec {
  readonly k: typeof OP_RAISE;
  readonly event: unknown;
  readonly eventFn: ((args: unknown, p: unknown) => unknown) | null;
  readonly id: string | undefined;
  /** number, a delay function from the definition/implementations, or undefined (no delay) */
  readonly delay: number | ((args: unknown, p: unknown) => unknown) | undefined;
}

export interface CancelOp extends ParamsSpec {
  readonly k: typeof OP_CANCEL;
  /** the shared command when the id is static */
  readonly cmd: { readonly type: 'cancelTimer'; readonly id: string } | null;
  readonly idFn: ((args: unknown, p: unknown) => unknown) | null;
}

export interface DoneOp {
  readonly k: typeof OP_DONE;
  readonly event: { readonly type: string; readonly output: undefined };
}

export type Op = EmitOp | AssignOp | RaiseOp | CancelOp | DoneOp;
