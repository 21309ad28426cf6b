// Writing a table's meta query (query_cfg) on an open meta connection: only the partitions calls
// are waiting for, unless the whole table must be refreshed (docs/PROTOCOL.md 5.2).
import { isLoaded, partitionOf } from '../routing/route-snapshot.ts';
import { encodeRequest } from '../wire/index.ts';
import {
  type CoreState,
  emit,
  type MetaQuery,
  type NodeState,
  QUERY_CFG,
  type TableState,
} from './core-state.ts';

export function writeQuery(s: CoreState, table: TableState, node: NodeState): void {
  const seqid = node.conn.allocateSeqid();
  const query: MetaQuery = { kind: 'meta', table, node, seqid };
  node.conn.pending.set(seqid, query);
  const partitions = new Set<number>();
  if (isLoaded(table.routes) && !table.fullRefresh) {
    // the partition a waiting call needs under the routes held now: its index from its last lookup
    // is stale once the count or the app changed (traces/topology-*-stale-partition-after-recreate)
    for (const call of table.waiting) {
      if (call.partition >= 0) partitions.add(partitionOf(table.routes, call.spec.partitionHash));
    }
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
  table.query = query;
  emit(s, { type: 'send', address: node.address, bytes });
}
