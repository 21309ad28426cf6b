// npm run soak -- [--minutes N] [--seed S] [--rate R] [--out DIR] [--calls-per-key K]
//                 [--tolerance-ms MS] [--no-png] [--no-progress] [--keep-history]
// npm run soak -- --render DIR   (report.html and report.png again from DIR/report.json)
// The progress line is rewritten in place on a terminal, printed every 10 s otherwise.
// Runs a soak (soak/run.ts), writes DIR/report.json and DIR/report.html (and report.png with
// headless Chromium), and exits 0 on pass, 1 on fail, 2 on bad usage. A failing run keeps its
// history (DIR/history.ndjson, DIR/failed-keys.ndjson) and its fault schedule (in report.json).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from './html.ts';
import { screenshot } from './png.ts';
import { buildReport, type SoakReport } from './report.ts';
import { DEFAULT_SOAK, runSoak, type SoakOptions } from './run.ts';

const USAGE =
  'usage: npm run soak -- [--minutes N (default 1)] [--seed S] [--rate calls/s (default 150)] [--out DIR] ' +
  '[--calls-per-key K] [--tolerance-ms MS] [--no-png] [--no-progress] [--keep-history] | --render DIR';

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
}

/** --render DIR: draws DIR/report.html (and .png) again from DIR/report.json, after a change to the page */
async function render(dir: string, png: boolean): Promise<number> {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as SoakReport;
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
  if (png) await screenshot(join(dir, 'report.html'), join(dir, 'report.png'));
  process.stdout.write(`rendered ${join(dir, 'report.html')}${png ? ' and report.png' : ''}\n`);
  return 0;
}

async function main(): Promise<number> {
  let opts: SoakOptions;
  let png = true;
  let keepHistory = false;
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        minutes: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        out: { type: 'string' },
        'calls-per-key': { type: 'string' },
        'tolerance-ms': { type: 'string' },
        'no-png': { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        'keep-history': { type: 'boolean' },
        render: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help === true) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.render !== undefined) return await render(values.render, values['no-png'] !== true);
    opts = {
      ...DEFAULT_SOAK,
      minutes: num(values.minutes, 'minutes', DEFAULT_SOAK.minutes),
      seed: Math.floor(num(values.seed, 'seed', DEFAULT_SOAK.seed)),
      rate: num(values.rate, 'rate', DEFAULT_SOAK.rate),
      out: values.out ?? DEFAULT_SOAK.out,
      callsPerKey: Math.floor(num(values['calls-per-key'], 'calls-per-key', DEFAULT_SOAK.callsPerKey)),
      lateToleranceMs: num(values['tolerance-ms'], 'tolerance-ms', DEFAULT_SOAK.lateToleranceMs),
      progress: values['no-progress'] !== true,
    };
    png = values['no-png'] !== true;
    keepHistory = values['keep-history'] === true;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const result = await runSoak(opts);
  const report = buildReport(result);
  writeFileSync(join(opts.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const html = renderHtml(report);
  writeFileSync(join(opts.out, 'report.html'), html);
  if (png) {
    try {
      await screenshot(join(opts.out, 'report.html'), join(opts.out, 'report.png'));
    } catch (e) {
      process.stderr.write(`report.png not written: ${(e as Error).message}\n`);
    }
  }
  if (report.ok && !keepHistory) {
    rmSync(result.historyFile, { force: true });
    rmSync(join(opts.out, 'stalls.ndjson'), { force: true });
  }
  for (const c of report.checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
  process.stdout.write(
    `${report.summary}\nreport: ${join(opts.out, 'report.json')}, ${join(opts.out, 'report.html')}\n`,
  );
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`soak failed to run: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
