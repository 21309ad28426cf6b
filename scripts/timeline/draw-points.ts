// Point events as markers: faults (with their duration), meta configuration changes, routes the
// client learned, lost connections and violations. Marks within a few pixels share one marker.
import { binByPixel, binTitle, LabelRows } from './bins.ts';
import type { FaultMark, PointMark } from './model.ts';
import { CONFIG_COLOR, FAULT_COLOR, ROUTE_COLOR, VIOLATION_COLOR } from './palette.ts';
import { el, text, textWidth } from './svg.ts';

type X = (t: number) => number;

/** faults on one node: a triangle and label at the top, the fault's duration shaded over the lane */
export function drawFaults(faults: readonly FaultMark[], x: X, laneH: number): string {
  const rows = new LabelRows(1);
  return faults
    .map((f) => {
      const x0 = x(f.t);
      const range =
        f.until === null
          ? ''
          : el('rect', {
              class: 'fault-range',
              x: x0,
              y: 0,
              width: Math.max(x(f.until) - x0, 2),
              height: laneH,
            });
      const w = textWidth(f.label, 9);
      const label =
        rows.place(x0 + 6, x0 + 7 + w) === null
          ? ''
          : text({ x: x0 + 7, y: 10, class: 'fault-label' }, f.label);
      return el(
        'g',
        { class: 'fault-marker', 'data-kind': f.kind },
        f.detail,
        range +
          el('line', { x1: x0, x2: x0, y1: 0, y2: laneH, stroke: FAULT_COLOR, 'stroke-width': 1.5 }) +
          el('path', { d: `M${x0 - 5},1 h10 l-5,8 z`, fill: FAULT_COLOR }) +
          label,
      );
    })
    .join('');
}

export interface PointStyle {
  cls: string;
  shape: 'diamond' | 'circle' | 'cross';
  color: string;
  /** label rows available above/below the first one */
  rows: number;
  rowH: number;
}

export const CONFIG_STYLE: PointStyle = {
  cls: 'config-marker',
  shape: 'diamond',
  color: CONFIG_COLOR,
  rows: 2,
  rowH: 11,
};
export const ROUTE_STYLE: PointStyle = {
  cls: 'route-marker',
  shape: 'circle',
  color: ROUTE_COLOR,
  rows: 2,
  rowH: 11,
};
export const LOSS_STYLE: PointStyle = {
  cls: 'loss-marker',
  shape: 'cross',
  color: '#212121',
  rows: 0,
  rowH: 0,
};

/** markers centred on y, labels to their right in up to `rows` rows */
export function drawPoints(marks: readonly PointMark[], x: X, y: number, s: PointStyle): string {
  const rows = new LabelRows(s.rows);
  return binByPixel(marks, x, 4)
    .map((bin) => {
      const first = bin.items[0]!;
      const label = bin.items.length === 1 ? first.label : `${first.label} +${bin.items.length - 1}`;
      const w = textWidth(label, 9);
      const row = s.rows === 0 ? null : rows.place(bin.x + 5, bin.x + 6 + w);
      const labelSvg =
        row === null
          ? ''
          : text(
              {
                x: bin.x + 6,
                y: y + 3 + (row - (s.rows - 1) / 2) * s.rowH,
                class: 'point-label',
                fill: s.color,
              },
              label,
            );
      return el(
        'g',
        { class: s.cls, 'data-count': bin.items.length },
        binTitle(bin.items.map((m) => m.detail)),
        shape(s, bin.x, y) + labelSvg,
      );
    })
    .join('');
}

function shape(s: PointStyle, cx: number, cy: number): string {
  if (s.shape === 'diamond') return el('path', { d: `M${cx},${cy - 5} l5,5 l-5,5 l-5,-5 z`, fill: s.color });
  if (s.shape === 'circle') return el('circle', { cx, cy, r: 3.5, fill: s.color });
  return el('path', {
    d: `M${cx - 3},${cy - 3} l6,6 M${cx + 3},${cy - 3} l-6,6`,
    stroke: s.color,
    'stroke-width': 1.6,
  });
}

/** a violation: a red line through the whole chart and a flag with the invariant's name */
export function drawViolation(v: PointMark, x: X, top: number, height: number, plotW: number): string {
  const x0 = x(v.t);
  // near the right edge the flag and its label point left, so the label is not cut off
  const left = x0 + 14 + textWidth(v.label, 10) > plotW;
  const flag = left ? `M${x0},${top} h-9 l3,5 l-3,5 h9 z` : `M${x0},${top} h9 l-3,5 l3,5 h-9 z`;
  const label = left
    ? text({ x: x0 - 11, y: top + 9, class: 'violation-label', 'text-anchor': 'end' }, v.label)
    : text({ x: x0 + 11, y: top + 9, class: 'violation-label' }, v.label);
  return el(
    'g',
    { class: 'violation-marker' },
    v.detail,
    el('line', { x1: x0, x2: x0, y1: top, y2: top + height, stroke: VIOLATION_COLOR, 'stroke-width': 2 }) +
      el('path', { d: flag, fill: VIOLATION_COLOR }) +
      label,
  );
}
