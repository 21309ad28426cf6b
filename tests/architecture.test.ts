// The import rules of docs/ARCHITECTURE.md, enforced: every import in every layer is checked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { leafStatesOf, MACHINES } from '../machines/index.ts';
import { importsOf } from './helpers/imports-of.ts';

const ROOT = resolve(import.meta.dirname, '..');

interface LayerRule {
  /** top-level folders (or folder prefixes like 'core/wire') a file in this layer may import */
  folders: string[];
  /** bare package names it may import */
  packages: string[];
  nodeBuiltins: boolean;
}

const RULES: Record<string, LayerRule> = {
  machines: { folders: ['machines'], packages: ['xstate'], nodeBuiltins: false },
  core: { folders: ['core', 'machines'], packages: ['xstate'], nodeBuiltins: false },
  client: { folders: ['client', 'core', 'machines'], packages: ['xstate'], nodeBuiltins: true },
  onebox: { folders: ['onebox', 'core/wire', 'core/routing'], packages: [], nodeBuiltins: true },
  sim: { folders: ['sim', 'core', 'machines', 'onebox'], packages: ['xstate'], nodeBuiltins: false },
};

/**
 * Files allowed a package their layer is not: thrift's TBinaryProtocol is the reference codec of the
 * differential property and the wire benchmark, never loaded by the client, and not built into the
 * package (tsconfig.build.json excludes the file), so `thrift` is a devDependency.
 */
const FILE_PACKAGES: Record<string, string[]> = { 'core/wire/thrift-io.ts': ['thrift'] };

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? spec);
}

