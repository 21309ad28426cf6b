// Frames as ticks: sent frames point up from the row's middle line, received ones down; each tick
// is labelled with its short RPC name where there is room, and carries the full frames as hover text.
import { type Bin, binByPixel, binTitle, LabelRows } from './bins.ts';
import { shortRpc } from './format-time.ts';
import type { FrameMark } from './model.ts';
import { RECV_COLOR, SEND_COLOR } from './palette.ts';
import { el, text, textWidth } from './svg.ts';

/** height of a frame row */
export const FRAME_ROW_H = 30;

export function drawFrames(frames: readonly FrameMark[], x: (t: number) => number, y: number): string {
  const mid = y + FRAME_ROW_H / 2;
  const parts = [
    el('line', { class: 'frame-axis', x1: 0, x2: x(Number.POSITIVE_INFINITY), y1: mid, y2: mid }),
  ];
  for (const dir of ['out', 'in'] as const) {
    const rows = new LabelRows(1);
    for (const bin of binByPixel(
      frames.filter((f) => f.dir === dir),
      x,
      3,
    )) {
      parts.push(tick(bin, dir, mid, rows));
    }
  }
  return parts.join('');
}

function tick(bin: Bin<FrameMark>, dir: 'out' | 'in', mid: number, rows: LabelRows): string {
  const up = dir === 'out';
  const y1 = up ? mid - 13 : mid + 1;
  const y2 = up ? mid - 1 : mid + 13;
  const names = [...new Set(bin.items.map((f) => shortRpc(f.name)))];
  const label = bin.items.length === 1 ? names[0]! : `${names.join('/')}×${bin.items.length}`;
  const w = textWidth(label, 8);
  const placed = rows.place(bin.x + 2, bin.x + 3 + w) !== null;
  const labelSvg = placed
    ? text({ x: bin.x + 2, y: up ? mid - 6 : mid + 11, class: `tick-label ${dir}` }, label)
    : '';
  return el(
    'g',
    { class: 'frame-tick', 'data-dir': dir, 'data-count': bin.items.length },
    binTitle(
      bin.items.map((f) => f.detail),
      6,
    ),
    el('line', { x1: bin.x, x2: bin.x, y1, y2, stroke: up ? SEND_COLOR : RECV_COLOR }) + labelSvg,
  );
}
