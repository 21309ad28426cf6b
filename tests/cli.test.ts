// The repo's scripts behave as command-line tools: `--help` prints a usage text and exits 0 (for
// every package.json script that runs one of our files, and the bench helpers run with npx tsx), a
// usage error exits 2, and the onebox's JSON line can be read by a program (`npm run -s onebox`,
// `--json-out FILE`).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const scratch = mkdtempSync(join(tmpdir(), 'pegasus-ts-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out.stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    out.stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return once(child, 'close').then(([code]) => {
    clearTimeout(timer);
    return { code: code as number | null, ...out };
  });
}

/**
 * package.json scripts that run a file of ours through tsx (not the test runner or a tool), with
 * that file: run directly with its arguments (an npm start-up each would double the time)
 */
const OWN_SCRIPTS = new Map(
  Object.entries(scripts)
    .filter(([, cmd]) => /\btsx\b/.test(cmd) && !cmd.includes('--test'))
    .map(([name, cmd]) => [name, /(\S+\.ts)(?:\s|$)/.exec(cmd)?.[1] ?? `(no .ts file in "${cmd}")`]),
);

describe('scripts: --help', () => {
  it('finds the scripts to check', () => {
    for (const name of [
      'start',
      'onebox',
      'replay',
      'properties',
      'bench',
      'viz',
      'bench:wire',
      'bench:profile',
      'soak',
      'soak:recheck',
      'fuzz',
    ])
      assert.ok(OWN_SCRIPTS.has(name), `${name} is not a tsx script any more: update this test`);
  });

  it('every script prints its usage and exits 0', async () => {
    const runs: Array<[string, () => Promise<Run>]> = [
      ...[
        ...OWN_SCRIPTS,
        ['core-only', 'bench/core-only.ts'],
        ['profile-top', 'bench/profile-top.ts'],
        ['cpu-inproc', 'bench/cpu-inproc.ts'],
        ['cpu-ratio', 'bench/cpu-ratio.ts'],
        ['cpu-alloc', 'bench/cpu-alloc.ts'],
      ].map(([name, file]): [string, () => Promise<Run>] => [
        `${name} (${file}) --help`,
        () => run(process.execPath, ['--import', 'tsx', file!, '--help']),
      ]),
    ];
    const failures: string[] = [];
    // two at a time: each is a Node start-up with tsx
    for (let i = 0; i < runs.length; i += 2) {
      const batch = runs.slice(i, i + 2);
      const results = await Promise.all(batch.map(([, f]) => f()));
      results.forEach((r, j) => {
        const what = batch[j]![0];
        if (r.code !== 0) failures.push(`${what}: exit ${r.code}\n${r.stderr.slice(0, 500)}`);
        else if (!/^usage: /.test(r.stdout)) failures.push(`${what}: stdout does not start with "usage: "`);
      });
    }
    assert.deepEqual(failures, []);
  });

  it('npm run properties --help names each property once', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/deep-properties.ts', '--help']);
    const list = /--property NAME\s+only this property: ([^\n]+)/.exec(r.stdout)?.[1];
    assert.ok(list !== undefined, r.stdout);
    const names = list.split(', ');
    assert.ok(names.includes('simulation-safety') && names.includes('simulation-scans'), list);
    assert.deepEqual(names, [...new Set(names)], `a property listed twice: ${list}`);
  });

  it('a usage error exits 2 with the usage on stderr (replay without a trace)', async () => {
    for (const args of [[], ['--nope'], ['a.ndjson', '--html']]) {
      const r = await run(process.execPath, ['--import', 'tsx', 'scripts/replay.ts', ...args]);
      assert.equal(r.code, 2, `replay ${args.join(' ')}`);
      assert.match(r.stderr, /usage: npm run replay/);
      assert.equal(r.stdout, '');
    }
  });
});

/** the first stdout line of a child that keeps running */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolveLine(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
  });
}

/** SIGTERM to npm's process group (npm and the onebox under it), and wait for npm to end */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

describe('onebox: its JSON line is machine-readable', () => {
  it('npm run -s onebox: the first line on stdout is the JSON (no npm banner)', async () => {
    const child = spawn('npm', ['run', '-s', 'onebox', '--', '--meta-port', '0', '--partitions', '2'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const killTimer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
    try {
      const info = JSON.parse(await firstLine(child)) as { metas: string[]; tables: object };
      assert.equal(info.metas.length, 1);
      assert.deepEqual(info.tables, { temp: { appId: 1, partitionCount: 2 } });
    } finally {
      clearTimeout(killTimer);
      await stopGroup(child);
    }
  });

  it('--json-out FILE: the same line, written whole to FILE', async () => {
    const file = join(scratch, 'onebox.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'onebox/cli.ts', '--meta-port', '0', '--partitions', '2', '--json-out', file],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      const line = await firstLine(child);
      // stopped the moment its line is out: it must already handle SIGTERM (exit 0, not killed)
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.ok(existsSync(file), `${file} not written before the line was printed`);
      assert.equal(readFileSync(file, 'utf8'), `${line}\n`);
      assert.ok(!existsSync(`${file}.tmp`));
      const info = JSON.parse(line) as { metas: string[] };
      assert.match(info.metas[0]!, /^127\.0\.0\.1:\d+$/);
      assert.deepEqual(await exited, [0, null]);
    } finally {
      clearTimeout(killTimer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describe('npm run properties: --minutes is a bound', () => {
  it('a batch far larger than the time allows and a huge state budget still end at the bound', async () => {
    const started = Date.now();
    // 2 s in all; unbounded, 100,000 scenarios and 10^8 states would take hours
    const r = await run(process.execPath, [
      '--import',
      'tsx',
      'scripts/deep-properties.ts',
      '--minutes',
      '0.033',
      '--batch',
      '100000',
      '--explore-states',
      '100000000',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /random search done: \d+ scenarios/);
    assert.match(r.stdout, /cut short at \d+ states by the time bound/);
    assert.ok(Date.now() - started < 50_000, `took ${Date.now() - started} ms`);
  });
});
