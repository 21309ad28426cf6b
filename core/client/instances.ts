// Machine instances are created on first use (a node per address, a table per name), and what the
// core reports for observation.

import { NO_ROUTES } from '../routing/index.ts';
import type { ObservedEvent } from './commands.ts';
import { Connection } from './connection.ts';
import type { CoreState, NodeState, TableState } from './core-state.ts';
import { afterStep } from './machine-run.ts';

export function observe(s: CoreState, event: ObservedEvent): void {
  s.out.push({ type: 'observe', event });
}

export function nodeOf(s: CoreState, address: string): NodeState {
  let node = s.nodes.get(address);
  if (node === undefined) {
    const o = s.options;
    const [state, acts] = s.machines.nodeHealth.initial({
      address,
      connectTimeoutMs: o.connectTimeoutMs,
      reconnectBackoffMs: o.reconnectBackoffMs,
      reconnectBackoffCapMs: o.reconnectBackoffCapMs,
    });
    node = {
      kind: 'node',
      address,
      state,
      conn: new Connection(o.maxFrameBytes),
      attached: new Set(),
      metaWaiters: new Set(),
      timers: [],
    };
    s.nodes.set(address, node);
    afterStep(s, node, acts);
  }
  return node;
}

export function tableOf(s: CoreState, name: string): TableState {
  let table = s.tables.get(name);
  if (table === undefined) {
    const o = s.options;
    const [state, acts] = s.machines.routingRefresh.initial({
      pollStartMs: o.pollStartMs,
      pollCapMs: o.pollCapMs,
      quietMs: o.quietMs,
      metaBackoffMs: o.metaBackoffMs,
      metaBackoffCapMs: o.metaBackoffCapMs,
      queryTimeoutMs: o.metaQueryTimeoutMs,
      maxForwardHops: o.maxForwardHops,
    });
    table = {
      kind: 'table',
      name,
      routes: NO_ROUTES,
      state,
      calls: new Set(),
      waiting: new Set(),
      query: null,
      fullRefresh: true,
      opens: new Map(),
      timers: [],
    };
    s.tables.set(name, table);
    afterStep(s, table, acts);
  }
  return table;
}
