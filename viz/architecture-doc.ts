// The generated parts of docs/ARCHITECTURE.md: the registry of machine kinds (from MACHINE_KINDS and
// the definitions) and the client core's module graph (from the imports). Each sits between a pair
// of marker comments; `npm run viz` rewrites them, tests/architecture-doc.test.ts compares them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { MACHINE_KINDS } from '../core/client/machine-kinds.ts';
import { leafStatesOf, MACHINES } from '../machines/index.ts';
import { coreModuleGraph, toModuleMermaid } from './module-graph.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const ARCHITECTURE_DOC = resolve(ROOT, 'docs', 'ARCHITECTURE.md');

/** one row per registered kind: the definition it runs, its states, the named actions it performs */
export function registryTable(): string {
  const rows = [['kind', 'runs the definition', 'its leaf states', 'named actions the kind performs']];
  for (const [name, kind] of Object.entries(MACHINE_KINDS)) {
    const machine: AnyStateMachine = MACHINES[kind.machine as keyof typeof MACHINES];
    const actions = Object.keys(machine.implementations.actions).sort();
    rows.push([
      `\`${name}\``,
      `\`${kind.machine}\` (\`#${machine.id}\`)`,
      leafStatesOf(machine).join(', '),
      actions.join(', '),
    ]);
  }
  return markdownTable(rows);
}

/** a Markdown table with its columns padded, as the formatter (Biome) lays them out */
function markdownTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  const [head, ...body] = rows;
  return `${[line(head!), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')}\n`;
}

export function moduleGraphBlock(root: string = ROOT): string {
  return `\`\`\`mermaid\n${toModuleMermaid(coreModuleGraph(root))}\`\`\`\n`;
}

const BLOCKS: Record<string, () => string> = {
  registry: registryTable,
  'module-graph': () => moduleGraphBlock(),
};

const begin = (name: string) => `<!-- generated: ${name} (npm run viz) -->\n`;
const END = '<!-- end generated -->';

/** `doc` with every generated block replaced by a fresh one; throws when a marker is missing */
export function withGeneratedBlocks(doc: string): string {
  let out = doc;
  for (const [name, make] of Object.entries(BLOCKS)) {
    const from = out.indexOf(begin(name));
    const to = from < 0 ? -1 : out.indexOf(END, from);
    if (from < 0 || to < 0) throw new Error(`docs/ARCHITECTURE.md has no generated block '${name}'`);
    out = out.slice(0, from) + begin(name) + make() + out.slice(to);
  }
  return out;
}

export function architectureDoc(): { current: string; fresh: string } {
  const current = readFileSync(ARCHITECTURE_DOC, 'utf8');
  return { current, fresh: withGeneratedBlocks(current) };
}
