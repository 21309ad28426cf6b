// The routing machine's named actions: sending a meta query (to the current leader guess), giving
// it up, following a forwarded leader and rotating metas.

import { NODE_HEALTH } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { isLoaded } from '../routing/index.ts';
import { encodeRequest } from '../wire/index.ts';
import {
  type CoreState,
  failure,
  healthOf,
  type NodeState,
  QUERY_CFG,
  type TableState,
} from './core-state.ts';
import { nodeOf, observe } from './instances.ts';
import { enqueue } from './machine-run.ts';

export function tableAction(s: CoreState, table: TableState, a: ActionCommand): void {
  switch (a.type) {
    case 'sendQuery':
      sendQuery(s, table);
      break;
    case 'abandonQuery':
      if (table.query !== null) s.nodes.get(table.query.address)?.conn.pending.delete(table.query.seqid);
      table.query = null;
      for (const node of s.nodes.values()) node.metaWaiters.delete(table);
      break;
    case 'followLeader': {
      const { leader } = a.params as { leader: string };
      let index = s.metas.indexOf(leader);
      if (index < 0) index = s.metas.push(leader) - 1;
      s.metaLeader = index;
      observe(s, { kind: 'leader', table: table.name, address: leader });
      break;
    }
    case 'rotateMeta':
      s.metaLeader = (s.metaLeader + 1) % s.metas.length;
      break;
    case 'notifyRefresh':
      observe(s, { kind: 'refresh', table: table.name, phase: (a.params as { phase: string }).phase });
      break;
    default:
      throw new Error(`core: routing machine emitted unknown action ${a.type}`);
  }
}

// ---- actions' effects ----

export function sendQuery(s: CoreState, table: TableState): void {
  const address = s.metas[s.metaLeader]!;
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
        reason: 'ERR_SESSION_RESET',
        jitter: s.random.next(),
      });
  }
}

export function writeQuery(s: CoreState, table: TableState, node: NodeState): void {
  const seqid = node.conn.register({ kind: 'meta', table: table.name });
  const partitions = new Set<number>();
  if (isLoaded(table.routes) && !table.fullRefresh) {
    for (const call of table.waiting) if (call.partition >= 0) partitions.add(call.partition);
  }
  table.fullRefresh = false;
  const bytes = encodeRequest(
    QUERY_CFG,
    seqid,
    { app_name: table.name, partition_indices: [...partitions].sort((a, b) => a - b) },
    {
      app_id: 0,
      partition_index: 0,
      client_timeout_ms: Math.max(1, Math.floor(s.options.metaQueryTimeoutMs)),
      partition_hash: 0n,
      is_backup_request: false,
    },
    { headerVersion: s.options.headerVersion },
  );
  table.query = { address: node.address, seqid };
  s.out.push({ type: 'send', address: node.address, bytes });
}

export function failOpens(s: CoreState, table: TableState, code: string): void {
  for (const [requestId, entry] of table.opens) {
    s.timers.cancel(entry);
    s.out.push({ type: 'tableOpened', requestId, ok: false, failure: failure(code, null, false, []) });
  }
  table.opens.clear();
}

export function configOf(_s: CoreState, table: TableState) {
  return { app_id: table.routes.appId, partition_count: table.routes.partitionCount };
}
