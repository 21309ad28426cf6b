// Writes a trace as one self-contained HTML page (a first, plain timeline: one row per record).
import { writeFileSync } from 'node:fs';
import type { TraceRecord } from '../core/trace/index.ts';

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export function writeTimelineHtml(path: string, records: TraceRecord[], title: string): void {
  const rows = records
    .filter((r) => r.type !== 'header' && r.type !== 'states')
    .map((r) => {
      const t = 't' in r ? r.t.toFixed(1) : '';
      const body = JSON.stringify(r).slice(0, 400);
      return `<tr class="${r.type}"><td>${t}</td><td>${r.type}</td><td><code>${esc(body)}</code></td></tr>`;
    })
    .join('\n');
  writeFileSync(
    path,
    `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:13px system-ui}td{border-bottom:1px solid #ddd;padding:2px 6px;vertical-align:top}.fault td,.violation td{background:#fdd}.config td{background:#eef}</style>
<h1>${esc(title)}</h1><table><tr><th>t (ms)</th><th>record</th><th>content</th></tr>${rows}</table>`,
  );
}