/** Returns a violation message, or null when `file` (repo-relative) may import `spec`. */
export function checkImport(file: string, spec: string): string | null {
  const layer = file.split('/')[0] ?? '';
  const rule = RULES[layer];
  if (rule === undefined) return null;
  if (spec.startsWith('.')) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
      .split('\\')
      .join('/');
    const ok = rule.folders.some((f) => target === f || target.startsWith(`${f}/`));
    return ok ? null : `${file} imports ${spec} (${target}), outside ${rule.folders.join(', ')}`;
  }
  if (BUILTINS.has(spec) || spec.startsWith('node:')) {
    return rule.nodeBuiltins
      ? null
      : `${file} imports Node built-in ${spec}; ${layer}/ must stay free of I/O`;
  }
  const pkg = packageName(spec);
  return rule.packages.includes(pkg) || FILE_PACKAGES[file]?.includes(pkg)
    ? null
    : `${file} imports package ${pkg}, not allowed in ${layer}/`;
}

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('architecture: import directions', () => {
  it('the checker itself rejects wrong-way imports', () => {
    assert.match(checkImport('core/wire/x.ts', 'node:net') ?? '', /must stay free of I\/O/);
    assert.match(checkImport('core/x.ts', 'net') ?? '', /Node built-in/);
    assert.match(checkImport('machines/a.ts', '../client/index.ts') ?? '', /outside machines/);
    assert.match(checkImport('core/a.ts', '../onebox/cluster.ts') ?? '', /outside core, machines/);
    assert.match(checkImport('core/a.ts', '../sim/run.ts') ?? '', /outside/);
    assert.match(checkImport('onebox/a.ts', '../client/index.ts') ?? '', /outside/);
    assert.match(checkImport('onebox/a.ts', '../core/client-core.ts') ?? '', /outside/);
    assert.match(checkImport('machines/a.ts', 'fast-check') ?? '', /not allowed/);
    assert.match(checkImport('core/wire/codec.ts', 'thrift/lib/x.js') ?? '', /not allowed/);
    assert.equal(checkImport('core/wire/thrift-io.ts', 'thrift/lib/x.js'), null);
    assert.equal(checkImport('core/wire/a.ts', '../../machines/request.machine.ts'), null);
    assert.equal(checkImport('client/a.ts', 'node:net'), null);
    assert.equal(checkImport('onebox/a.ts', '../core/wire/index.ts'), null);
    assert.deepEqual(
      importsOf(
        `import { a } from './a.ts';\nexport * from "../b.ts";\nimport './c.ts';\nawait import('d');`,
      ),
      ['./a.ts', '../b.ts', './c.ts', 'd'],
    );
  });

  it('every file in machines/, core/, client/, onebox/ and sim/ imports only what its layer may', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const layer of Object.keys(RULES)) {
      for (const full of tsFiles(join(ROOT, layer))) {
        const file = relative(ROOT, full).split('\\').join('/');
        for (const spec of importsOf(readFileSync(full, 'utf8'))) {
          checked++;
          const v = checkImport(file, spec);
          if (v !== null) violations.push(v);
        }
      }
    }
    assert.ok(checked > 0, 'no imports found: the scan is broken');
    assert.deepEqual(violations, []);
  });

  it('core/ and machines/ read no clock, start no timer and draw no random number', () => {
    const banned =
      /\b(Date\.now|new Date\(|setTimeout|setInterval|setImmediate|Math\.random|performance\.now|process\.hrtime)\b/;
    const hits: string[] = [];
    for (const layer of ['core', 'machines']) {
      for (const full of tsFiles(join(ROOT, layer))) {
        readFileSync(full, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.replace(/\/\/.*$/, '');
            if (banned.test(code)) hits.push(`${relative(ROOT, full)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    assert.deepEqual(hits, []);
  });
});

/** repo-relative file -> the repo-relative files it imports (relative imports only, types included) */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const full of tsFiles(join(ROOT, dir))) {
    const file = relative(ROOT, full).split('\\').join('/');
    const targets = importsOf(readFileSync(full, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) =>
        relative(ROOT, resolve(ROOT, dirname(file), spec))
          .split('\\')
          .join('/'),
      );
    graph.set(file, targets);
  }
  return graph;
}

/** the import cycles of a graph: each strongly connected component of more than one file, or a file importing itself */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative over an explicit stack of (node, next edge index)
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const edges = (graph.get(v) ?? []).filter((w) => graph.has(w));
      if (i < edges.length) {
        frame[1] = i + 1;
        const w = edges[i]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(v)!));
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

describe('architecture: no import cycle inside core/', () => {
  it('the cycle finder finds cycles, self-imports included, and nothing in a DAG', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    assert.deepEqual(importCycles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })), [['a', 'b', 'c']]);
    assert.deepEqual(importCycles(g({ a: ['a'], b: [] })), [['a']]);
    assert.deepEqual(importCycles(g({ a: ['b', 'c'], b: ['c'], c: [] })), []);
    assert.equal(importCycles(g({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] })).length, 2);
  });

  it('the modules of core/ import each other without a cycle (type-only imports count)', () => {
    const graph = importGraph('core');
    assert.ok(graph.size > 20, 'no files found: the scan is broken');
    assert.deepEqual(importCycles(graph), []);
  });
});

/** leaf state names of every machine (compound states never hold a snapshot) */
function leafStateNames(): Set<string> {
  return new Set(Object.values(MACHINES).flatMap((m) => leafStatesOf(m)));
}

/** `x === 'name'`, `'name' !== x`, `case 'name':` and `['a', 'name'].includes(` for a state name */
export function stateNameComparisons(
  source: string,
  names: ReadonlySet<string>,
): Array<{ line: number; name: string; text: string }> {
  const hits: Array<{ line: number; name: string; text: string }> = [];
  const literal = /'([A-Za-z]+)'/g;
  source.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    for (const m of code.matchAll(literal)) {
      const name = m[1] ?? '';
      if (!names.has(name)) continue;
      const before = code.slice(0, m.index).trimEnd();
      const after = code.slice((m.index ?? 0) + m[0].length).trimStart();
      const compared =
        /[=!]==$/.test(before) ||
        /^[=!]==/.test(after) ||
        /\bcase$/.test(before) ||
        (/\[[^\]]*$/.test(before) && /^[^\]]*\]\.includes\(/.test(after));
      if (compared) hits.push({ line: i + 1, name, text: line.trim() });
    }
  });
  return hits;
}

/** comparisons with a string that happens to equal a state name but is not one (file: literal) */
const NOT_STATE_NAMES = new Set(['sim/monitor.ts: failed']);

describe('architecture: machine state names come from machines/', () => {
  const names = leafStateNames();

  it('the checker finds each form of comparison', () => {
    const probe = new Set(['ready', 'down']);
    assert.deepEqual(
      stateNameComparisons(
        [
          "if (h === 'ready') x();",
          "if ('down' !== h) x();",
          "case 'ready':",
          "['idle', 'ready'].includes(h)",
          "notify('ready'); // h === 'down'",
          "const t = 'readyish' === h;",
        ].join('\n'),
        probe,
      ).map((h) => `${h.line}:${h.name}`),
      ['1:ready', '2:down', '3:ready', '4:ready'],
    );
  });

  it('no file in core/, client/, sim/ or tests/helpers/ compares a state against a string literal', () => {
    assert.ok(names.has('awaiting') && names.has('suspect') && names.has('querying'));
    const hits: string[] = [];
    for (const dir of ['core', 'client', 'sim', 'tests/helpers']) {
      for (const full of tsFiles(join(ROOT, dir))) {
        const file = relative(ROOT, full).split('\\').join('/');
        for (const hit of stateNameComparisons(readFileSync(full, 'utf8'), names)) {
          if (!NOT_STATE_NAMES.has(`${file}: ${hit.name}`)) hits.push(`${file}:${hit.line}: ${hit.text}`);
        }
      }
    }
    assert.deepEqual(hits, [], 'use REQUEST_STATE / NODE_HEALTH / ROUTING_STATE from machines/');
  });
});

describe('architecture: the top-level layout', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const tree = /```\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

  it('every top-level folder is described in the layout block of docs/ARCHITECTURE.md', () => {
    assert.match(tree, /^machines\/ /m, 'the layout block was not found');
    const folders = readdirSync(ROOT).filter(
      (n) =>
        // out/: git-ignored reports (npm run mutants, soak, bench) that a local run leaves behind
        !n.startsWith('.') &&
        !['node_modules', 'dist', 'out'].includes(n) &&
        statSync(join(ROOT, n)).isDirectory(),
    );
    const missing = folders.filter((f) => !new RegExp(`^${f}/ `, 'm').test(tree));
    assert.deepEqual(missing, []);
    assert.ok(folders.includes('soak') && folders.includes('fuzz'));
  });

  it('soak/ reaches the client only through its public API (client/index.ts)', () => {
    const offenders: string[] = [];
    for (const full of tsFiles(join(ROOT, 'soak'))) {
      const file = relative(ROOT, full).split('\\').join('/');
      for (const spec of importsOf(readFileSync(full, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
          .split('\\')
          .join('/');
        if (target.startsWith('client/') && target !== 'client/index.ts')
          offenders.push(`${file} -> ${target}`);
        if (target.startsWith('core/')) offenders.push(`${file} -> ${target}`);
      }
    }
    assert.ok(tsFiles(join(ROOT, 'soak')).length > 5, 'no soak files found: the scan is broken');
    assert.deepEqual(offenders, []);
  });
});
