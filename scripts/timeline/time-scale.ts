// A piecewise-linear time axis: stretches where something happens share one linear scale, and
// long idle gaps between them are squeezed to a fixed width (drawn as a break). Simulated runs
// are bursts of sub-millisecond events separated by hundreds of idle ms; a plain linear axis
// would crush every burst into a pixel.

export interface Stretch {
  t0: number;
  t1: number;
  x0: number;
  x1: number;
}

export interface TimeScale {
  width: number;
  /** active stretches, in time order */
  stretches: Stretch[];
  /** squeezed gaps between consecutive stretches */
  gaps: Stretch[];
  x(t: number): number;
}

const GAP_PX = 34;
const MIN_STRETCH_PX = 26;
/** room at both ends of a stretch so marks on its edges do not sit on a break */
const PAD_PX = 6;
const MIN_GAP_MS = 20;

export function buildScale(times: readonly number[], start: number, end: number, width: number): TimeScale {
  const sorted = [...new Set([start, ...times, end])].sort((a, b) => a - b);
  const span = Math.max(end - start, 1e-9);
  // A gap is squeezed when it is long for the run (a fifteenth of it) or would be drawn wider
  // than a few breaks at the scale of the active stretches; never under MIN_GAP_MS.
  let gapMs = Math.max(MIN_GAP_MS, span / 15);
  let spans = activeSpans(sorted, gapMs);
  let pxs = stretchWidths(
    spans.map(([a, b]) => b - a),
    width - GAP_PX * (spans.length - 1),
  );
  for (let round = 0; round < 4; round++) {
    const next = Math.max(MIN_GAP_MS, Math.min(gapMs, (3 * GAP_PX) / Math.max(pxs.k, 1e-9)));
    if (next >= gapMs) break;
    gapMs = next;
    spans = activeSpans(sorted, gapMs);
    pxs = stretchWidths(
      spans.map(([a, b]) => b - a),
      width - GAP_PX * (spans.length - 1),
    );
  }
  const stretches: Stretch[] = [];
  const gaps: Stretch[] = [];
  let x = 0;
  spans.forEach(([t0, t1], i) => {
    const prev = stretches[stretches.length - 1];
    if (prev !== undefined) {
      gaps.push({ t0: prev.t1, t1: t0, x0: x, x1: x + GAP_PX });
      x += GAP_PX;
    }
    const px = pxs.widths[i] ?? MIN_STRETCH_PX;
    stretches.push({ t0, t1, x0: x, x1: x + px });
    x += px;
  });
  return { width: x, stretches, gaps, x: (t) => locate(t, stretches, gaps) };
}

/** runs of times with no gap over gapMs, as [first, last] */
function activeSpans(sorted: readonly number[], gapMs: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const t of sorted) {
    const last = spans[spans.length - 1];
    if (last !== undefined && t - last[1] <= gapMs) last[1] = t;
    else spans.push([t, t]);
  }
  return spans;
}

/** widths proportional to duration on one shared scale (k px per ms), none under MIN_STRETCH_PX */
function stretchWidths(durations: number[], available: number): { widths: number[]; k: number } {
  let narrow = new Set<number>();
  let k = 0;
  for (let round = 0; round < durations.length + 1; round++) {
    const wideMs = durations.reduce((s, d, i) => (narrow.has(i) ? s : s + d), 0);
    const room = Math.max(available - narrow.size * MIN_STRETCH_PX, 0);
    k = wideMs > 0 ? room / wideMs : 0;
    const next = new Set(durations.flatMap((d, i) => (d * k < MIN_STRETCH_PX ? [i] : [])));
    if (next.size === narrow.size) break;
    narrow = next;
  }
  return { widths: durations.map((d) => Math.max(MIN_STRETCH_PX, d * k)), k };
}

function locate(t: number, stretches: Stretch[], gaps: Stretch[]): number {
  for (const s of stretches) if (t >= s.t0 && t <= s.t1) return within(t, s, PAD_PX);
  for (const g of gaps) if (t > g.t0 && t < g.t1) return within(t, g, 0);
  const first = stretches[0];
  const last = stretches[stretches.length - 1];
  if (first === undefined || last === undefined) return 0;
  return t < first.t0 ? first.x0 : last.x1;
}

function within(t: number, s: Stretch, pad: number): number {
  if (s.t1 === s.t0) return (s.x0 + s.x1) / 2;
  return s.x0 + pad + ((t - s.t0) / (s.t1 - s.t0)) * (s.x1 - s.x0 - 2 * pad);
}

/** tick times for one stretch: round numbers about every 90 px */
export function stretchTicks(s: Stretch): number[] {
  const px = s.x1 - s.x0;
  const dur = s.t1 - s.t0;
  if (dur <= 0) return [s.t0];
  const step = niceStep(dur / Math.max(1, Math.floor(px / 90)));
  const ticks: number[] = [];
  for (let t = Math.ceil(s.t0 / step) * step; t <= s.t1 + 1e-9; t += step) ticks.push(t);
  return ticks.length > 0 ? ticks : [s.t0];
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
