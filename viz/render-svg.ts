// SVG from DOT with Graphviz compiled to WebAssembly (@viz-js/viz): no system package needed.
// The output depends only on the DOT text and the @viz-js/viz version, so it can be committed and
// compared byte for byte.
import { instance, type Viz } from '@viz-js/viz';

let viz: Promise<Viz> | undefined;

export async function renderSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  // Warnings too: a dropped lhead/ltail or a bad attribute would silently draw a wrong diagram.
  if (result.status !== 'success' || result.errors.length > 0) {
    const messages = result.errors.map((e) => `${e.level ?? 'error'}: ${e.message}`).join('\n');
    throw new Error(`Graphviz could not render the diagram:\n${messages}`);
  }
  return result.output;
}
