// The import rules of docs/ARCHITECTURE.md, enforced: every import in every layer is checked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
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
