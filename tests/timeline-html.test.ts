// The trace timeline page (`npm run replay -- <trace> --html <out>`): its structure is checked on
// the HTML text always; where Debian's Chromium is installed, the page is also opened headless,
// the expected elements must be rendered and visible, and a screenshot is taken.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { TraceRecord } from '../core/trace/index.ts';
import { readTrace, recordScenario, TRACES_DIR } from '../properties/trace-files.ts';
import { writeTimelineHtml } from '../scripts/timeline-html.ts';
import type { ScenarioSpec } from '../sim/scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(import.meta.dirname, '..', 'docs', 'timeline-example.png');
const dir = mkdtempSync(join(tmpdir(), 'pegasus-timeline-'));

const OPS = ['get', 'set', 'incr', 'get', 'del'] as const;
/** a crash (failover: configuration changes, a timed-out call) and a hang (an outcome-unknown incr) */
const SPEC: ScenarioSpec = {
  seed: 7,
  metas: 2,
  replicas: 3,
  partitions: 4,
  detectMs: 300,
  calls: Array.from({ length: 14 }, (_, i) => ({
    atMs: 50 + i * 90,
    op: OPS[i % OPS.length]!,
    key: i % 6,
    value: i + 1,
    timeoutMs: i % 3 === 0 ? 250 : 800,
  })),
  faults: [
    { atMs: 400, node: 0, kind: 'crash' },
    { atMs: 1100, node: 1, kind: 'hang', ms: 600 },
  ],
  runMs: 2500,
};

/** Records the scenario (the simulator writes the meta server's configuration changes as `config` records). */
function recordCrashTrace(): TraceRecord[] {
  const file = join(dir, 'crash.ndjson');
  recordScenario(file, SPEC, { property: 'timeline-example' });
  const records = readTrace(file);
  assert.ok(
    records.some((r) => r.type === 'config'),
    'the trace carries config records',
  );
  return records;
}

const records = recordCrashTrace();
const htmlPath = join(dir, 'timeline.html');
writeTimelineHtml(htmlPath, records, 'crash and hang (tests/timeline-html.test.ts)');
const html = readFileSync(htmlPath, 'utf8');

const of = <T extends TraceRecord['type']>(type: T) =>
  records.filter((r): r is Extract<TraceRecord, { type: T }> => r.type === type);
const callIds = of('in').flatMap((r) => {
  const e = r.event as { type?: string; callId?: number };
  return e.type === 'call' ? [String(e.callId)] : [];
});
/** every node the trace mentions: machines, sends, faults, configurations */
const nodes = new Set<string>([
  ...of('states').flatMap((r) => Object.keys(r.nodes)),
  ...of('fault').map((r) => r.node),
  ...of('config').flatMap((r) => [r.primary, ...r.secondaries].filter((a) => a !== '')),
  ...of('out').flatMap((r) => {
    const c = r.cmd as { type?: string; address?: string };
    return c.type === 'send' && c.address !== undefined ? [c.address] : [];
  }),
]);
const tables = new Set(of('states').flatMap((r) => Object.keys(r.tables)));

const count = (s: string, re: RegExp) => [...s.matchAll(re)].length;
/** summed data-count of a marker class (markers within a few pixels are drawn as one) */
const marked = (cls: string) =>
  [...html.matchAll(new RegExp(`class="${cls}" data-count="(\\d+)"`, 'g'))].reduce(
    (s, m) => s + Number(m[1]),
    0,
  );

