// The node-health machine's named actions: opening and closing the connection, failing or
// re-routing every call pending on a lost node, and waking whatever waits for a node to be usable.

import { NODE_HEALTH, REQUEST_STATE, ROUTING_STATE } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { primaryOf } from '../routing/index.ts';
import { ProtocolError } from '../wire/index.ts';
import { type CoreState, healthOf, type NodeState, requestStateOf, routingStateOf } from './core-state.ts';
import { observe } from './instances.ts';
import { enqueue } from './machine-run.ts';
import { writeQuery } from './table-actions.ts';

export function nodeAction(s: CoreState, node: NodeState, a: ActionCommand): void {
  switch (a.type) {
    case 'openConnection':
      node.conn.reset();
      s.out.push({ type: 'connect', address: node.address });
      break;
    case 'closeConnection':
      s.out.push({ type: 'disconnect', address: node.address });
      break;
    case 'failPending': {
      const { reason } = a.params as { reason: string };
      // Nobody waits on a dead node: every dependent call hears about it in this same step.
      for (const call of node.attached) {
        enqueue(s, call, { type: 'NODE_DOWN', nowMs: s.nowMs, node: node.address, reason });
      }
      for (const pending of node.conn.pending.values()) {
        if (pending.kind !== 'meta') continue;
        const table = s.tables.get(pending.table);
        if (table !== undefined && table.query?.address === node.address) {
          table.query = null;
          enqueue(s, table, { type: 'QUERY_FAILED', reason, jitter: s.random.next() });
        }
      }
      for (const table of node.metaWaiters) {
        enqueue(s, table, { type: 'QUERY_FAILED', reason, jitter: s.random.next() });
      }
      node.metaWaiters.clear();
      node.conn.reset();
      break;
    }
    case 'nodeUsable':
      onNodeUsable(s, node);
      break;
    case 'notifyHealth':
      observe(s, {
        kind: 'health',
        address: node.address,
        health: (a.params as { health: string }).health,
      });
      break;
    default:
      throw new Error(`core: node machine emitted unknown action ${a.type}`);
  }
}

export function onNodeUsable(s: CoreState, node: NodeState): void {
  for (const call of node.attached) {
    if (requestStateOf(call) === REQUEST_STATE.connecting) {
      enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary: node.address });
    }
  }
  for (const table of s.tables.values()) {
    for (const call of table.waiting) {
      if (call.partition >= 0 && primaryOf(table.routes, call.partition) === node.address) {
        enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary: node.address });
      }
    }
  }
  if (healthOf(node) === NODE_HEALTH.ready && node.metaWaiters.size > 0) {
    const waiters = [...node.metaWaiters];
    node.metaWaiters.clear();
    for (const table of waiters)
      if (routingStateOf(table) === ROUTING_STATE.querying && table.query === null)
        writeQuery(s, table, node);
  }
}

/** a malformed frame: close the connection with a protocol error; its calls re-route or fail */

export function breakConnection(s: CoreState, node: NodeState, cause: unknown): void {
  s.out.push({ type: 'disconnect', address: node.address });
  const reason = cause instanceof ProtocolError ? 'ERR_PROTOCOL' : 'ERR_UNKNOWN';
  enqueue(s, node, { type: 'CONNECTION_LOST', reason, jitter: s.random.next() });
}
