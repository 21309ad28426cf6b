// The routing-refresh machine's kind: one instance per table, created on first use. Its named
// actions send a meta query (to the current leader guess), give it up, follow a forwarded leader and
// rotate metas.
import { NODE_HEALTH } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { NO_ROUTES } from '../routing/route-snapshot.ts';
import {
  type CoreState,
  callIdOf,
  emit,
  failure,
  healthOf,
  type MachineKind,
  observe,
  openFailure,
  type TableState,
} from './core-state.ts';
import { IdSet } from './id-table.ts';
import { afterStep, enqueue } from './machine-run.ts';
import { followLeader, rotateMeta } from './meta-calls.ts';
import { writeQuery } from './meta-query.ts';
import { nodeOf } from './node-kind.ts';

export const TABLE_KIND: MachineKind<TableState> = {
  machine: 'routingRefresh',
  act: tableAction,
  afterStep: null,
  retire: null,
};

export function tableOf(s: CoreState, name: string): TableState {
  let table = s.tables.get(name);
  if (table === undefined) {
    const o = s.options;
    const runner = s.runners.table;
    const [state, acts] = runner.machine.initial({
      pollStartMs: o.pollStartMs,
      pollCapMs: o.pollCapMs,
      quietMs: o.quietMs,
      metaBackoffMs: o.metaBackoffMs,
      metaBackoffCapMs: o.metaBackoffCapMs,
      queryTimeoutMs: o.metaQueryTimeoutMs,
      maxForwardHops: o.maxForwardHops,
      metaCount: s.metas.length,
    });
    table = {
      kind: 'table',
      runner,
      name,
      routes: NO_ROUTES,
      state,
      calls: new IdSet(callIdOf),
      waiting: new IdSet(callIdOf),
      query: null,
      fullRefresh: true,
      opens: new Map(),
      queriedMeta: '',
      metaFailures: new Map(),
      timers: [],
    };
    s.tables.set(name, table);
    afterStep(s, table, acts);
  }
  return table;
}

function tableAction(s: CoreState, table: TableState, a: ActionCommand): void {
  switch (a.type) {
    case 'sendQuery':
      sendQuery(s, table);
      break;
    case 'abandonQuery':
      if (table.query !== null) table.query.node.conn.pending.delete(table.query.seqid);
      table.query = null;
      for (const node of s.nodes.values()) node.metaWaiters.delete(table);
      break;
    case 'followLeader':
      followLeader(s, (a.params as { leader: string }).leader, table.name);
      break;
    case 'noteMetaFailure': {
      const { reason } = a.params as { reason: string };
      // a failed connection says more through why it failed (ECONNREFUSED, ENOTFOUND...), also when
      // the query found the node already down; a meta's own answer or a query timeout says itself
      const node = s.nodes.get(table.queriedMeta);
      const lost = reason === 'ERR_TIMEOUT' || node === undefined ? null : node.lastFailure;
      table.metaFailures.set(table.queriedMeta, lost ?? reason);
      break;
    }
    case 'giveUpOpens':
      failOpens(s, table, 'ERR_META_UNREACHABLE');
      break;
    case 'rotateMeta':
      rotateMeta(s);
      break;
    case 'notifyRefresh':
      observe(s, { kind: 'refresh', table: table.name, phase: (a.params as { phase: string }).phase });
      break;
    case 'forgetRoutes':
      table.routes = NO_ROUTES;
      table.fullRefresh = true;
      break;
    case 'failCalls': {
      const { code } = a.params as { code: string };
      // the cause: meta's own answer when this verdict was just given (not when it is reused)
      failOpens(s, table, code, table.metaFailures.get(table.queriedMeta) ?? null);
      for (const call of table.calls) enqueue(s, call, { type: 'ABORT', error: code });
      break;
    }
    default:
      throw new Error(`core: routing machine emitted unknown action ${a.type}`);
  }
}

function sendQuery(s: CoreState, table: TableState): void {
  const address = s.metas[s.metaLeader]!;
  table.queriedMeta = address;
  const node = nodeOf(s, address);
  switch (healthOf(node)) {
    case NODE_HEALTH.ready:
    case NODE_HEALTH.suspect:
      writeQuery(s, table, node);
      break;
    case NODE_HEALTH.idle:
      node.metaWaiters.add(table);
      enqueue(s, node, { type: 'CONNECT' });
      break;
    case NODE_HEALTH.connecting:
      node.metaWaiters.add(table);
      break;
    default:
      enqueue(s, table, {
        type: 'QUERY_FAILED',
        answered: false,
        reason: 'ERR_SESSION_RESET',
        jitter: s.random.next(),
      });
  }
}

/** every pending openTable of `table` fails with `code`, with what each meta said as its cause */
export function failOpens(s: CoreState, table: TableState, code: string, cause: string | null = null): void {
  for (const [requestId, entry] of table.opens) {
    s.timers.cancel(entry);
    emit(s, { type: 'tableOpened', requestId, ok: false, failure: openFailure(table, code, cause) });
  }
  table.opens.clear();
  table.metaFailures.clear();
}

/** settles one pending open (nothing if it already settled) */
export function failOpen(s: CoreState, table: TableState, requestId: number, code: string): void {
  const entry = table.opens.get(requestId);
  if (entry === undefined) return;
  s.timers.cancel(entry);
  table.opens.delete(requestId);
  emit(s, { type: 'tableOpened', requestId, ok: false, failure: failure(code, null, false, []) });
}

export function configOf(table: TableState) {
  return { app_id: table.routes.appId, partition_count: table.routes.partitionCount };
}
