// What arrives from the servers: frames matched to the call or meta query waiting for them,
// decoded, classified and fed to the owning machine; meta's configuration applied to a table.
import { applyAnswer, partitionOf } from '../routing/route-snapshot.ts';
import { classifyError, decodeResult, type ResponseFrame } from '../wire/index.ts';
import type { QueryCfgResponse, ScanResponse } from '../wire/types.ts';
import { answered, endAttempt } from './attempts.ts';
import {
  type Attempt,
  type CoreState,
  emit,
  type MetaQuery,
  type NodeState,
  observe,
  QUERY_CFG,
  type TableState,
} from './core-state.ts';
import { onBackupReply, onProbeReply } from './hedge-kind.ts';
import { hedgesOnRoutes } from './hedge-watch.ts';
import { enqueue } from './machine-run.ts';
import { isMetaCall, judgeMetaAnswer } from './meta-calls.ts';
import { breakConnection, usable } from './node-kind.ts';
import { reapOrphanContext, routesAnswered } from './scanner-kind.ts';
import { configOf } from './table-kind.ts';

export function onData(s: CoreState, address: string, bytes: Uint8Array): void {
  const node = s.nodes.get(address);
  if (node === undefined) return;
  const { frames, error } = node.conn.decoder.push(bytes);
  for (const frame of frames) {
    if (!onFrame(s, node, frame)) return;
  }
  if (error !== undefined) breakConnection(s, node, error);
}

/** returns false when the frame broke the connection */

export function onFrame(s: CoreState, node: NodeState, frame: ResponseFrame): boolean {
  const pending = node.conn.pending.get(frame.seqid);
  if (pending === undefined) {
    // e.g. an attempt already abandoned: drop its late reply (but not a scanner context it opened)
    if (frame.error === 'ERR_OK' && SCAN_ACKS.has(frame.name)) reapLate(s, node, frame);
    return true;
  }
  node.conn.pending.delete(frame.seqid);
  enqueue(s, node, REPLY_RECEIVED);
  if (pending.kind === 'meta') return onMetaReply(s, node, pending, frame);
  return onAttemptReply(s, node, pending, frame);
}

// Events without data, made once: machines read their events and never keep or change them.
const REPLY_RECEIVED = Object.freeze({ type: 'REPLY_RECEIVED' as const });
const REPLY_OK = Object.freeze({ type: 'REPLY_OK' as const });

const SCAN_ACKS: ReadonlySet<string> = new Set(['RPC_RRDB_RRDB_GET_SCANNER_ACK', 'RPC_RRDB_RRDB_SCAN_ACK']);

function reapLate(s: CoreState, node: NodeState, frame: ResponseFrame): void {
  let r: ScanResponse;
  try {
    r = decodeResult('RPC_RRDB_RRDB_SCAN', frame.body);
  } catch {
    return; // nobody waits for it: a malformed late reply is dropped like any other
  }
  reapOrphanContext(s, node.address, r);
}

function onAttemptReply(s: CoreState, node: NodeState, attempt: Attempt, frame: ResponseFrame): boolean {
  if (attempt.backup === true) return onBackupReply(s, node, attempt, frame);
  if (onProbeReply(s, attempt)) return true;
  const call = attempt.call;
  // an attempt leaves its connection's pending table when it is forgotten or its call retires, so
  // this only guards the invariant
  if (!call.inFlight.includes(attempt)) return true;
  answered(call, attempt);
  endAttempt(s, attempt.record, frame.error);
  if (frame.error !== 'ERR_OK') {
    const cls = classifyError(frame.error);
    enqueue(s, call, {
      type: 'REPLY_ERROR',
      nowMs: s.nowMs,
      error: frame.error,
      refresh: cls.refresh,
      retry: cls.retry,
    });
    return true;
  }
  try {
    call.result = decodeResult(call.spec.rpc, frame.body);
  } catch (e) {
    breakConnection(s, node, e);
    return false;
  }
  enqueue(s, call, isMetaCall(call) ? judgeMetaAnswer(s, call, call.result) : REPLY_OK);
  return true;
}

