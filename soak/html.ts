// report.html: one self-contained page (uPlot and the run's data inlined, so it opens offline) with
// throughput and latency over time, each fault marked, memory over time, and the checks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SoakReport } from './report.ts';

const require = createRequire(import.meta.url);
const UPLOT_DIR = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function table(rows: Array<[string, string | number]>): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join('')}</table>`;
}

export function renderHtml(report: SoakReport): string {
  const js = readFileSync(join(UPLOT_DIR, 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(join(UPLOT_DIR, 'uPlot.min.css'), 'utf8');
  const data = {
    seconds: report.series.seconds,
    memory: report.series.memory,
    faults: report.faults.log.map((f) => ({ t: f.atMs / 1000, kind: f.kind, ok: f.status === 200 })),
  };
  const checks = report.checks
    .map(
      (c) =>
        `<li class="${c.ok ? 'ok' : 'fail'}"><b>${c.ok ? 'PASS' : 'FAIL'}</b> ${esc(c.name)}: ${esc(c.detail)}</li>`,
    )
    .join('');
  const errors = Object.entries(report.calls.errorsByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, v] as [string, number]);
  const faultKinds = Object.entries(report.faults.applied).map(([k, v]) => [k, v] as [string, number]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pegasus-ts soak report</title>
<style>${css}
body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222;max-width:1050px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:15px;margin:18px 0 6px}
.verdict{font-size:16px;font-weight:600;padding:6px 10px;border-radius:4px;display:inline-block}
.pass{background:#dff5e1;color:#145a1e}.failv{background:#fde2e2;color:#8a1111}
ul.checks{list-style:none;padding:0;margin:6px 0} ul.checks li{margin:2px 0} li.ok b{color:#1a7f2b} li.fail b{color:#b00}
table{border-collapse:collapse;font-size:13px;margin-right:24px} th{text-align:left;font-weight:500;padding:1px 10px 1px 0;color:#555} td{padding:1px 0}
.row{display:flex;flex-wrap:wrap;align-items:flex-start}.muted{color:#666;font-size:12px}
</style></head><body>
<h1>pegasus-ts soak report</h1>
<div class="muted">${esc(report.run.startedAt)} · ${report.run.durationSec} s · seed ${report.run.seed} · ${report.run.ratePerSec} calls/s offered · ${report.run.machine.cpus} CPUs, load ${report.run.machine.loadAverage1m} at the end · <code>${esc(report.run.command)}</code></div>
<p><span class="verdict ${report.ok ? 'pass' : 'failv'}">${esc(report.summary)}</span></p>
<ul class="checks">${checks}</ul>
<div class="muted">${esc(report.run.cluster)}. ${esc(report.run.workload)}.</div>
<h2>Throughput (calls settled per second) · faults marked (a line each; a tick at the top when there are many)</h2><div id="tput"></div>
<h2>Latency per second (ms, log scale) · faults marked</h2><div id="lat"></div>
<h2>Client memory (RSS, heap) and open handles</h2><div id="mem"></div>
<div class="row">
<div><h2>Calls</h2>${table([
    ['issued', report.calls.issued],
    ['succeeded', report.calls.ok],
    ['never settled', report.calls.unsettled],
    ['keys checked', report.consistency.keysChecked],
    [
      'keys failed / undecided',
      `${report.consistency.failedKeys.length} / ${report.consistency.undecidedKeys}`,
    ],
    ['checker max per key', `${report.consistency.checkMsMaxPerKey} ms`],
  ])}</div>
<div><h2>Errors by code</h2>${table(errors.length === 0 ? [['none', 0]] : errors)}</div>
<div><h2>Faults applied</h2>${table(faultKinds)}</div>
<div><h2>Deadlines (tolerance ${report.deadlines.toleranceMs} ms)</h2>${table([
    ['late, raw', `${report.deadlines.rawOverTolerance} (max ${report.deadlines.maxRawLateMs} ms)`],
    ['late, net of stalls', `${report.deadlines.netOverTolerance} (max ${report.deadlines.maxNetLateMs} ms)`],
    [
      'loop delay p99 / max',
      `${report.deadlines.loop.loopDelayP99Ms} / ${report.deadlines.loop.loopDelayMaxMs} ms`,
    ],
    ['stalls', `${report.deadlines.loop.stalls} (${report.deadlines.loop.stalledMs} ms)`],
    ['GC pauses', `${report.deadlines.loop.gcPauses} (${report.deadlines.loop.gcPausedMs} ms)`],
  ])}</div>
<div><h2>Memory after warm-up (${report.memory.warmupSec} s)</h2>${table([
    ['heap floor', `${report.memory.heapFloorMbPerHour} MB/h`],
    ['rss', `${report.memory.rssMbPerHour} MB/h`],
    ['handles', `${report.memory.handlesPerHour} /h`],
    ['judged', report.memory.judged ? 'yes' : 'no (run too short)'],
  ])}</div>
</div>
<script>${js}</script>
<script>
const D = ${JSON.stringify(data).replace(/</g, '\\u003c')};
const W = Math.min(1040, document.body.clientWidth);
// x is seconds since the start of the run, not a date
const X = { time: false, label: 's since start' };
const XAXIS = { label: 's since start' };
function faultMarks(u) {
  const ctx = u.ctx; ctx.save();
  ctx.font = (10 * devicePixelRatio) + 'px sans-serif';
  // a long run has hundreds of faults: lines only, labels when they fit
  const labels = D.faults.length <= 80;
  D.faults.forEach((f, i) => {
    const x = u.valToPos(f.t, 'x', true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
    ctx.strokeStyle = f.ok ? 'rgba(200,60,30,0.45)' : 'rgba(120,120,120,0.35)';
    // many faults: a short tick at the top of the plot, so the data stays visible
    const bottom = labels ? u.bbox.top + u.bbox.height : u.bbox.top + 8 * devicePixelRatio;
    ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, bottom); ctx.stroke();
    if (!labels) return;
    ctx.fillStyle = 'rgba(160,40,20,0.9)';
    ctx.fillText(f.kind, x + 2, u.bbox.top + 10 * devicePixelRatio * (1 + (i % 4)));
  });
  ctx.restore();
}
const secs = D.seconds.map((s) => s.sec);
new uPlot({ width: W, height: 220, plugins: [{ hooks: { draw: faultMarks } }], scales: { x: X }, axes: [XAXIS, {}],
  series: [{ label: 's' }, { label: 'ok/s', stroke: '#2a7' }, { label: 'failed/s', stroke: '#d33' }, { label: 'offered/s', stroke: '#999', dash: [4, 4] }] },
  [secs, D.seconds.map((s) => s.ok), D.seconds.map((s) => s.failed), D.seconds.map((s) => s.issued)], document.getElementById('tput'));
new uPlot({ width: W, height: 220, plugins: [{ hooks: { draw: faultMarks } }], scales: { x: X, y: { distr: 3 } }, axes: [XAXIS, { size: 60 }],
  series: [{ label: 's' }, { label: 'p50', stroke: '#36c' }, { label: 'p99', stroke: '#e80' }, { label: 'max', stroke: '#c33' }] },
  [secs, D.seconds.map((s) => s.p50Ms), D.seconds.map((s) => s.p99Ms), D.seconds.map((s) => s.maxMs)], document.getElementById('lat'));
new uPlot({ width: W, height: 200, plugins: [{ hooks: { draw: faultMarks } }],
  series: [{ label: 's' }, { label: 'rss MB', stroke: '#639', scale: 'mb' }, { label: 'heap MB', stroke: '#2a9', scale: 'mb' }, { label: 'handles', stroke: '#aaa', scale: 'n' }],
  scales: { x: X }, axes: [XAXIS, { scale: 'mb', label: 'MB' }, { scale: 'n', side: 1, grid: { show: false } }] },
  [D.memory.map((m) => m.tSec), D.memory.map((m) => m.rssMb), D.memory.map((m) => m.heapMb), D.memory.map((m) => m.handles)], document.getElementById('mem'));
globalThis.chartsDrawn = true;
</script>
</body></html>
`;
}
