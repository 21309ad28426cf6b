// `npm start` end to end, with short durations: the demo must finish by itself with exit code 0,
// report both policies, show the client re-routing sooner than the timeout-only policy, and leave
// parseable traces and timelines behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'pegasus-demo-'));
after(() => rmSync(out, { recursive: true, force: true }));

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface ReportJson {
  runs: Array<{ policy: string; rerouteMs: number | null; closeT: number | null; atClose: unknown[] }>;
}

describe('npm start (the failover demo)', { timeout: 60_000 }, () => {
  it('runs both policies, reports them side by side, writes traces and timelines, exits 0', async () => {
    const r = await runDemo([
      '--no-live',
      '--detect-ms',
      '600',
      '--hang-ms',
      '400',
      '--duration-ms',
      '3000',
      '--fault-at-ms',
      '800',
      '--timeout-ms',
      '1500',
      '--rate',
      '100',
      '--partitions',
      '2',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, `exit code ${r.code}\n${r.stderr}\n${r.stdout.slice(-3000)}`);
    assert.ok(!r.stdout.includes('\u001b['), 'no ANSI sequences with --no-live');
    assert.match(r.stdout, /== report/);
    assert.match(r.stdout, /pegasus-ts \(re-route\)/);
    assert.match(r.stdout, /timeout only \(Go-like\)/);
    assert.match(r.stdout, /first re-route of a stuck call/);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    const client = report.runs.find((x) => x.policy === 'client');
    const timeoutOnly = report.runs.find((x) => x.policy === 'timeout-only');
    assert.ok(client !== undefined && timeoutOnly !== undefined, 'both policies in report.json');
    assert.ok(
      client.closeT !== null && client.atClose.length > 0,
      'calls were in flight when the node closed',
    );
    assert.ok(client.rerouteMs !== null, 'the client re-routed the calls in flight');
    assert.ok(
      client.rerouteMs < (timeoutOnly.rerouteMs ?? Number.POSITIVE_INFINITY),
      `client re-route ${client.rerouteMs} ms, timeout-only ${timeoutOnly.rerouteMs}`,
    );

    for (const suffix of ['', '-timeout-only']) {
      const trace = join(out, `trace${suffix}.ndjson`);
      const lines = readFileSync(trace, 'utf8').trimEnd().split('\n');
      const records = lines.map((l) => JSON.parse(l) as { type: string; source?: string });
      assert.equal(records[0]?.type, 'header');
      assert.equal(records[0]?.source, 'client');
      for (const type of ['in', 'out', 'states', 'fault', 'config'])
        assert.ok(
          records.some((x) => x.type === type),
          `${trace} has ${type} records`,
        );
      const html = join(out, `timeline${suffix}.html`);
      assert.ok(existsSync(html), html);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /^<!DOCTYPE html>/i);
      assert.match(page, /<svg/);
      assert.match(page, /call-bar/);
      assert.ok(r.stdout.includes(`timeline${suffix}.html`), 'the timeline path is printed');
    }
  });

  it('--backup-ms with a hang: reads of the hung partitions are served by backups, shown in the report', async () => {
    const dir = join(out, 'backup');
    const r = await runDemo([
      '--no-live',
      '--fault',
      'hang',
      '--policy',
      'backup',
      '--backup-ms',
      '20',
      '--detect-ms',
      '1500',
      '--hang-ms',
      '2000',
      '--duration-ms',
      '2500',
      '--fault-at-ms',
      '500',
      '--rate',
      '100',
      '--partitions',
      '2',
      '--out',
      dir,
    ]);
    assert.equal(r.code, 0, `exit code ${r.code}\n${r.stderr}\n${r.stdout.slice(-3000)}`);
    assert.match(r.stdout, /Backup reads: backupRequestDelayMs 20 ms/);
    assert.match(r.stdout, /backup requests sent \/ answered first/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      runs: Array<{
        policy: string;
        backups: { sent: number; won: number };
        outageGetLatencyMs: { p99: number };
      }>;
    };
    const run = report.runs[0]!;
    assert.equal(run.policy, 'backup');
    assert.ok(run.backups.won > 0, `backups ${JSON.stringify(run.backups)}`);
    // gets of the hung partitions do not wait for the promotion (1.5 s): generous for a loaded machine
    assert.ok(run.outageGetLatencyMs.p99 < 1000, `gets p99 ${run.outageGetLatencyMs.p99} ms`);
    assert.ok(existsSync(join(dir, 'trace-backup.ndjson')));
  });

  it('--help prints the options and exits 0; a bad option exits 2', async () => {
    const help = await runDemo(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fault KIND/);
    assert.match(help.stdout, /--backup-ms MS/);
    const bad = await runDemo(['--fault', 'meteor']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fault must be one of/);
  });
});
