// The node-health machine's kind: one instance per server address, created on first use. Its named
// actions open and close the connection, fail or re-route every call pending on a lost node, and
// wake whatever waits for a node to be usable.
import { NODE_HEALTH, REQUEST_STATE, ROUTING_STATE } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { ProtocolError, rpcInfo } from '../wire/index.ts';
import { Connection } from './connection.ts';
import {
  type CoreState,
  callIdOf,
  emit,
  healthOf,
  type MachineKind,
  type NodeState,
  observe,
  type PendingReply,
  requestStateOf,
  routingStateOf,
} from './core-state.ts';
import { hedgesOnHealth } from './hedge-watch.ts';
import { IdSet } from './id-table.ts';
import { afterStep, enqueue } from './machine-run.ts';
import { writeQuery } from './meta-query.ts';

export const NODE_KIND: MachineKind<NodeState> = {
  machine: 'nodeHealth',
  act: nodeAction,
  afterStep: null,
  retire: null,
};

export function nodeOf(s: CoreState, address: string): NodeState {
  let node = s.nodes.get(address);
  if (node === undefined) {
    const o = s.options;
    const runner = s.runners.node;
    const [state, acts] = runner.machine.initial({
      address,
      connectTimeoutMs: o.connectTimeoutMs,
      reconnectBackoffMs: o.reconnectBackoffMs,
      reconnectBackoffCapMs: o.reconnectBackoffCapMs,
    });
    node = {
      kind: 'node',
      runner,
      address,
      state,
      conn: new Connection<PendingReply>(o.maxFrameBytes),
      attached: new IdSet(callIdOf),
      metaWaiters: new Set(),
      lastFailure: null,
      timers: [],
    };
    s.nodes.set(address, node);
    afterStep(s, node, acts);
  }
  return node;
}

function nodeAction(s: CoreState, node: NodeState, a: ActionCommand): void {
  switch (a.type) {
    case 'openConnection':
      node.conn.reset();
      node.lastFailure = null;
      emit(s, { type: 'connect', address: node.address });
      break;
    case 'closeConnection':
      emit(s, { type: 'disconnect', address: node.address });
      break;
    case 'failPending': {
      const { reason } = a.params as { reason: string };
      node.lastFailure ??= reason;
      // Nobody waits on a dead node: every dependent call hears about it in this same step.
      for (const call of node.attached) {
        enqueue(s, call, { type: 'NODE_DOWN', nowMs: s.nowMs, node: node.address, reason });
      }
      for (const pending of node.conn.pending.values()) {
        if (pending.kind !== 'meta') continue;
        const table = pending.table;
        if (table.query?.node === node) {
          table.query = null;
          enqueue(s, table, { type: 'QUERY_FAILED', reason, answered: false, jitter: s.random.next() });
        }
      }
      for (const table of node.metaWaiters) {
        enqueue(s, table, { type: 'QUERY_FAILED', reason, answered: false, jitter: s.random.next() });
      }
      node.metaWaiters.clear();
      node.conn.reset();
      // a backup or a watched attempt on it ends too (also at close(), where no health is notified)
      hedgesOnHealth(s, node);
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
      hedgesOnHealth(s, node);
      break;
    default:
      throw new Error(`core: node machine emitted unknown action ${a.type}`);
  }
}

function onNodeUsable(s: CoreState, node: NodeState): void {
  for (const call of node.attached) {
    if (requestStateOf(call) === REQUEST_STATE.connecting) {
      enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary: node.address });
    }
  }
  const isMeta = s.metas.includes(node.address);
  for (const table of s.tables.values()) {
    for (const call of table.waiting) {
      // an admin call waits for any meta (rpcInfo, not meta-calls.ts: that module imports this one)
      if (isMeta && rpcInfo(call.spec.rpc).kind === 'meta') {
        enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary: node.address });
      } else if (call.partition >= 0 && call.picker.pick(table.routes, call.partition) === node.address) {
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

/** a node calls may be sent to: not known down (an address never used counts as usable) */
export function usable(s: CoreState, address: string): boolean {
  const node = s.nodes.get(address);
  if (node === undefined) return true;
  const health = healthOf(node);
  return health !== NODE_HEALTH.down && health !== NODE_HEALTH.closed;
}

/** a malformed frame: close the connection with a protocol error; its calls re-route or fail */
export function breakConnection(s: CoreState, node: NodeState, cause: unknown): void {
  emit(s, { type: 'disconnect', address: node.address });
  const reason = cause instanceof ProtocolError ? 'ERR_PROTOCOL' : 'ERR_UNKNOWN';
  enqueue(s, node, { type: 'CONNECTION_LOST', reason, jitter: s.random.next() });
}
