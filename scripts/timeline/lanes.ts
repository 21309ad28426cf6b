// One lane per actor: the client, every node, every table's routing, every call's request
// machine. A lane is a labelled horizontal strip; its body is drawn in plot coordinates.
import { CALL_ROW_H, drawCalls, packCalls } from './draw-calls.ts';
import { drawFrames, FRAME_ROW_H } from './draw-frames.ts';
import { CONFIG_STYLE, drawFaults, drawPoints, LOSS_STYLE, ROUTE_STYLE } from './draw-points.ts';
import { drawStateBand } from './draw-states.ts';
import type { CallBar, FrameMark, NodeLane, RequestRow, TableLane } from './model.ts';
import { HEALTH_COLORS, REQUEST_COLORS, ROUTING_COLORS } from './palette.ts';
import type { Attrs } from './svg.ts';

export interface Lane {
  attrs: Attrs;
  label: string;
  sub: string;
  height: number;
  body: string;
}

type X = (t: number) => number;

export function clientLane(calls: CallBar[], hidden: number, frames: FrameMark[], x: X): Lane {
  const rows = packCalls(calls, x);
  const rowCount = Math.max(1, ...[...rows.values()].map((r) => r + 1));
  const framesY = rowCount * CALL_ROW_H + 6;
  const sub = `${calls.length} calls${hidden > 0 ? ` (+${hidden} ok not drawn)` : ''}, ${frames.length} frames`;
  return {
    attrs: { 'data-lane': 'client' },
    label: 'client',
    sub,
    height: framesY + FRAME_ROW_H + 2,
    body: drawCalls(rows, x, 4) + drawFrames(frames, x, framesY),
  };
}

export function nodeLane(n: NodeLane, x: X): Lane {
  const height = 62;
  return {
    attrs: { 'data-lane': 'node', 'data-node': n.address, 'data-role': n.role },
    label: n.address,
    sub: `${n.role} · ${n.frames.length} frames${n.faults.length > 0 ? ` · ${n.faults.length} faults` : ''}`,
    height,
    body:
      drawFaults(n.faults, x, height) +
      drawStateBand(n.health, x, {
        machine: 'node',
        owner: `health of ${n.address}`,
        palette: HEALTH_COLORS,
        y: 15,
        h: 13,
      }) +
      drawPoints(n.losses, x, 21.5, LOSS_STYLE) +
      drawFrames(n.frames, x, 30),
  };
}

export function tableLane(t: TableLane, x: X): Lane {
  return {
    attrs: { 'data-lane': 'routing', 'data-table': t.table },
    label: `routing: ${t.table}`,
    sub: `${t.queries.length} meta frames · ${t.configs.length} configs · ${t.routes.length} routes`,
    height: 92,
    body:
      drawPoints(t.configs, x, 10, CONFIG_STYLE) +
      drawPoints(t.routes, x, 33, ROUTE_STYLE) +
      drawStateBand(t.states, x, {
        machine: 'routing',
        owner: `routing of ${t.table}`,
        palette: ROUTING_COLORS,
        y: 46,
        h: 13,
      }) +
      drawFrames(t.queries, x, 60),
  };
}

export function requestLane(r: RequestRow, x: X): Lane {
  return {
    attrs: { 'data-lane': 'request', 'data-call': r.callId },
    label: r.label,
    sub: '',
    height: 15,
    body: drawStateBand(r.states, x, {
      machine: 'request',
      owner: `request ${r.label}`,
      palette: REQUEST_COLORS,
      y: 1.5,
      h: 12,
    }),
  };
}

/** a heading row between groups of lanes */
export function sectionRow(title: string): Lane {
  return { attrs: { 'data-section': title }, label: title, sub: '', height: 20, body: '' };
}
