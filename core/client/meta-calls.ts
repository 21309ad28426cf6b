// Admin calls to the meta servers (create / drop / list tables, list nodes, query_cfg for health)
// run on the request machine like data calls; only where an attempt goes and how meta's answer is
// judged differ, and both follow the rules of the routing machine's queries (docs/PROTOCOL.md 8):
// send to the remembered leader; follow a forwarded address; move to the next meta after a forward
// without one, a timeout or a lost connection; ask the same meta again, after a back-off, when it is
// not ready. They belong to no table: their CallSpec names ADMIN_TABLE, which no real table can be.
import type { RequestEvent } from '../../machines/index.ts';
import { NODE_HEALTH } from '../../machines/index.ts';
import { classifyError, rpcInfo } from '../wire/index.ts';
import type { QueryCfgResponse } from '../wire/types.ts';
import { type CallState, type CoreState, healthOf, observe } from './core-state.ts';
import { enqueue } from './machine-run.ts';
import { nodeOf } from './node-kind.ts';

/** the table name admin calls carry: empty, which the client refuses for a real table */
export const ADMIN_TABLE = '';

export function isMetaCall(call: CallState): boolean {
  return rpcInfo(call.spec.rpc).kind === 'meta';
}

/** the next meta in the configured (and learned) list becomes the leader guess */
export function rotateMeta(s: CoreState): void {
  s.metaLeader = (s.metaLeader + 1) % s.metas.length;
}

/** a forwarded leader address becomes the leader guess (added to the list when new) */
export function followLeader(s: CoreState, leader: string, table: string): void {
  let index = s.metas.indexOf(leader);
  if (index < 0) index = s.metas.push(leader) - 1;
  s.metaLeader = index;
  observe(s, { kind: 'leader', table, address: leader });
}

/**
 * Where a meta call's next attempt goes: the leader guess, or past it to the first meta not known
 * down. With every meta down the call waits (ROUTE_MISSING) until one is usable again.
 */
export function lookupMeta(s: CoreState, call: CallState): RequestEvent {
  call.partition = 0;
  for (let tried = 0; tried < s.metas.length; tried++) {
    const address = s.metas[s.metaLeader]!;
    const node = nodeOf(s, address);
    switch (healthOf(node)) {
      case NODE_HEALTH.ready:
      case NODE_HEALTH.suspect:
        return { type: 'ROUTE_READY', nowMs: s.nowMs, node: address };
      case NODE_HEALTH.idle:
        enqueue(s, node, { type: 'CONNECT' });
        return { type: 'ROUTE_CONNECTING', node: address };
      case NODE_HEALTH.connecting:
        return { type: 'ROUTE_CONNECTING', node: address };
      default:
        rotateMeta(s);
    }
  }
  return { type: 'ROUTE_MISSING' };
}

/**
 * Meta answered a call at RPC level with ERR_OK: the response struct's `err` decides. The event for
 * the call's request machine; a retryable answer moves the leader guess first when it should.
 */
export function judgeMetaAnswer(s: CoreState, call: CallState, result: unknown): RequestEvent {
  const err = (result as { err?: string }).err ?? 'ERR_OK';
  const cls = classifyError(err);
  const retry = (): RequestEvent => ({
    type: 'REPLY_ERROR',
    nowMs: s.nowMs,
    error: err,
    refresh: 'none',
    retry: 'always',
  });
  switch (cls.meta) {
    case 'ok':
      return { type: 'REPLY_OK' };
    case 'follow-leader': {
      // only query_cfg names the leader (in partitions[0]); other RPCs carry the error alone
      const first = (result as Partial<QueryCfgResponse>).partitions?.[0];
      let leader = first?.primary ?? '';
      if (leader === '' && first?.hp_primary !== undefined && first.hp_primary.type !== 0) {
        leader = `${first.hp_primary.host}:${first.hp_primary.port}`;
      }
      if (leader !== '') followLeader(s, leader, call.spec.table);
      else rotateMeta(s);
      return retry();
    }
    case 'retry-same-later':
      return retry();
    case 'next-meta':
      rotateMeta(s);
      return retry();
    default:
      // an answer about the request itself (ERR_APP_EXIST, ERR_OBJECT_NOT_FOUND, ...): the caller's
      return { type: 'REPLY_ERROR', nowMs: s.nowMs, error: err, refresh: 'none', retry: 'never' };
  }
}
