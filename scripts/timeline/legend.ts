// The legend: every colour and marker the chart uses, call outcomes limited to those present.
import type { Timeline } from './model.ts';
import {
  CONFIG_COLOR,
  errorColor,
  FAULT_COLOR,
  HEALTH_COLORS,
  OK_COLOR,
  RECV_COLOR,
  REQUEST_COLORS,
  ROUTE_COLOR,
  ROUTING_COLORS,
  SEND_COLOR,
  VIOLATION_COLOR,
} from './palette.ts';
import { esc } from './svg.ts';

export function legendHtml(tl: Timeline): string {
  const codes = [
    ...new Set(tl.calls.flatMap((c) => (c.outcome === 'error' && c.code !== null ? [c.code] : []))),
  ];
  const outcomes = [
    swatch(OK_COLOR, 'ok'),
    ...codes.sort().map((c) => swatch(errorColor(c), c)),
    swatch('', 'outcome unknown', 'unknown'),
    swatch('#ffffff', 'never settled'),
    item('<span class="sw deadline"></span>', 'deadline'),
  ];
  const markers = [
    item(`<span class="sw tick" style="border-color:${SEND_COLOR}"></span>`, 'frame sent (up)'),
    item(`<span class="sw tick" style="border-color:${RECV_COLOR}"></span>`, 'frame received (down)'),
    item(`<span class="mk" style="color:${FAULT_COLOR}">▼</span>`, 'fault (shaded: its duration)'),
    item('<span class="mk">×</span>', 'connection lost'),
    item(`<span class="mk" style="color:${CONFIG_COLOR}">◆</span>`, 'meta config change'),
    item(`<span class="mk" style="color:${ROUTE_COLOR}">●</span>`, 'route learned by client'),
    item(`<span class="mk" style="color:${VIOLATION_COLOR}">⚑</span>`, 'violation'),
    item('<span class="sw gap"></span>', 'idle gap, squeezed (+ms)'),
  ];
  const states = (p: Record<string, string>) => Object.entries(p).map(([s, c]) => swatch(c, s));
  return `<div id="legend">
${row('calls', outcomes)}
${row('markers', markers)}
${row('node health', states(HEALTH_COLORS))}
${row('routing', states(ROUTING_COLORS))}
${row('request', states(REQUEST_COLORS))}
</div>`;
}

function row(title: string, items: string[]): string {
  return `<div class="legend-row"><b>${esc(title)}</b>${items.join('')}</div>`;
}

function swatch(color: string, label: string, cls = ''): string {
  const style = color === '' ? '' : ` style="background:${color}"`;
  return item(`<span class="sw ${cls}"${style}></span>`, label);
}

function item(mark: string, label: string): string {
  return `<span class="legend-item">${mark}${esc(label)}</span>`;
}