describe('trace timeline page', () => {
  it('the scenario has what the page must show', () => {
    assert.ok(of('fault').length === 2 && of('config').length > 0, 'faults and configuration changes');
    assert.ok(nodes.size >= 4 && callIds.length === SPEC.calls.length);
  });

  it('is self-contained: no script or stylesheet from elsewhere, no external reference', () => {
    assert.doesNotMatch(html, /\b(src|href)=/);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    assert.match(html, /^<!doctype html>/);
  });

  it('has a lane for the client, every node and every table', () => {
    assert.equal(count(html, /class="lane" data-lane="client"/g), 1);
    for (const n of nodes)
      assert.equal(count(html, new RegExp(`class="lane" data-lane="node" data-node="${n}"`, 'g')), 1, n);
    for (const t of tables)
      assert.equal(count(html, new RegExp(`class="lane" data-lane="routing" data-table="${t}"`, 'g')), 1);
  });

  it('draws one call bar per call, coloured by outcome', () => {
    assert.equal(count(html, /class="call-bar"/g), callIds.length);
    for (const id of callIds)
      assert.equal(count(html, new RegExp(`class="call-bar" data-call="${id}"`, 'g')), 1);
    for (const outcome of ['ok', 'error', 'unknown'])
      assert.ok(html.includes(`data-outcome="${outcome}"`), `a call with outcome ${outcome}`);
  });

  it('marks every fault, configuration change and frame', () => {
    assert.equal(count(html, /class="fault-marker" data-kind="crash"/g), 1);
    assert.equal(count(html, /class="fault-marker" data-kind="hang"/g), 1);
    assert.equal(marked('config-marker'), of('config').length);
    assert.ok(marked('route-marker') > 0, 'routes the client learned');
    const sends = of('out').filter((r) => (r.cmd as { type?: string }).type === 'send').length;
    assert.ok(count(html, /class="frame-tick" data-dir="out"/g) > 0 && sends > 0);
  });

  it('shows every kind of machine as state segments, and the header of the run', () => {
    for (const machine of ['node', 'routing', 'request'])
      assert.ok(html.includes(`class="state-segment" data-machine="${machine}"`), machine);
    for (const state of ['ready', 'down'])
      assert.ok(html.includes(`data-machine="node" data-state="${state}"`));
    assert.ok(html.includes('data-machine="routing" data-state="polling"'));
    assert.equal(count(html, /class="lane" data-lane="request"/g), callIds.length);
    assert.match(html, /timeline-example/);
    assert.match(html, /crash replica 0 at 400 ms/);
  });

  it('marks violations prominently', () => {
    assert.equal(count(html, /class="violation-marker"/g), 0);
    const path = join(dir, 'violation.html');
    const broken: TraceRecord = {
      type: 'violation',
      t: 700,
      invariant: 'settles-once',
      detail: 'a test violation',
    };
    writeTimelineHtml(path, [...records, broken], 'with a violation');
    assert.equal(count(readFileSync(path, 'utf8'), /class="violation-marker"/g), 1);
  });

  it('renders every trace of the corpus', () => {
    for (const file of readdirSync(TRACES_DIR).filter((f) => f.endsWith('.ndjson'))) {
      const out = join(dir, `${file}.html`);
      writeTimelineHtml(out, readTrace(join(TRACES_DIR, file)), file);
      const page = readFileSync(out, 'utf8');
      assert.ok(page.includes('data-lane="client"') && page.includes('class="call-bar"'), file);
    }
  });

  const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
  it('renders in headless Chromium: elements visible, screenshot taken', {
    skip,
    timeout: 60_000,
  }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(pathToFileURL(htmlPath).href);
      const visible = async (selector: string, expected?: number) => {
        const all = page.locator(selector);
        const n = await all.count();
        if (expected !== undefined) assert.equal(n, expected, selector);
        assert.ok(n > 0, `${selector} rendered`);
        const box = await all.first().boundingBox();
        assert.ok(box !== null && box.width > 0 && box.height > 0, `${selector} has a non-empty box`);
      };
      await visible('#header');
      await visible('#legend');
      await visible('.lane[data-lane="client"]', 1);
      for (const n of nodes) await visible(`.lane[data-node="${n}"]`, 1);
      await visible('.call-bar', callIds.length);
      await visible('.call-bar[data-outcome="unknown"]');
      await visible('.fault-marker', 2);
      await visible('.config-marker');
      await visible('.state-segment[data-machine="node"]');
      await visible('.state-segment[data-machine="routing"]');
      await visible('.state-segment[data-machine="request"]');
      await visible('.time-axis');
      const shot = join(dir, 'timeline.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, 'a screenshot with content');
      if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, SCREENSHOT);
    } finally {
      await browser.close();
    }
  });
});
