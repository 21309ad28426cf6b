// Picks the layout direction per machine. Left-to-right suits a chain of states; top-down suits a
// hub that most states return to. Both are rendered and the narrower kept, because README and page
// columns are width-limited; left-to-right wins ties. Deterministic, so the output stays comparable.
import type { MachineGraph } from './machine-graph.ts';
import { renderSvg } from './render-svg.ts';
import { toDot } from './to-dot.ts';

export interface LaidOut {
  dot: string;
  svg: string;
}

export async function layOut(graph: MachineGraph): Promise<LaidOut> {
  const options: LaidOut[] = [];
  for (const direction of ['LR', 'TB'] as const) {
    const dot = toDot(graph, direction);
    options.push({ dot, svg: await renderSvg(dot) });
  }
  const [lr, tb] = options as [LaidOut, LaidOut];
  return svgWidth(tb.svg) < svgWidth(lr.svg) ? tb : lr;
}

function svgWidth(svg: string): number {
  const m = /<svg width="([\d.]+)pt"/.exec(svg);
  if (m?.[1] === undefined) throw new Error('Graphviz SVG without a width');
  return Number(m[1]);
}
