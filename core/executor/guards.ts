// Guards compile to closures that call the machine's own guard implementations, resolving
// `params` (static, or a function of { context, event }) exactly where xstate's evaluateGuard does.
import { CompileError } from './errors.ts';
import { callUser, guardShape, type RawMachine } from './xstate-shape.ts';

export type GuardFn = (context: unknown, event: unknown) => boolean;

export function compileGuard(m: RawMachine, stateId: string, guard: unknown, depth = 0): GuardFn {
  if (depth > 32) throw new CompileError(stateId, 'guard', 'guard aliases nest too deeply (cycle?)');
  const g = guardShape(guard);
  switch (g.kind) {
    case 'inline': {
      const fn = g.fn;
      return (context, event) => Boolean(fn({ context, event }, undefined));
    }
    case 'not': {
      const inner = compileGuard(m, stateId, g.guards[0], depth + 1);
      return (c, e) => !inner(c, e);
    }
    case 'and': {
      const parts = g.guards.map((x) => compileGuard(m, stateId, x, depth + 1));
      return (c, e) => parts.every((p) => p(c, e));
    }
    case 'or': {
      const parts = g.guards.map((x) => compileGuard(m, stateId, x, depth + 1));
      return (c, e) => parts.some((p) => p(c, e));
    }
    case 'unsupported':
      throw new CompileError(stateId, 'guard', g.what);
    case 'named': {
      if (!Object.hasOwn(m.guards, g.name)) {
        throw new CompileError(stateId, 'guard', `'${g.name}' has no implementation`);
      }
      const impl = m.guards[g.name];
      // an implementation that is itself a guard reference or combinator: xstate evaluates it instead
      // (the outer params are not passed on)
      if (typeof impl !== 'function' || 'check' in impl) return compileGuard(m, stateId, impl, depth + 1);
      const params = g.params;
      if (!g.hasParams || typeof params !== 'function') {
        return (context, event) => Boolean(callUser(impl, { context, event }, params));
      }
      return (context, event) => {
        const args = { context, event };
        return Boolean(callUser(impl, args, callUser(params, args, undefined)));
      };
    }
  }
}
