// The whole chart as one inline SVG: axis on top, then the lanes stacked, with squeezed gaps,
// grid lines and violations drawn across all of them.
import { AXIS_H, drawAxis, drawGapBands, drawGrid } from './draw-axis.ts';
import { selectCalls } from './draw-calls.ts';
import { drawViolation } from './draw-points.ts';
import { clientLane, type Lane, nodeLane, requestLane, sectionRow, tableLane } from './lanes.ts';
import type { RequestRow, Timeline } from './model.ts';
import { attrs, el, text } from './svg.ts';
import { buildScale } from './time-scale.ts';

export const LABEL_W = 210;
const PLOT_X = LABEL_W + 8;
const VIOLATION_ROW_H = 16;
export const MAX_REQUEST_ROWS = 60;

export interface Chart {
  svg: string;
  /** what was capped or aggregated, to say so on the page */
  notes: string[];
}

export function drawChart(tl: Timeline): Chart {
  const distinct = new Set(tl.times).size;
  const scale = buildScale(tl.times, tl.start, tl.end, clamp(distinct * 4, 1200, 3200));
  const x = (t: number) => scale.x(t);
  const { shown, hidden } = selectCalls(tl.calls);
  const requests = selectRequests(tl);
  const notes: string[] = [];
  if (hidden > 0) notes.push(`${hidden} successful calls are not drawn (at most ${shown.length} call bars).`);
  if (requests.length < tl.requests.length)
    notes.push(
      `request machines of ${tl.requests.length - requests.length} calls are not drawn: shown are ${MAX_REQUEST_ROWS}, failed calls first, then those with the most state changes.`,
    );

  const lanes: Lane[] = [
    clientLane(shown, hidden, tl.frames, x),
    ...tl.nodes.map((n) => nodeLane(n, x)),
    ...tl.tables.map((t) => tableLane(t, x)),
    sectionRow(`request machines (${tl.requests.length})`),
    ...requests.map((r) => requestLane(r, x)),
  ];
  const top = AXIS_H + VIOLATION_ROW_H;
  let y = top;
  const backs: string[] = [];
  const body = lanes.map((lane, i) => {
    backs.push(laneBackground(lane, y, i, scale.width));
    const g = placeLane(lane, y);
    y += lane.height;
    return g;
  });
  const height = y + 8;
  const width = PLOT_X + scale.width + 16;
  const plot = (inner: string) => `<g transform="translate(${PLOT_X},0)">${inner}</g>`;
  const violations =
    tl.violations.length === 0
      ? text({ x: 8, y: AXIS_H + 11, class: 'no-violations' }, 'no violations')
      : text({ x: 8, y: AXIS_H + 11, class: 'violations-title' }, `${tl.violations.length} violation(s)`) +
        plot(tl.violations.map((v) => drawViolation(v, x, AXIS_H + 2, y - AXIS_H - 2, scale.width)).join(''));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" id="timeline"${attrs({ width, height, viewBox: `0 0 ${width} ${height}` })}>` +
    DEFS +
    backs.join('') +
    plot(drawGrid(scale, AXIS_H, y - AXIS_H) + drawGapBands(scale, AXIS_H, y - AXIS_H)) +
    drawAxis(scale, PLOT_X) +
    body.join('') +
    violations +
    '</svg>';
  return { svg, notes };
}

/** backgrounds sit below the grid and the squeezed-gap shading, the lane contents above them */
function laneBackground(lane: Lane, y: number, index: number, plotW: number): string {
  const section = lane.attrs['data-section'] !== undefined;
  const cls = section ? 'section-bg' : index % 2 === 0 ? 'lane-bg even' : 'lane-bg odd';
  return el('rect', { class: cls, x: 0, y, width: PLOT_X + plotW + 8, height: lane.height });
}

function placeLane(lane: Lane, y: number): string {
  const section = lane.attrs['data-section'] !== undefined;
  const label = section
    ? text({ x: 8, y: 14, class: 'section-label' }, lane.label)
    : text({ x: 8, y: lane.sub === '' ? 11 : 15, class: 'lane-label' }, lane.label) +
      (lane.sub === '' ? '' : text({ x: 8, y: 28, class: 'lane-sub' }, lane.sub));
  return el(
    'g',
    { class: section ? 'section-row' : 'lane', ...lane.attrs, transform: `translate(0,${y})` },
    undefined,
    `${label}<g transform="translate(${PLOT_X},0)">${lane.body}</g>`,
  );
}

/**
 * Past the cap, the request machines worth reading: failed calls first, then those that changed
 * state most often, then the longest-lived; drawn in call order.
 */
function selectRequests(tl: Timeline): RequestRow[] {
  if (tl.requests.length <= MAX_REQUEST_ROWS) return tl.requests;
  const failed = new Set(tl.calls.filter((c) => c.outcome !== 'ok').map((c) => c.id));
  const life = (r: RequestRow) => (r.states.at(-1)?.end ?? 0) - (r.states[0]?.start ?? 0);
  const ranked = [...tl.requests].sort(
    (a, b) =>
      Number(failed.has(b.callId)) - Number(failed.has(a.callId)) ||
      b.states.length - a.states.length ||
      life(b) - life(a),
  );
  const keep = new Set(ranked.slice(0, MAX_REQUEST_ROWS));
  return tl.requests.filter((r) => keep.has(r));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** the hatch of outcome-unknown calls and of fault durations */
const DEFS =
  '<defs>' +
  '<pattern id="hatch-unknown" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<rect width="6" height="6" fill="#5e35b1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9575cd" stroke-width="3"/></pattern>' +
  '<pattern id="hatch-fault" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<line x1="0" y1="0" x2="0" y2="8" stroke="#e53935" stroke-width="2" stroke-opacity="0.25"/></pattern>' +
  '</defs>';