function onMetaReply(s: CoreState, node: NodeState, query: MetaQuery, frame: ResponseFrame): boolean {
  const table = query.table;
  if (table.query !== query) return true;
  table.query = null;
  if (frame.error !== 'ERR_OK') {
    enqueue(s, table, { type: 'QUERY_FAILED', reason: frame.error, answered: true, jitter: s.random.next() });
    return true;
  }
  let resp: QueryCfgResponse;
  try {
    resp = decodeResult(QUERY_CFG, frame.body);
  } catch (e) {
    enqueue(s, table, {
      type: 'QUERY_FAILED',
      reason: 'ERR_PROTOCOL',
      answered: true,
      jitter: s.random.next(),
    });
    breakConnection(s, node, e);
    return false;
  }
  switch (classifyError(resp.err).meta) {
    case 'ok':
      applyConfig(s, table, resp);
      routesAnswered(s, table, query);
      break;
    case 'follow-leader': {
      const first = resp.partitions[0];
      let leader = first?.primary ?? '';
      if (leader === '' && first?.hp_primary !== undefined && first.hp_primary.type !== 0) {
        leader = `${first.hp_primary.host}:${first.hp_primary.port}`;
      }
      if (leader !== '') enqueue(s, table, { type: 'QUERY_FORWARDED', leader });
      else
        enqueue(s, table, {
          type: 'QUERY_FAILED',
          reason: resp.err,
          answered: true,
          jitter: s.random.next(),
        });
      break;
    }
    case 'retry-same-later':
      enqueue(s, table, { type: 'QUERY_NOT_ACTIVE', jitter: s.random.next() });
      break;
    case 'table-missing':
    case 'table-busy': {
      // The table does not exist (or is being created/dropped): the routing machine decides. The
      // cause is meta's own answer, from this meta only (earlier failures of others are moot).
      table.metaFailures.clear();
      table.metaFailures.set(node.address, resp.err);
      enqueue(s, table, {
        type: 'TABLE_GONE',
        code: resp.err === 'ERR_OBJECT_NOT_FOUND' ? 'ERR_APP_NOT_EXIST' : resp.err,
      });
      break;
    }
    default:
      enqueue(s, table, { type: 'QUERY_FAILED', reason: resp.err, answered: true, jitter: s.random.next() });
  }
  return true;
}

function applyConfig(s: CoreState, table: TableState, resp: QueryCfgResponse): void {
  const update = applyAnswer(table.routes, resp);
  if (update.kind === 'rejected') {
    // a count no table can have: nothing is learned from this answer (docs/PROTOCOL.md 7.3)
    enqueue(s, table, {
      type: 'QUERY_FAILED',
      reason: 'ERR_INVALID_DATA',
      answered: true,
      jitter: s.random.next(),
    });
    return;
  }
  const routes = update.snapshot;
  table.routes = routes;
  // A new count or app id learned from an answer about some partitions only: everything else cached
  // is gone or re-indexed, so the next query asks for the whole table.
  if (update.kind === 'recreated' || update.kind === 'split' || update.kind === 'cancelSplit') {
    if (routes.partitions.filter((r) => r !== undefined).length < routes.partitionCount)
      table.fullRefresh = true;
  }
  const { changed } = update;
  if (changed.length > 0 || update.moveAll) {
    observe(s, {
      kind: 'routing',
      table: table.name,
      appId: routes.appId,
      partitionCount: routes.partitionCount,
      changed: changed.map((index) => {
        const r = routes.partitions[index];
        return { index, ballot: r?.ballot ?? -1n, primary: r?.primary ?? '' };
      }),
    });
  }
  const moved = new Set(changed);
  // Calls in flight on a partition that moved go to its new primary at once (idempotent ones).
  for (const call of table.calls) {
    if (call.attached === null || call.waiting) continue;
    if (!update.moveAll && !moved.has(call.partition)) continue;
    const p = partitionOf(routes, call.spec.partitionHash);
    enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary: call.picker.pick(routes, p) });
  }
  let stillWaiting = false;
  for (const call of table.waiting) {
    const p = partitionOf(routes, call.spec.partitionHash);
    const primary = call.picker.pick(routes, p);
    if (primary !== null && usable(s, primary)) {
      enqueue(s, call, { type: 'ROUTE_CHANGED', nowMs: s.nowMs, primary });
    } else {
      stillWaiting = true;
    }
  }
  for (const [requestId, entry] of table.opens) {
    s.timers.cancel(entry);
    emit(s, { type: 'tableOpened', requestId, ok: true, config: configOf(table) });
  }
  table.opens.clear();
  table.metaFailures.clear();
  enqueue(s, table, { type: 'QUERY_OK', waiting: stillWaiting, jitter: s.random.next() });
  // a cancelled split moves the reads of the dropped partitions to others even when no entry changed
  if (changed.length > 0 || update.moveAll || update.kind === 'cancelSplit') hedgesOnRoutes(s, table);
}
