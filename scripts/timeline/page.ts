// The self-contained page: header (which run, why it was saved), legend, notes and the chart.
// No script, no external asset: it opens anywhere, offline, and can be attached to an issue.
import { drawChart } from './chart.ts';
import { ms } from './format-time.ts';
import { legendHtml } from './legend.ts';
import type { Timeline } from './model.ts';
import { PAGE_CSS } from './page-css.ts';
import { esc } from './svg.ts';

export function pageHtml(tl: Timeline): string {
  const chart = drawChart(tl);
  const h = tl.header;
  const facts: Array<[string, string | null]> = [
    ['source', h.source],
    ['scenario', h.scenario.length === 0 ? null : h.scenario.join('\n')],
    ['property', h.property],
    ['recorded failure', h.failure],
    ['fast-check', h.fastCheck],
    ['run', `${ms(tl.start)} to ${ms(tl.end)} · ${tl.recordCount} records · ${summary(tl)}`],
  ];
  const dl = facts
    .flatMap(([k, v]) => (v === null ? [] : [`<dt>${esc(k)}</dt><dd>${esc(v).replace(/\n/g, '<br>')}</dd>`]))
    .join('');
  const notes = chart.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(h.title)} · pegasus-ts timeline</title>
<style>${PAGE_CSS}</style></head>
<body>
<header id="header"><h1>${esc(h.title)}</h1><dl>${dl}</dl></header>
${legendHtml(tl)}
${notes}
<p class="hint">Hover any bar, segment or marker for details. Time is ${h.source === 'client' ? "ms on the client's monotonic clock" : 'virtual ms of the simulation'}; hatched columns are idle gaps squeezed to save space.</p>
<div id="chart">${chart.svg}</div>
</body></html>
`;
}

function summary(tl: Timeline): string {
  const count = (o: string) => tl.calls.filter((c) => c.outcome === o).length;
  return `${tl.calls.length} calls (${count('ok')} ok, ${count('error')} failed, ${count('unknown')} outcome unknown, ${count('pending')} unsettled) · ${tl.nodes.length} nodes · ${tl.violations.length} violations`;
}
