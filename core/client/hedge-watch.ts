// What hedged reads hear about (hedge-kind.ts runs their machine): whether a call's primary is
// usable, told to the hedges that listen whenever a node's health or a table's routes change, and
// the loss of a backup's node. Apart from hedge-kind.ts so that node-kind.ts can tell them without
// importing what imports it.
import { HEDGE_STATE, NODE_HEALTH } from '../../machines/index.ts';
import { isLoaded, partitionOf } from '../routing/route-snapshot.ts';
import { endAttempt } from './attempts.ts';
import {
  type CallState,
  type CoreState,
  type HedgeState,
  healthOf,
  hedgeStateOf,
  type NodeState,
  type TableState,
} from './core-state.ts';
import { enqueue } from './machine-run.ts';

/**
 * The call's primary can be expected to answer: connected and not suspect, or never tried yet (a
 * first connection is no reason for a backup). Suspect, down, reconnecting after a failure, or no
 * primary in the routes: not usable.
 */
export function primaryUsable(s: CoreState, call: CallState): boolean {
  const routes = call.table.routes;
  if (!isLoaded(routes)) return true; // nothing is known yet: the call waits for routes either way
  const target = call.picker.pick(routes, partitionOf(routes, call.spec.partitionHash));
  if (target === null) return false;
  const node = s.nodes.get(target);
  if (node === undefined) return true;
  switch (healthOf(node)) {
    case NODE_HEALTH.ready:
      return true;
    case NODE_HEALTH.idle:
    case NODE_HEALTH.connecting:
      return node.state.context.failures === 0;
    default:
      return false;
  }
}

/** states in which a hedge listens to health and routes */
const LISTENING = new Set<string>([HEDGE_STATE.delaying, HEDGE_STATE.watching, HEDGE_STATE.standby]);

function tell(s: CoreState, hedge: HedgeState): void {
  if (LISTENING.has(hedgeStateOf(hedge))) {
    enqueue(s, hedge, { type: 'PRIMARY', usable: primaryUsable(s, hedge.call) });
  }
}

/** a node's health changed: a backup on it that was lost ends; hedges that listen look again */
export function hedgesOnHealth(s: CoreState, node: NodeState): void {
  if (s.hedges.size === 0) return;
  const health = healthOf(node);
  const lost = health === NODE_HEALTH.down || health === NODE_HEALTH.closed;
  for (const hedge of s.hedges) {
    const attempt = hedge.attempt;
    if (lost && attempt !== null && attempt.node === node) {
      endAttempt(s, attempt.record, 'ERR_SESSION_RESET');
      hedge.attempt = null;
      enqueue(s, hedge, { type: 'BACKUP_LOST' });
    } else if (lost && hedge.probe !== null && hedge.probe.node === node) {
      hedge.probe = null;
      enqueue(s, hedge, { type: 'BACKUP_LOST' });
    } else tell(s, hedge);
  }
}

/** the table's routes changed: its hedges that listen look again */
export function hedgesOnRoutes(s: CoreState, table: TableState): void {
  if (s.hedges.size === 0) return;
  for (const hedge of s.hedges) if (hedge.call.table === table) tell(s, hedge);
}

/** the call now waits for a primary: its hedge hears that the primary is lost */
export function hedgeOnWaiting(s: CoreState, call: CallState): void {
  if (call.hedge !== null) tell(s, call.hedge);
}
