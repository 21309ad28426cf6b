// Short, human names for guards, actions and triggers as xstate stores them after setup().
// Only named implementations carry a name into a diagram; inline functions show as `inline`.

/** A guard as xstate keeps it on a transition definition: a name, `{ type }`, or a function. */
export function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    // not()/and()/or() return functions that keep their operands in `guards`; stateIn() keeps `stateValue`.
    const fn = guard as { name: string; guards?: unknown[]; stateValue?: unknown };
    const operands = (fn.guards ?? []).map((g) => nested(guardLabel(g)));
    if (fn.name === 'not' && operands.length === 1) return `!${operands[0]}`;
    if (fn.name === 'and' && fn.guards !== undefined) return operands.join(' && ');
    if (fn.name === 'or' && fn.guards !== undefined) return operands.join(' || ');
    if (fn.name === 'stateIn' && fn.stateValue !== undefined) return `in(${JSON.stringify(fn.stateValue)})`;
    return fn.name === '' ? 'inline' : fn.name;
  }
  return typeName(guard) ?? 'guard';
}

/** Composite operands get parentheses so `!(a && b)` keeps its meaning. */
function nested(label: string): string {
  return label.includes(' ') ? `(${label})` : label;
}

/** An action: a name, `{ type, params }`, or a built-in (assign, raise, ...) or inline function. */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const fn = action as { name: string; type?: unknown; assignment?: unknown; event?: unknown };
    if (fn.type === 'xstate.assign') {
      // The assigned context keys say more than a bare `assign`.
      const keys = isRecord(fn.assignment) ? Object.keys(fn.assignment) : [];
      return keys.length > 0 ? `assign(${keys.join(', ')})` : 'assign';
    }
    if (fn.type === 'xstate.raise' && isRecord(fn.event) && typeof fn.event.type === 'string') {
      return `raise(${fn.event.type})`;
    }
    if (typeof fn.type === 'string') return fn.type.replace(/^xstate\./, '');
    return fn.name === '' ? 'inline' : fn.name;
  }
  return typeName(action) ?? 'action';
}

/**
 * The delayed-event plumbing that `after` adds to entry/exit (raise on entry, cancel on exit) is
 * already drawn as the `after` edge, so it is left out of the state's entry/exit lines.
 */
export function isAfterPlumbing(action: unknown): boolean {
  if (typeof action !== 'function') return false;
  const fn = action as { type?: unknown; event?: unknown; sendId?: unknown };
  if (fn.type === 'xstate.raise') {
    return (
      isRecord(fn.event) && typeof fn.event.type === 'string' && fn.event.type.startsWith('xstate.after.')
    );
  }
  return (
    fn.type === 'xstate.cancel' && typeof fn.sendId === 'string' && fn.sendId.startsWith('xstate.after.')
  );
}

/** Built-in event types are long and embed state ids; show what they mean instead. */
export function eventLabel(eventType: string): string {
  const builtin = /^xstate\.(done|error)\.(actor|state)\.(.+)$/.exec(eventType);
  if (builtin !== null) return `${builtin[1]}(${builtin[3]})`;
  return eventType;
}

export function delayLabel(delay: unknown): string {
  if (typeof delay === 'number') return `${delay}ms`;
  if (typeof delay === 'string') return delay;
  return 'delay';
}

function typeName(value: unknown): string | null {
  return isRecord(value) && typeof value.type === 'string' ? value.type : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
