// The library as a user gets it: pack it, install the tarball into a scratch app and use it with
// plain Node (no tsx) and TypeScript, through the `exports` map and its .d.ts files. Also what a
// registry user expects of the tarball: its licence, no dead README link, source maps with their
// sources, no devDependency needed at run time, and publint / arethetypeswrong clean (offline).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importsOf } from './helpers/imports-of.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  license: string;
  repository: { url: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** README links to files that are not in the package point here (`blob/main/<path>`) */
const REPO_URL = PKG.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

const scratch = mkdtempSync(join(tmpdir(), 'pegasus-ts-pack-'));
const app = join(scratch, 'app');
const pkgDir = join(app, 'node_modules', 'pegasus-ts');
let tgz = '';
/** paths in the tarball, as `npm pack` lists them */
let packed: string[] = [];

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
const npm = (args: string[], cwd: string) => run('npm', args, cwd);
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });

before(() => {
  const out = npm(['pack', '--pack-destination', scratch, '--json', '--silent'], ROOT);
  // the prepack build may print before the JSON document
  const info = JSON.parse(out.slice(out.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  tgz = join(scratch, info.filename);
  packed = info.files.map((f) => f.path).sort();
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tgz], app);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('npm pack: the tarball', () => {
  it('holds the built library, its docs, LICENSE and CHANGELOG, and no sources, tests or tools', () => {
    for (const f of [
      'package.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/core/wire/index.js',
      'dist/core/routing/index.js',
      'docs/api/README.md',
      'traces/README.md',
    ])
      assert.ok(packed.includes(f), `${f} missing from the tarball`);
    const stray = packed.filter(
      (f) =>
        /\.test\.|^(tests|properties|sim|onebox|bench|soak|fuzz|scripts|demo|viz|tools|machines|core|client)\//.test(
          f,
        ) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        f.includes('thrift-io'),
    );
    assert.deepEqual(stray, []);
  });

  it('LICENSE is the full Apache-2.0 text the package declares', () => {
    assert.equal(PKG.license, 'Apache-2.0');
    const text = readFileSync(join(pkgDir, 'LICENSE'), 'utf8');
    assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
    for (const section of [
      '1. Definitions.',
      '4. Redistribution.',
      '9. Accepting Warranty or Additional Liability.',
    ])
      assert.ok(text.includes(section), section);
    assert.match(text, /END OF TERMS AND CONDITIONS/);
  });

  it('every source map carries the sources it names', () => {
    const maps = walk(join(pkgDir, 'dist')).filter((f) => f.endsWith('.map'));
    assert.ok(maps.length > 0);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      assert.equal(
        map.sourcesContent?.length,
        map.sources.length,
        `${relative(pkgDir, m)} lacks sourcesContent`,
      );
      for (const s of map.sourcesContent ?? [])
        assert.ok(s.length > 0, `${relative(pkgDir, m)}: empty source`);
    }
  });

  it('no link in README or the shipped docs points at a file missing from the package', () => {
    const tracked = new Set(run('git', ['ls-files'], ROOT).split('\n'));
    const docs = packed.filter((f) => f.endsWith('.md'));
    let relativeLinks = 0;
    const dead: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(pkgDir, doc), 'utf8');
      for (const target of linksOf(text)) {
        if (target.startsWith(`${REPO_URL}/`)) {
          // a link into the repository: it names a file that exists there
          const path = /^(?:blob|tree|raw)\/main\/([^#?]+)/.exec(target.slice(REPO_URL.length + 1))?.[1];
          if (path !== undefined && !tracked.has(path) && ![...tracked].some((t) => t.startsWith(`${path}/`)))
            dead.push(`${doc}: ${target} (not in the repository)`);
          continue;
        }
        if (/^[a-z]+:|^#/.test(target)) continue;
        relativeLinks++;
        const path = posix.normalize(posix.join(posix.dirname(doc), decodeURI(target.split('#')[0]!)));
        if (!packed.includes(path) && !packed.some((f) => f.startsWith(`${path}/`)))
          dead.push(`${doc}: ${target} (${path} is not in the tarball)`);
      }
    }
    assert.ok(relativeLinks > 10, `only ${relativeLinks} relative links found: the link scan is broken`);
    assert.deepEqual(dead, []);
  });
});

/** Markdown link and image targets, and HTML src/href attributes */
export function linksOf(markdown: string): string[] {
  const out: string[] = [];
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\b(?:src|href)="([^"]+)"/g)) out.push(m[1]!);
  return out;
}

