// A machine's state over time as a band of coloured segments. Segments under a pixel wide are
// merged into one grey "busy" segment (a flapping machine in a long trace stays a few elements).
import { ms } from './format-time.ts';
import type { StateSegment } from './model.ts';
import { stateColor } from './palette.ts';
import { el, text, textWidth } from './svg.ts';

export interface BandSpec {
  machine: 'node' | 'routing' | 'request';
  /** what the machine belongs to, for hover text (address, table, call) */
  owner: string;
  palette: Record<string, string>;
  y: number;
  h: number;
}

const BUSY_COLOR = '#9e9e9e';

export function drawStateBand(
  segments: readonly StateSegment[],
  x: (t: number) => number,
  b: BandSpec,
): string {
  const out: string[] = [];
  let busy: StateSegment[] = [];
  const flush = () => {
    const first = busy[0];
    const last = busy[busy.length - 1];
    busy = [];
    if (first === undefined || last === undefined) return;
    out.push(segment(first.start, last.end, '(busy)', BUSY_COLOR, `${b.owner}: many changes`, x, b));
  };
  for (const s of segments) {
    if (s.end <= s.start) continue;
    const w = x(s.end) - x(s.start);
    if (w < 1) {
      busy.push(s);
      continue;
    }
    flush();
    const title = `${b.owner}: ${s.state} from ${ms(s.start)} to ${ms(s.end)} (${ms(s.end - s.start)})`;
    out.push(segment(s.start, s.end, s.state, stateColor(b.palette, s.state), title, x, b));
  }
  flush();
  return out.join('');
}

function segment(
  start: number,
  end: number,
  state: string,
  fill: string,
  title: string,
  x: (t: number) => number,
  b: BandSpec,
): string {
  const x0 = x(start);
  const w = Math.max(x(end) - x0, 1);
  const label =
    w > textWidth(state, 9) + 6 ? text({ x: x0 + 3, y: b.y + b.h / 2 + 3, class: 'seg-label' }, state) : '';
  return el(
    'g',
    { class: 'state-segment', 'data-machine': b.machine, 'data-state': state },
    title,
    el('rect', { x: x0, y: b.y, width: w, height: b.h, fill }) + label,
  );
}
