// Fault requests (the control API's POST /fault body, and Onebox.fault()) and their validation.
// What each kind does is implemented by FaultInjector (fault-injector.ts).

/**
 * Process, link and leadership faults: what the simulation's random schedules draw from. Keep this
 * list and its order as it is: seeded schedules map draws onto it.
 */
export const NODE_FAULT_KINDS = [
  'crash',
  'hang',
  'coredump',
  'restart',
  'partition',
  'heal',
  'slow',
  'busy',
  'leader',
] as const;
/** Every fault kind the control API accepts. */
export const FAULT_KINDS = [...NODE_FAULT_KINDS, 'throttle-backup'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRequest {
  /** The target node's 'host:port'. */
  node: string;
  kind: FaultKind;
  /**
   * crash: restart after ms (optional); hang: resume after ms (optional, else until heal/restart);
   * coredump: hang this long, then crash (required); partition: heal after ms (optional);
   * slow: added latency per message (required); busy: ERR_BUSY for ms (optional, else until heal);
   * leader: the new leader stays not ready (ERR_SERVICE_NOT_ACTIVE) for ms (optional);
   * throttle-backup: backup requests are dropped without a reply for ms (optional, else until heal).
   */
  ms?: number;
}

export type FaultResult = { ok: true; message: string } | { ok: false; error: string };

const MS_REQUIRED: ReadonlySet<FaultKind> = new Set(['coredump', 'slow']);
const MAX_MS = 24 * 3600 * 1000;

function isFaultKind(s: unknown): s is FaultKind {
  return typeof s === 'string' && (FAULT_KINDS as readonly string[]).includes(s);
}

/** Checks the shape of a fault request (not whether the node exists). */
export function parseFaultRequest(body: unknown): FaultRequest | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'body must be a JSON object' };
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'node' && k !== 'kind' && k !== 'ms') return { error: `unknown field "${k}"` };
  }
  if (typeof o.node !== 'string' || o.node === '')
    return { error: '"node" must be a non-empty "host:port" string' };
  if (!isFaultKind(o.kind)) return { error: `"kind" must be one of ${FAULT_KINDS.join(', ')}` };
  const request: FaultRequest = { node: o.node, kind: o.kind };
  if (o.ms !== undefined) {
    if (typeof o.ms !== 'number' || !Number.isInteger(o.ms) || o.ms < 0 || o.ms > MAX_MS) {
      return { error: `"ms" must be an integer between 0 and ${MAX_MS}` };
    }
    request.ms = o.ms;
  } else if (MS_REQUIRED.has(o.kind)) {
    return { error: `"ms" is required for ${o.kind}` };
  }
  return request;
}
