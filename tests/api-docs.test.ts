// The API reference (docs/api/, TypeDoc + typedoc-plugin-markdown from the doc comments) is
// complete and current: TypeDoc fails on any warning, including a public export without a doc
// comment (validation.notDocumented + treatWarningsAsErrors in tools/typedoc/typedoc.json), and the
// generated files must equal the committed ones (`npm run docs` regenerates them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLIENT_OPTION_KEYS, DEFAULT_OPEN_TIMEOUT_MS } from '../client/options.ts';
import { DEFAULT_OPTIONS } from '../core/client/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(ROOT, 'tools', 'typedoc', 'typedoc.json');
const TYPEDOC = join(ROOT, 'tools', 'typedoc', 'node_modules', 'typedoc', 'bin', 'typedoc');
const scratch = mkdtempSync(join(tmpdir(), 'pegasus-ts-docs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function typedoc(config: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TYPEDOC, '--options', config, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('API reference (docs/api)', () => {
  it('TypeDoc runs without a warning, and docs/api is what it generates now', () => {
    const out = join(scratch, 'api');
    const r = typedoc(CONFIG, ['--out', out]);
    assert.equal(r.status, 0, `TypeDoc failed (a public export without a doc comment?):\n${r.output}`);
    const fresh = tree(out);
    const committed = tree(join(ROOT, 'docs', 'api'));
    assert.ok(fresh.size > 20, `only ${fresh.size} pages generated`);
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter(
      (f) => fresh.get(f) !== committed.get(f),
    );
    assert.deepEqual(stale, [], 'docs/api is out of date: run `npm run docs` and commit it');
    // what a user looks for first is there
    const options = fresh.get(join('pegasus-ts', 'interfaces', 'PegasusClientOptions.md')) ?? '';
    for (const key of CLIENT_OPTION_KEYS.filter((k) => k !== 'machines'))
      assert.match(options, new RegExp(`\`${key}\\??\``));
  });

  it('the same settings fail on an undocumented export (the check can fail)', () => {
    const dir = join(scratch, 'fixture');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'index.ts'),
      '/** documented */\nexport const a = 1;\nexport function undocumented(): void {}\n',
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', noEmit: true, types: [] },
        files: ['index.ts'],
      }),
    );
    // the project's settings, on a one-file project
    writeFileSync(
      join(dir, 'typedoc.json'),
      JSON.stringify({
        extends: [CONFIG],
        entryPoints: ['./index.ts'],
        tsconfig: './tsconfig.json',
        out: './out',
      }),
    );
    const r = typedoc(join(dir, 'typedoc.json'), []);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /undocumented.*does not have any documentation/);
  });

  it("the defaults the doc comments state are the code's", () => {
    const file = readFileSync(join(ROOT, 'client', 'options.ts'), 'utf8');
    const at = file.indexOf('export interface PegasusClientOptions {');
    const source = file.slice(at, file.indexOf('\n}\n', at));
    const stated = new Map<string, string>();
    for (const m of source.matchAll(/@defaultValue ([^\n]+)\n\s*\*\/\n\s*(\w+)\?:/g))
      stated.set(m[2]!, m[1]!.trim());
    const code: Record<string, unknown> = { ...DEFAULT_OPTIONS, openTimeoutMs: DEFAULT_OPEN_TIMEOUT_MS };
    let compared = 0;
    for (const [key, value] of Object.entries(code)) {
      if (typeof value !== 'number') continue;
      assert.ok(stated.has(key), `${key}: no @defaultValue in client/options.ts`);
      assert.equal(
        Number(stated.get(key)!.split(' ')[0]),
        value,
        `${key}: documented ${stated.get(key)}, code ${value}`,
      );
      compared++;
    }
    assert.ok(compared >= 15, `only ${compared} defaults compared`);
  });

  it("the README's option table lists every client option, with the code's defaults", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const m of readme.matchAll(/^\|\s*`(\w+)`\s*\|\s*([^|]+?)\s*\|/gm)) rows.set(m[1]!, m[2]!);
    const code: Record<string, unknown> = { ...DEFAULT_OPTIONS, openTimeoutMs: DEFAULT_OPEN_TIMEOUT_MS };
    for (const key of CLIENT_OPTION_KEYS) {
      if (key === 'machines') continue;
      assert.ok(rows.has(key), `README's option table lacks ${key}`);
      const value = code[key];
      if (typeof value === 'number') assert.equal(Number(rows.get(key)), value, `README: ${key} default`);
    }
    for (const key of ['signal', 'ttlSeconds', 'returnCheckValue'])
      assert.match(readme, new RegExp(`\\|\\s*\`${key}\`\\s*\\|`), `README's call option table lacks ${key}`);
  });
});
