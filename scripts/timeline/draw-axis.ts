// The time axis: round-number ticks within each active stretch, and a marked break with the
// idle time for each squeezed gap (also shaded down the whole chart, so no one misreads distances).
import { LabelRows } from './bins.ts';
import { ms } from './format-time.ts';
import { el, text, textWidth } from './svg.ts';
import { stretchTicks, type TimeScale } from './time-scale.ts';

export const AXIS_H = 40;

export function drawAxis(scale: TimeScale, plotX: number): string {
  const base = AXIS_H - 6;
  const rows = new LabelRows(1);
  const parts: string[] = [];
  for (const s of scale.stretches) {
    parts.push(el('line', { class: 'axis-line', x1: s.x0, x2: s.x1, y1: base, y2: base }));
    for (const t of stretchTicks(s)) {
      const x = scale.x(t);
      const label = tickLabel(t);
      const w = textWidth(label, 9);
      parts.push(el('line', { class: 'axis-tick', x1: x, x2: x, y1: base, y2: base + 4 }));
      if (rows.place(x - w / 2, x + w / 2) !== null)
        parts.push(text({ x, y: base - 4, class: 'axis-label', 'text-anchor': 'middle' }, label));
    }
  }
  for (const g of scale.gaps) {
    const mid = (g.x0 + g.x1) / 2;
    parts.push(
      el(
        'g',
        { class: 'axis-break' },
        `no events for ${ms(g.t1 - g.t0)} (${ms(g.t0)} to ${ms(g.t1)}): squeezed`,
        el('path', { d: `M${g.x0 + 4},${base} l4,-4 l4,8 l4,-8 l4,8 l4,-8 l4,4`, class: 'break-zigzag' }) +
          text(
            { x: mid, y: base - 16, class: 'break-label', 'text-anchor': 'middle' },
            `+${Math.round(g.t1 - g.t0)}`,
          ),
      ),
    );
  }
  return el('g', { class: 'time-axis', transform: `translate(${plotX},0)` }, undefined, parts.join(''));
}

/** shaded columns over the squeezed gaps, from the axis down */
export function drawGapBands(scale: TimeScale, top: number, height: number): string {
  return scale.gaps
    .map((g) =>
      el(
        'rect',
        { class: 'gap-band', x: g.x0, y: top, width: g.x1 - g.x0, height },
        `${ms(g.t1 - g.t0)} without events, squeezed`,
      ),
    )
    .join('');
}

/** faint vertical lines at the axis ticks, to read times off any lane */
export function drawGrid(scale: TimeScale, top: number, height: number): string {
  return scale.stretches
    .flatMap((s) => stretchTicks(s).map((t) => scale.x(t)))
    .map((x) => el('line', { class: 'grid', x1: x, x2: x, y1: top, y2: top + height }))
    .join('');
}

function tickLabel(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(Math.abs(t) >= 100 ? 0 : 1);
}
