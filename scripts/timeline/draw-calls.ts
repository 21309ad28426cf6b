// Calls as bars from start to settle, packed into rows so overlapping calls stay apart. A thin
// mark shows each call's deadline. Very long traces keep every failed call and as many
// successful ones as the cap allows.
import type { CallBar } from './model.ts';
import { callFill } from './palette.ts';
import { el, text, textWidth } from './svg.ts';

export const MAX_CALL_BARS = 1500;
const MAX_ROWS = 12;
export const CALL_ROW_H = 16;
const BAR_H = 12;

/** the calls that are drawn, and how many are not */
export function selectCalls(calls: readonly CallBar[]): { shown: CallBar[]; hidden: number } {
  if (calls.length <= MAX_CALL_BARS) return { shown: [...calls], hidden: 0 };
  const failed = calls.filter((c) => c.outcome !== 'ok');
  const ok = calls.filter((c) => c.outcome === 'ok').slice(0, Math.max(0, MAX_CALL_BARS - failed.length));
  const shown = [...failed.slice(0, MAX_CALL_BARS), ...ok].sort((a, b) => a.start - b.start);
  return { shown, hidden: calls.length - shown.length };
}

/** row of every call (first fit in pixel space; when all rows are busy, the one freed first) */
export function packCalls(calls: readonly CallBar[], x: (t: number) => number): Map<CallBar, number> {
  const ends: number[] = [];
  const rows = new Map<CallBar, number>();
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    const x0 = x(c.start);
    let row = ends.findIndex((e) => e + 2 <= x0);
    if (row < 0 && ends.length < MAX_ROWS) row = ends.length;
    if (row < 0) row = ends.indexOf(Math.min(...ends));
    ends[row] = Math.max(x(c.end), x0 + 3);
    rows.set(c, row);
  }
  return rows;
}

export function drawCalls(rows: Map<CallBar, number>, x: (t: number) => number, y: number): string {
  const out: string[] = [];
  for (const [c, row] of rows) {
    const x0 = x(c.start);
    const w = Math.max(x(c.end) - x0, 3);
    const top = y + row * CALL_ROW_H;
    const label =
      c.outcome === 'ok' || c.code === null
        ? c.label
        : `${c.label} ${c.code}${c.outcome === 'unknown' ? ' (outcome unknown)' : ''}`;
    const fits = w > textWidth(label, 9) + 6;
    const short = w > textWidth(c.label, 9) + 6;
    const deadline =
      c.deadline === null || !nearDeadline(c)
        ? ''
        : el('line', {
            class: 'deadline-tick',
            x1: x(c.deadline),
            x2: x(c.deadline),
            y1: top - 1,
            y2: top + BAR_H + 1,
          });
    out.push(
      el(
        'g',
        { class: 'call-bar', 'data-call': c.id, 'data-outcome': c.outcome, 'data-code': c.code ?? undefined },
        c.detail,
        el('rect', { x: x0, y: top, width: w, height: BAR_H, rx: 2, fill: callFill(c) }) +
          deadline +
          (fits || short
            ? text({ x: x0 + 3, y: top + 9, class: `bar-label ${c.outcome}` }, fits ? label : c.label)
            : ''),
      ),
    );
  }
  return out.join('');
}

/** a deadline mark only where it explains something: a failed call, or one that used half its budget */
function nearDeadline(c: CallBar): boolean {
  if (c.deadline === null) return false;
  return c.outcome !== 'ok' || c.end - c.start >= (c.deadline - c.start) / 2;
}
