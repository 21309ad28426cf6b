// The README's plot, drawn from a run (never by hand): open-loop latency percentiles against the
// offered load, one panel per op, client solid and floor dashed (header v1), client v0 p99 dotted.
// Plain SVG text, so it needs no browser and diffs readably.
import type { FixedRateResult } from './fixed-rate.ts';
import type { OpenLoopRow } from './open-loop-latency.ts';
import type { BenchResults } from './report.ts';

const PANEL_W = 300;
const PANEL_H = 220;
const PAD = { left: 52, right: 26, top: 28, bottom: 40 };
const SERIES: Array<{ label: string; pick: (r: FixedRateResult) => number; color: string }> = [
  { label: 'p50', pick: (r) => r.p50Ms, color: '#1f77b4' },
  { label: 'p99', pick: (r) => r.p99Ms, color: '#d62728' },
  { label: 'p99.9', pick: (r) => r.p999Ms, color: '#7f3fbf' },
];

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
const n = (x: number) => x.toFixed(1);

function panel(
  op: string,
  rows: OpenLoopRow[],
  v0: OpenLoopRow[],
  x0: number,
  yMin: number,
  yMax: number,
): string {
  const w = PANEL_W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - PAD.bottom;
  const loads = rows.map((r) => r.loadPercent);
  const lo = Math.min(...loads);
  const hi = Math.max(...loads);
  const xOf = (p: number) => x0 + PAD.left + (hi === lo ? w / 2 : ((p - lo) / (hi - lo)) * w);
  const lyMin = Math.log10(yMin);
  const lyMax = Math.log10(yMax);
  const yOf = (ms: number) => PAD.top + h - ((Math.log10(Math.max(ms, yMin)) - lyMin) / (lyMax - lyMin)) * h;
  const out: string[] = [];
  out.push(
    `<text x="${n(x0 + PAD.left + w / 2)}" y="16" text-anchor="middle" font-weight="600">${esc(op)}</text>`,
  );
  out.push(
    `<rect x="${n(x0 + PAD.left)}" y="${PAD.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  );
  for (let e = Math.ceil(lyMin); e <= Math.floor(lyMax); e++) {
    const y = yOf(10 ** e);
    out.push(
      `<line x1="${n(x0 + PAD.left)}" x2="${n(x0 + PAD.left + w)}" y1="${n(y)}" y2="${n(y)}" stroke="#e4e4e4"/>`,
    );
    out.push(
      `<text x="${n(x0 + PAD.left - 4)}" y="${n(y + 4)}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`,
    );
  }
  for (const r of rows) {
    const x = xOf(r.loadPercent);
    out.push(`<text x="${n(x)}" y="${PAD.top + h + 16}" text-anchor="middle">${r.loadPercent}%</text>`);
    out.push(
      `<text x="${n(x)}" y="${PAD.top + h + 30}" text-anchor="middle" fill="#666">${(r.ratePerSec / 1000).toFixed(1)}k/s</text>`,
    );
  }
  const line = (pts: Array<[number, number]>, color: string, dash: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dash === '' ? '' : ` stroke-dasharray="${dash}"`} points="${pts
      .map(([p, ms]) => `${n(xOf(p))},${n(yOf(ms))}`)
      .join(' ')}"/>`;
  for (const s of SERIES) {
    out.push(
      line(
        rows.map((r) => [r.loadPercent, s.pick(r.client)]),
        s.color,
        '',
      ),
    );
    out.push(
      line(
        rows.map((r) => [r.loadPercent, s.pick(r.floor)]),
        s.color,
        '6 4',
      ),
    );
  }
  if (v0.length > 0)
    out.push(
      line(
        v0.map((r) => [r.loadPercent, r.client.p99Ms]),
        '#d62728',
        '2 3',
      ),
    );
  return out.join('\n');
}

export function renderSvg(r: BenchResults): string {
  const first = r.options.headers[0];
  const ops = [...new Set(r.openLoop.map((row) => row.op))];
  const all = r.openLoop
    .flatMap((row) => [row.client, row.floor])
    .flatMap((x) => SERIES.map((s) => s.pick(x)));
  const finite = all.filter((x) => Number.isFinite(x) && x > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...finite)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...finite)));
  const width = PANEL_W * ops.length;
  const height = PANEL_H + 56;
  const panels = ops.map((op, i) =>
    panel(
      op,
      r.openLoop.filter((row) => row.op === op && row.headerVersion === first),
      r.openLoop.filter((row) => row.op === op && row.headerVersion !== first && row.headerVersion === 0),
      i * PANEL_W,
      yMin,
      yMax,
    ),
  );
  const legendY = PANEL_H + 18;
  const legend = [
    ...SERIES.map(
      (s, i) =>
        `<line x1="${20 + i * 90}" x2="${44 + i * 90}" y1="${legendY}" y2="${legendY}" stroke="${s.color}" stroke-width="2"/><text x="${48 + i * 90}" y="${legendY + 4}">${s.label}</text>`,
    ),
    `<text x="290" y="${legendY + 4}">solid: client v${first} · dashed: raw-wire floor (v${first}) · dotted: client v0 p99</text>`,
    `<text x="20" y="${legendY + 20}">latency (ms, log scale) from each call's intended send time, against the offered rate (% of the client's saturation)</text>`,
  ];
  const m = r.machine;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 16}" viewBox="0 0 ${width} ${height + 16}" font-family="system-ui,sans-serif" font-size="11">
<title>Open-loop latency (p50, p99, p99.9) against the offered rate, client and raw-wire floor</title>
<rect width="100%" height="100%" fill="#fff"/>
${panels.join('\n')}
${legend.join('\n')}
<text x="20" y="${height + 10}" fill="#666">${esc(`${r.command} · ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}, load ${m.loadAvg1m} at start · open loop, ${r.options.openMs} ms per rate`)}</text>
</svg>
`;
}
