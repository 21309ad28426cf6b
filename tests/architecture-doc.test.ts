// docs/ARCHITECTURE.md's generated parts (the registry of machine kinds, the module graph) match the
// code, and every protocol fact the code cites is a section of our own docs/PROTOCOL.md.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { architectureDoc, ROOT, registryTable, withGeneratedBlocks } from '../viz/architecture-doc.ts';
import { coreModuleGraph, toModuleMermaid } from '../viz/module-graph.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('docs/ARCHITECTURE.md', () => {
  it('its generated parts are up to date (run `npm run viz` when this fails)', () => {
    const { current, fresh } = architectureDoc();
    assert.equal(current, fresh);
  });

  it('the generator replaces exactly the marked blocks, and refuses a document without them', () => {
    const doc = `a\n<!-- generated: registry (npm run viz) -->\nold\n<!-- end generated -->\nb\n<!-- generated: module-graph (npm run viz) -->\n<!-- end generated -->\nc\n`;
    const out = withGeneratedBlocks(doc);
    assert.ok(out.startsWith('a\n') && out.endsWith('<!-- end generated -->\nc\n'));
    assert.ok(!out.includes('old'));
    assert.ok(out.includes(registryTable()));
    assert.throws(() => withGeneratedBlocks('no markers'), /no generated block/);
  });

  it('the module graph is read from the imports: the interpreter depends on the state, not the reverse', () => {
    const g = coreModuleGraph(ROOT);
    const has = (from: string, to: string) => g.edges.some(([a, b]) => a === from && b === to);
    assert.ok(has('core/client/machine-run.ts', 'core/client/core-state.ts'));
    assert.ok(!has('core/client/core-state.ts', 'core/client/machine-run.ts'));
    assert.ok(has('core/client/machine-kinds.ts', 'core/client/call-kind.ts'));
    const mermaid = toModuleMermaid(g);
    assert.match(mermaid, /core_driver_driver_loop_ts -\.-> core_client_client_core_ts/);
    assert.doesNotMatch(mermaid, /index_ts/, 'barrel files are not drawn');
  });
});

describe('protocol citations', () => {
  const protocol = readFileSync(join(ROOT, 'docs', 'PROTOCOL.md'), 'utf8');
  const sections = new Set(
    [...protocol.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!.replace(/\.$/, '')),
  );
  const files = ['core', 'client', 'onebox', 'sim', 'machines', 'tests', 'properties'].flatMap((d) =>
    sourceFiles(join(ROOT, d)),
  );

  it('every section of docs/PROTOCOL.md cited in the code exists', () => {
    assert.ok(sections.has('7.4') && sections.has('2.3'), 'the section headings were not found');
    const missing: string[] = [];
    let cited = 0;
    for (const full of files) {
      const text = readFileSync(full, 'utf8');
      for (const m of text.matchAll(
        /docs\/PROTOCOL\.md(?: section)? (\d+(?:\.\d+)?(?:(?:, |-| \/ )\d+(?:\.\d+)?)*)/g,
      )) {
        for (const s of m[1]!.split(/, |-| \/ /)) {
          cited++;
          if (!sections.has(s)) missing.push(`${relative(ROOT, full)}: ${s}`);
        }
      }
    }
    assert.ok(cited > 20, `only ${cited} citations found: the scan is broken`);
    assert.deepEqual(missing, []);
  });

  it('no code cites a protocol document outside the repository', () => {
    const outside = files.filter((f) =>
      /WIRE\.md|shared\/protocol|shared\/research/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(
      outside.map((f) => relative(ROOT, f)).filter((f) => f !== 'tests/architecture-doc.test.ts'),
      [],
    );
  });
});
