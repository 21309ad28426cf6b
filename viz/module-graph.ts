// The client core's module graph, read from the imports of core/client and core/driver: each module a
// node, the other parts of core/ and machines/ one node each, an edge per module that imports
// another at run time. Imports of types only are left out (they would double the edges), except
// those of core/driver, which depends on the core through its types alone (drawn dashed).
// docs/ARCHITECTURE.md shows it; `npm run viz` writes it there and tests/architecture-doc.test.ts
// fails when it is out of date. (The import-cycle check counts every import, types included.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ModuleGraph {
  /** module id -> its cluster ('core/client', 'core/driver', or '' for a collapsed part) */
  readonly nodes: ReadonlyMap<string, string>;
  /** [from, to, typeOnly], sorted */
  readonly edges: ReadonlyArray<readonly [string, string, boolean]>;
}

const DETAILED = ['core/client', 'core/driver'];
/** parts of the repository shown as one node each */
const COLLAPSED = ['core/executor', 'core/routing', 'core/wire', 'core/trace', 'machines'];

const STATEMENT = /(?:^|[\s;])(?:import|export)(\s+type)?\s+([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** a module's node id: its path for detailed modules, its part for collapsed ones, null for others */
function nodeOf(path: string): string | null {
  const part = COLLAPSED.find((p) => path === p || path.startsWith(`${p}/`));
  if (part !== undefined) return part;
  if (!DETAILED.some((d) => path.startsWith(`${d}/`))) return null;
  return path.endsWith('/index.ts') ? null : path;
}

/** `import type {...}` or `import { type A, type B }`: nothing of the module exists at run time */
function typeOnly(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword !== undefined) return true;
  const names = /\{([^}]*)\}/.exec(clause)?.[1];
  if (names === undefined || /^\s*[\w$]+\s*,/.test(clause) || clause.includes('*')) return false;
  const parts = names
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length > 0 && parts.every((p) => p.startsWith('type '));
}

export function coreModuleGraph(root: string): ModuleGraph {
  const nodes = new Map<string, string>();
  for (const part of COLLAPSED) nodes.set(part, '');
  const edges = new Map<string, [string, string, boolean]>();
  for (const dir of DETAILED) {
    for (const full of tsFiles(join(root, dir))) {
      const from = nodeOf(relative(root, full).split('\\').join('/'));
      if (from === null) continue;
      nodes.set(from, dir);
      for (const m of readFileSync(full, 'utf8').matchAll(STATEMENT)) {
        const spec = m[3] ?? '';
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(full), spec))
          .split('\\')
          .join('/');
        const to = nodeOf(target);
        if (to === null || to === from) continue;
        const key = `${from} ${to}`;
        const onlyTypes = typeOnly(m[1], m[2] ?? '');
        const seen = edges.get(key);
        if (seen === undefined) edges.set(key, [from, to, onlyTypes]);
        else seen[2] &&= onlyTypes;
      }
    }
  }
  const sorted = [...edges.values()].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
  return { nodes: new Map([...nodes].sort(([a], [b]) => a.localeCompare(b))), edges: sorted };
}

const idOf = (node: string) => node.replace(/[^A-Za-z0-9]/g, '_');
const labelOf = (node: string) => (node.endsWith('.ts') ? node.slice(node.lastIndexOf('/') + 1) : `${node}/`);

/** Mermaid flowchart text (GitHub renders it in Markdown) */
export function toModuleMermaid(g: ModuleGraph): string {
  const lines = ['flowchart LR'];
  for (const dir of DETAILED) {
    lines.push(`  subgraph ${idOf(dir)}["${dir}/"]`);
    for (const [node, cluster] of g.nodes)
      if (cluster === dir) lines.push(`    ${idOf(node)}["${labelOf(node)}"]`);
    lines.push('  end');
  }
  for (const [node, cluster] of g.nodes)
    if (cluster === '') lines.push(`  ${idOf(node)}[["${labelOf(node)}"]]`);
  for (const [from, to, onlyTypes] of g.edges) {
    if (onlyTypes && !from.startsWith('core/driver/')) continue;
    lines.push(`  ${idOf(from)} ${onlyTypes ? '-.->' : '-->'} ${idOf(to)}`);
  }
  return `${lines.join('\n')}\n`;
}
