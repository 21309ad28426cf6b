// Graphviz DOT for one machine graph. Compound states are clusters (`cluster_<id>`); edges to or from
// a compound state attach to an invisible anchor inside its cluster and are clipped at the border
// (`compound=true`, lhead/ltail). Final states are double-bordered. Root-level transitions start
// from a dashed "any state" node, because they fire whatever state the machine is in.
import { actionLines, edgeHead } from './edge-text.ts';
import { allStates, type GraphEdge, type GraphState, type MachineGraph } from './machine-graph.ts';

// A font Graphviz has built-in metrics for: the WASM build has no font files to measure text with.
const FONT = 'Helvetica';
const INK = '#3c4656';
/** edge label lines wrap at this width: every label widens its rank in a left-to-right layout */
const LABEL_WIDTH = 26;

export type Direction = 'LR' | 'TB';

export function toDot(graph: MachineGraph, direction: Direction = 'LR'): string {
  // The root is the whole graph, not a cluster.
  const clusters = new Set(
    allStates(graph.root)
      .filter((s) => s !== graph.root && s.children.length > 0)
      .map((s) => s.id),
  );
  const out: string[] = [
    `digraph ${q(graph.id)} {`,
    `  graph [rankdir=${direction}, compound=true, newrank=true, nodesep=0.3, ranksep=0.45, pad=0.2,`,
    `         fontname=${q(FONT)}, fontsize=13, labelloc=t, labeljust=l, label=<<b>${html(graph.id)}</b>>];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#f7f9fc", color=${q(INK)},`,
    `        fontname=${q(FONT)}, fontsize=11, margin="0.14,0.06"];`,
    `  edge [color=${q(INK)}, fontcolor="#1f2a3a", fontname=${q(FONT)}, fontsize=9, arrowsize=0.7];`,
  ];
  if (graph.edges.some((e) => e.source === graph.id)) {
    out.push(`  ${q(graph.id)} [label="any state", style="rounded,dashed", fontcolor="#5b6677"];`);
  }
  out.push(...initialArrow(graph.root, clusters, '  '));
  for (const child of graph.root.children) out.push(...stateLines(child, clusters, '  '));
  for (const e of graph.edges) out.push(`  ${edgeLine(e, clusters)}`);
  out.push('}', '');
  return out.join('\n');
}

function stateLines(state: GraphState, clusters: Set<string>, indent: string): string[] {
  if (state.children.length === 0) {
    const final = state.kind === 'final' ? ', peripheries=2' : '';
    return [`${indent}${q(state.id)} [label=${stateLabel(state)}${final}];`];
  }
  const inner = `${indent}  `;
  // Parallel regions are all active at once: dashed border, no initial arrow.
  const style = state.kind === 'parallel' ? 'rounded,dashed' : 'rounded';
  return [
    `${indent}subgraph ${q(`cluster_${state.id}`)} {`,
    `${inner}label=${stateLabel(state)}; style=${q(style)}; color=${q(INK)}; bgcolor="#fbfcfe";`,
    `${inner}${q(state.id)} [shape=point, style=invis, width=0.01, label=""];`,
    ...initialArrow(state, clusters, inner),
    ...state.children.flatMap((c) => stateLines(c, clusters, inner)),
    `${indent}}`,
  ];
}

/** A filled dot pointing at the child entered by default. */
function initialArrow(state: GraphState, clusters: Set<string>, indent: string): string[] {
  if (state.initial === null) return [];
  const dot = `${state.id}:initial`;
  return [
    `${indent}${q(dot)} [shape=point, width=0.1, style=filled, fillcolor=${q(INK)}, label=""];`,
    `${indent}${q(dot)} -> ${q(state.initial)}${lhead(state.initial, clusters)};`,
  ];
}

function edgeLine(e: GraphEdge, clusters: Set<string>): string {
  const label = [edgeHead(e), ...actionLines(e.actions, LABEL_WIDTH)].map(dotEscape).join('\\n');
  const attrs = [`label="${label}"`];
  // Clipping at a border the other end is inside of (loops, child <-> ancestor) is rejected by Graphviz.
  const nested = (a: string, b: string) => a === b || a.startsWith(`${b}.`);
  if (clusters.has(e.source) && !nested(e.target, e.source)) attrs.push(`ltail=${q(`cluster_${e.source}`)}`);
  if (clusters.has(e.target) && !nested(e.source, e.target)) attrs.push(`lhead=${q(`cluster_${e.target}`)}`);
  if (e.trigger.kind === 'always') attrs.push('style=dashed');
  return `${q(e.source)} -> ${q(e.target)} [${attrs.join(', ')}];`;
}

function lhead(id: string, clusters: Set<string>): string {
  return clusters.has(id) ? ` [lhead=${q(`cluster_${id}`)}]` : '';
}

/** Name in bold, then `entry / ...` and `exit / ...` lines in a smaller font. */
function stateLabel(state: GraphState): string {
  const lines = [`<b>${html(state.key)}</b>`];
  if (state.entry.length > 0) lines.push(small(`entry / ${state.entry.join(', ')}`));
  if (state.exit.length > 0) lines.push(small(`exit / ${state.exit.join(', ')}`));
  return `<${lines.join('<br/>')}>`;
}

function small(text: string): string {
  return `<font point-size="9">${html(text)}</font>`;
}

function q(id: string): string {
  return `"${dotEscape(id)}"`;
}

function dotEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