describe('npm pack: installed in a scratch app', () => {
  it('imports without tsx, through the exports map', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import * as api from 'pegasus-ts';
       import * as wire from 'pegasus-ts/wire';
       import * as routing from 'pegasus-ts/routing';
       const client = new api.PegasusClient({ metaServers: ['127.0.0.1:1'] });
       await client.close();
       console.log(JSON.stringify({
         client: typeof api.PegasusClient,
         closed: client.closed,
         crc: routing.crc64(Buffer.from('a')).toString(16),
         frame: wire.encodeRequest('RPC_RRDB_RRDB_GET', 1, routing.encodeKey(Buffer.from('a'), Buffer.from('b')),
           { app_id: 2, partition_index: 4, client_timeout_ms: 1000, partition_hash: routing.crc64(Buffer.from('a')), is_backup_request: false }).length,
       }));`,
    ]);
    // 94 bytes: docs/PROTOCOL.md 11, vector S2 (GET, header v1)
    assert.deepEqual(JSON.parse(out), {
      client: 'function',
      closed: true,
      crc: '8c2f8445b4cbfc3c',
      frame: 94,
    });
  });

  it("require('pegasus-ts') works (Node's require of ES modules) and shares import's classes", () => {
    writeFileSync(
      join(app, 'req.cjs'),
      `const api = require('pegasus-ts');
       const wire = require('pegasus-ts/wire');
       import('pegasus-ts').then(async (esm) => {
         const c = new api.PegasusClient({ metaServers: ['127.0.0.1:1'] });
         await c.close();
         console.log(JSON.stringify({
           same: esm.PegasusError === api.PegasusError && esm.PegasusClient === api.PegasusClient,
           closed: c.closed,
           wire: typeof wire.encodeRequest,
         }));
       });`,
    );
    assert.deepEqual(JSON.parse(node(['req.cjs'])), { same: true, closed: true, wire: 'function' });
  });

  it('needs no devDependency at run time: every import of the built code is Node or a dependency', () => {
    const allowed = new Set(Object.keys(PKG.dependencies));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const wrong: string[] = [];
    for (const f of walk(join(pkgDir, 'dist')).filter((p) => p.endsWith('.js'))) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (spec.startsWith('.') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.has(name)) wrong.push(`${relative(pkgDir, f)} imports ${spec}`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(!('thrift' in PKG.dependencies), 'thrift is only the reference codec of tests and bench');
    // the scratch app got the dependencies only, and the import test above ran with them
    for (const dev of Object.keys(PKG.devDependencies))
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} was installed with the package`);
  });

  it('TypeScript consumers get the types, from ES modules and from CommonJS', () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { PegasusClient, PegasusError, type Table, type WriteOptions } from 'pegasus-ts';
       import { crc64 } from 'pegasus-ts/routing';
       const c = await PegasusClient.connect({ metaServers: ['127.0.0.1:1'], timeoutMs: 5 });
       const t: Table = await c.openTable('x', { signal: AbortSignal.timeout(10) });
       const v: Buffer | null = await t.get('h', 's', { timeoutMs: 4 });
       const w: WriteOptions = { ttlSeconds: 5 };
       // @ts-expect-error a misspelt option is a compile error too
       const typo: WriteOptions = { ttl: 5 };
       // @ts-expect-error get resolves to a Buffer or null
       const n: number = await t.get('h', 's');
       export const used = [v, w, typo, n, crc64(Buffer.from('a')), new PegasusError('E', 'm').code];`,
    );
    writeFileSync(
      join(app, 'use.cts'),
      `import api = require('pegasus-ts');
       export const client: typeof api.PegasusClient = api.PegasusClient;`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['use.ts', 'use.cts'],
      }),
    );
    run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  });

  it('publint and arethetypeswrong find nothing (ES module only; require works through require(esm))', () => {
    const publint = run(join(ROOT, 'node_modules', '.bin', 'publint'), ['--strict', tgz], ROOT);
    assert.match(publint, /All good/);
    // The esm-only profile: node10 and CommonJS resolution are left out. attw models TypeScript 5.6,
    // which predates require(esm); the test above compiles a CommonJS consumer with the repo's tsc.
    run(join(ROOT, 'node_modules', '.bin', 'attw'), ['--profile', 'esm-only', '--no-color', tgz], ROOT);
  });
});
