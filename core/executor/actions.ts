// Compiles an action reference from the definition into an Op, resolving named actions against
// machine.implementations.actions the way xstate's resolveAndExecuteActionsWithContext does.
import { CompileError } from './errors.ts';
import { OP_ASSIGN, OP_CANCEL, OP_EMIT, OP_RAISE, type Op, type ParamsSpec } from './ops.ts';
import { actionShape, type RawMachine, type UserFn } from './xstate-shape.ts';

const NO_PARAMS: ParamsSpec = { paramsFn: null, params: undefined };

function paramsSpec(hasParams: boolean, params: unknown): ParamsSpec {
  if (!hasParams) return NO_PARAMS;
  return typeof params === 'function'
    ? { paramsFn: params as UserFn, params: undefined }
    : { paramsFn: null, params };
}

export function compileAction(m: RawMachine, stateId: string, action: unknown): Op {
  const a = actionShape(action);
  switch (a.kind) {
    case 'inline':
      throw new CompileError(
        stateId,
        'inline action',
        `function '${a.name}': use a named action from setup()`,
      );
    case 'builtin':
      throw new CompileError(stateId, `action '${a.type}'`, 'only assign, raise and cancel are supported');
    case 'named': {
      const ps = paramsSpec(a.hasParams, a.params);
      const impl = Object.hasOwn(m.actions, a.name) ? m.actions[a.name] : undefined;
      if (impl === undefined) return { k: OP_EMIT, type: a.name, ...ps }; // unimplemented = pure command
      if (typeof impl !== 'function') {
        throw new CompileError(stateId, `action '${a.name}'`, 'implementation is not a function');
      }
      if (!('resolve' in impl)) return { k: OP_EMIT, type: a.name, ...ps };
      return compileBuiltin(m, stateId, impl, ps); // e.g. actions: { bump: assign(...) }
    }
    default:
      return compileBuiltin(m, stateId, action, NO_PARAMS);
  }
}

function compileBuiltin(m: RawMachine, stateId: string, action: unknown, ps: ParamsSpec): Op {
  const a = actionShape(action);
  switch (a.kind) {
    case 'assign': {
      const asg = a.assignment;
      if (typeof asg === 'function') return { k: OP_ASSIGN, fn: asg as UserFn, keys: [], values: [], ...ps };
      if (typeof asg !== 'object' || asg === null)
        throw new CompileError(stateId, 'assign', 'bad assignment');
      const keys = Object.keys(asg);
      return {
        k: OP_ASSIGN,
        fn: null,
        keys,
        values: keys.map((key) => (asg as Record<string, unknown>)[key]),
        ...ps,
      };
    }
    case 'raise': {
      if (typeof a.event === 'string')
        throw new CompileError(stateId, 'raise', 'string events (xstate throws)');
      const delay = resolveDelay(m, stateId, a.delay);
      if (delay !== undefined && typeof a.id !== 'string') {
        throw new CompileError(stateId, 'raise', 'a delayed raise needs a string `id` (the timer id)');
      }
      return {
        k: OP_RAISE,
        event: a.event,
        eventFn: typeof a.event === 'function' ? (a.event as UserFn) : null,
        id: typeof a.id === 'string' ? a.id : undefined,
        delay,
        ...ps,
      };
    }
    case 'cancel': {
      if (typeof a.sendId === 'string') {
        return { k: OP_CANCEL, cmd: Object.freeze({ type: 'cancelTimer', id: a.sendId }), idFn: null, ...ps };
      }
      if (typeof a.sendId === 'function') return { k: OP_CANCEL, cmd: null, idFn: a.sendId as UserFn, ...ps };
      throw new CompileError(stateId, 'cancel', 'sendId must be a string or a function');
    }
    case 'builtin':
      throw new CompileError(stateId, `action '${a.type}'`, 'only assign, raise and cancel are supported');
    default:
      throw new CompileError(stateId, 'action', 'named action aliasing another named action');
  }
}

/** `after` keys and raise delays: a number, a delay function, or the name of one in `delays`. */
function resolveDelay(m: RawMachine, stateId: string, delay: unknown): RaiseDelay {
  if (delay === undefined || typeof delay === 'number') return delay;
  if (typeof delay === 'function') return delay as UserFn;
  if (typeof delay === 'string') {
    const impl = Object.hasOwn(m.delays, delay) ? m.delays[delay] : undefined;
    if (typeof impl === 'number' || typeof impl === 'function') return impl as number | UserFn;
    throw new CompileError(stateId, 'delay', `'${delay}' has no implementation in delays`);
  }
  throw new CompileError(stateId, 'delay', `unsupported delay ${String(delay)}`);
}
type RaiseDelay = number | UserFn | undefined;
