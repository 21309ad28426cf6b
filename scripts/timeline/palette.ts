// Colours, one per machine state and call outcome, so the same state reads the same everywhere.
import type { CallBar } from './model.ts';

export const HEALTH_COLORS: Record<string, string> = {
  idle: '#cfd8dc',
  connecting: '#90caf9',
  ready: '#66bb6a',
  suspect: '#ffb300',
  down: '#e53935',
  closed: '#78909c',
};

export const ROUTING_COLORS: Record<string, string> = {
  idle: '#cfd8dc',
  querying: '#42a5f5',
  polling: '#ab47bc',
  quiet: '#a5d6a7',
  backoff: '#ff7043',
  closed: '#78909c',
};

export const REQUEST_COLORS: Record<string, string> = {
  resolving: '#b0bec5',
  waitingRoute: '#ce93d8',
  connecting: '#90caf9',
  awaiting: '#4db6ac',
  awaitingLate: '#ffca28',
  retrying: '#f06292',
  backoff: '#ff8a65',
  succeeded: '#43a047',
  failed: '#e53935',
  // states of the demo's timeout-only request machine (demo/timeout-only-policy.ts)
  stranded: '#795548',
  waitingSession: '#9575cd',
};

const SPARE = ['#8d6e63', '#26c6da', '#d4e157', '#7e57c2', '#ec407a', '#9ccc65'];

/** a state no palette names (a machine changed since): a stable colour from its name */
export function stateColor(palette: Record<string, string>, state: string): string {
  const known = palette[state];
  if (known !== undefined) return known;
  let h = 0;
  for (const c of state) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return SPARE[h % SPARE.length]!;
}

export const OK_COLOR = '#43a047';
export const PENDING_COLOR = '#ffffff';
/** the fill of an outcome-unknown call: a hatch pattern defined once in the page */
export const UNKNOWN_FILL = 'url(#hatch-unknown)';
const ERROR_COLORS: Record<string, string> = { ERR_TIMEOUT: '#fb8c00', ERR_CLIENT_CLOSED: '#78909c' };
const OTHER_ERRORS = ['#d32f2f', '#8e24aa', '#6d4c41', '#c2185b', '#3949ab', '#00838f'];

export function errorColor(code: string): string {
  const known = ERROR_COLORS[code];
  if (known !== undefined) return known;
  let h = 0;
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return OTHER_ERRORS[h % OTHER_ERRORS.length]!;
}

export function callFill(c: CallBar): string {
  if (c.outcome === 'ok') return OK_COLOR;
  if (c.outcome === 'pending') return PENDING_COLOR;
  if (c.outcome === 'unknown') return UNKNOWN_FILL;
  return errorColor(c.code ?? 'error');
}

export const FAULT_COLOR = '#c62828';
export const CONFIG_COLOR = '#ef6c00';
export const ROUTE_COLOR = '#6a1b9a';
export const SEND_COLOR = '#1565c0';
export const RECV_COLOR = '#00897b';
export const VIOLATION_COLOR = '#d50000';
