// `npm run viz`: regenerate docs/diagrams/ from MACHINES, and the generated parts of
// docs/ARCHITECTURE.md from the code. `npm run viz -- --check` only reports staleness.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MACHINES } from '../machines/index.ts';
import { parseCli } from '../scripts/cli-args.ts';
import { ARCHITECTURE_DOC, architectureDoc } from './architecture-doc.ts';
import { buildDiagrams, DIAGRAMS_DIR } from './outputs.ts';
import { staleFiles } from './stale.ts';

const USAGE = `usage: npm run viz [-- --check]

Regenerates the machine diagrams in docs/diagrams/ (SVG, Mermaid, DOT and an index page) from the
machine definitions in machines/, and the generated parts of docs/ARCHITECTURE.md from the code.

  --check   write nothing; exit 1 if any of them is out of date
  --help    this text`;

const { values } = parseCli(USAGE, { check: { type: 'boolean' } });
const files = await buildDiagrams(MACHINES);
const where = relative(process.cwd(), DIAGRAMS_DIR) || '.';

const doc = architectureDoc();

if (values.check === true) {
  const stale = staleFiles(files, DIAGRAMS_DIR);
  if (doc.current !== doc.fresh) stale.push(`${relative(process.cwd(), ARCHITECTURE_DOC)} (generated parts)`);
  if (stale.length > 0) {
    console.error(`${where} is out of date (run \`npm run viz\`):\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${where} is up to date (${files.size} files)`);
} else {
  mkdirSync(DIAGRAMS_DIR, { recursive: true });
  // The folder is wholly generated: files of removed or renamed machines go away.
  for (const name of readdirSync(DIAGRAMS_DIR)) {
    if (!files.has(name)) rmSync(join(DIAGRAMS_DIR, name));
  }
  for (const [name, content] of files) writeFileSync(join(DIAGRAMS_DIR, name), content);
  console.log(`wrote ${files.size} files to ${where}: ${[...files.keys()].join(', ')}`);
  if (doc.current !== doc.fresh) {
    writeFileSync(ARCHITECTURE_DOC, doc.fresh);
    console.log(`rewrote the generated parts of ${relative(process.cwd(), ARCHITECTURE_DOC)}`);
  }
}
