// The text of a transition, shared by every output format: `EVENT [guard] / action, action`.
import type { GraphEdge, Trigger } from './machine-graph.ts';

export function triggerText(trigger: Trigger): string {
  if (trigger.kind === 'after') return `after ${trigger.delay}`;
  if (trigger.kind === 'always') return 'always';
  return trigger.event;
}

/** First line: what fires the transition and when it is taken. */
export function edgeHead(edge: GraphEdge): string {
  const guard = edge.guard === null ? '' : ` [${edge.guard}]`;
  const flag = edge.internal ? ' (internal)' : edge.reenter ? ' (reenter)' : '';
  return `${triggerText(edge.trigger)}${guard}${flag}`;
}

/**
 * The actions as `/ a, b` lines no wider than `width` (wrapped at spaces, so inside `assign(...)`
 * too), continuation lines indented, so labels stay narrow in a left-to-right layout. Empty when the
 * transition has no actions.
 */
export function actionLines(actions: readonly string[], width: number): string[] {
  if (actions.length === 0) return [];
  const lines: string[] = [];
  let line = '/';
  for (const word of actions.join(', ').split(' ')) {
    if (line.trim().length > 1 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' ';
    }
    line = `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

export function edgeText(edge: GraphEdge): string {
  return [edgeHead(edge), ...actionLines(edge.actions, Number.POSITIVE_INFINITY)].join(' ');
}
