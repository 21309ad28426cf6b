// Mermaid `stateDiagram-v2` text for one machine graph (renders natively in GitHub/GitLab Markdown).
// Each transition is written inside the innermost composite state holding both of its ends, which is
// how Mermaid expects nesting. State ids are the state keys, or the full id where a key repeats.
import { edgeText } from './edge-text.ts';
import { allStates, type GraphEdge, type GraphState, type MachineGraph } from './machine-graph.ts';

/** Mermaid keywords that cannot be state ids. */
const RESERVED = new Set(['state', 'end', 'note', 'direction', 'class', 'classdef', 'style', 'as']);

export function toMermaid(graph: MachineGraph): string {
  const states = allStates(graph.root);
  const ids = mermaidIds(states, graph.root);
  const parent = new Map(states.flatMap((s) => s.children.map((c) => [c.id, s.id] as const)));
  const scopeOf = (e: GraphEdge) => commonScope(e.source, e.target, parent, graph.root.id);
  const out = ['stateDiagram-v2', '  direction LR'];
  if (graph.edges.some((e) => e.source === graph.root.id)) {
    out.push(`  state "any state" as ${ids.get(graph.root.id)}`);
  }
  const scope = (state: GraphState, indent: string): void => {
    for (const child of state.children) {
      const id = ids.get(child.id) ?? '';
      if (child.children.length > 0) {
        out.push(`${indent}state ${id} {`);
        scope(child, `${indent}  `);
        out.push(`${indent}}`);
      } else {
        out.push(`${indent}${id}`);
      }
      for (const line of actionNotes(child)) out.push(`${indent}${id} : ${clean(line)}`);
    }
    if (state.initial !== null) out.push(`${indent}[*] --> ${ids.get(state.initial)}`);
    for (const child of state.children) {
      if (child.kind === 'final') out.push(`${indent}${ids.get(child.id)} --> [*]`);
    }
    for (const e of graph.edges) {
      if (scopeOf(e) !== state.id) continue;
      out.push(`${indent}${ids.get(e.source)} --> ${ids.get(e.target)} : ${clean(edgeText(e))}`);
    }
  };
  scope(graph.root, '  ');
  return `${out.join('\n')}\n`;
}

function actionNotes(state: GraphState): string[] {
  const notes: string[] = [];
  if (state.entry.length > 0) notes.push(`entry / ${state.entry.join(', ')}`);
  if (state.exit.length > 0) notes.push(`exit / ${state.exit.join(', ')}`);
  return notes;
}

function mermaidIds(states: GraphState[], root: GraphState): Map<string, string> {
  const keyCount = new Map<string, number>();
  for (const s of states) keyCount.set(s.key, (keyCount.get(s.key) ?? 0) + 1);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const s of states) {
    const short = safeId(s.key);
    const id =
      s !== root && keyCount.get(s.key) === 1 && !RESERVED.has(short.toLowerCase()) ? short : safeId(s.id);
    if (used.has(id)) throw new Error(`two states map to the Mermaid id ${id}`);
    used.add(id);
    ids.set(s.id, id);
  }
  return ids;
}

/** The innermost state that strictly contains both ends (a loop belongs to its state's parent). */
function commonScope(a: string, b: string, parent: Map<string, string>, root: string): string {
  const chain = (id: string) => {
    const up: string[] = [];
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) up.push(p);
    return up;
  };
  const above = new Set(chain(b));
  return chain(a).find((p) => above.has(p)) ?? root;
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/** `;` ends a Mermaid statement and `#` starts an entity code; neither occurs in our names. */
function clean(text: string): string {
  return text.replace(/;/g, ',').replace(/#/g, '');
}
