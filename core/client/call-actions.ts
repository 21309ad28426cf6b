// The request machine's named actions: route lookup, writing an attempt, forgetting it, asking for a
// refresh, invalidating a route, marking a node suspect, and settling the call.
import { NODE_HEALTH, type RequestEvent } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { invalidateAll, invalidatePartition, isLoaded, partitionOf, primaryOf } from '../routing/index.ts';
import { encodeRequest, ProtocolError } from '../wire/index.ts';
import { type CallState, type CoreState, failure, healthOf } from './core-state.ts';
import { nodeOf } from './instances.ts';
import { enqueue } from './machine-run.ts';

export function callAction(s: CoreState, call: CallState, a: ActionCommand): void {
  switch (a.type) {
    case 'lookupRoute':
      enqueue(s, call, lookup(s, call));
      break;
    case 'sendAttempt':
      sendAttempt(s, call, a.params as { node: string; timeoutMs: number });
      break;
    case 'forgetAttempt':
      if (call.attempt !== null) {
        s.nodes.get(call.attempt.address)?.conn.pending.delete(call.attempt.seqid);
        call.attempt = null;
        endAttempt(s, call, 'abandoned');
      }
      break;
    case 'requestRefresh':
      enqueue(s, call.table, { type: 'REFRESH' });
      break;
    case 'invalidateRoute': {
      const { scope } = a.params as { scope: string };
      const table = call.table;
      if (scope === 'table') {
        table.routes = invalidateAll(table.routes);
        table.fullRefresh = true;
      } else if (call.partition >= 0) table.routes = invalidatePartition(table.routes, call.partition);
      break;
    }
    case 'markSuspect': {
      endAttempt(s, call, 'ERR_TIMEOUT');
      const node = s.nodes.get((a.params as { node: string }).node);
      if (node !== undefined) enqueue(s, node, { type: 'ATTEMPT_TIMEOUT' });
      break;
    }
    case 'settleOk':
      s.out.push({
        type: 'settle',
        callId: call.spec.callId,
        ok: true,
        result: call.result,
        attempts: call.attempts,
      });
      break;
    case 'settleError': {
      const p = a.params as { error: string; cause: string | null; outcomeUnknown: boolean };
      endAttempt(s, call, p.error);
      s.out.push({
        type: 'settle',
        callId: call.spec.callId,
        ok: false,
        failure: failure(p.error, call.encodeError ?? p.cause, p.outcomeUnknown, call.attempts),
      });
      break;
    }
    default:
      throw new Error(`core: request machine emitted unknown action ${a.type}`);
  }
}

export function lookup(s: CoreState, call: CallState): RequestEvent {
  const routes = call.table.routes;
  if (!isLoaded(routes)) return { type: 'ROUTE_MISSING' };
  call.partition = partitionOf(routes, call.spec.partitionHash);
  const primary = primaryOf(routes, call.partition);
  if (primary === null) return { type: 'ROUTE_MISSING' };
  const node = nodeOf(s, primary);
  switch (healthOf(node)) {
    case NODE_HEALTH.ready:
    case NODE_HEALTH.suspect:
      return { type: 'ROUTE_READY', nowMs: s.nowMs, node: primary };
    case NODE_HEALTH.idle:
      enqueue(s, node, { type: 'CONNECT' });
      return { type: 'ROUTE_CONNECTING', node: primary };
    case NODE_HEALTH.connecting:
      return { type: 'ROUTE_CONNECTING', node: primary };
    default:
      // Known down: never send to it; wait for a new primary or for the node to come back.
      return { type: 'ROUTE_MISSING' };
  }
}

export function usable(s: CoreState, address: string): boolean {
  const node = s.nodes.get(address);
  if (node === undefined) return true;
  const health = healthOf(node);
  return health !== NODE_HEALTH.down && health !== NODE_HEALTH.closed;
}

export function sendAttempt(s: CoreState, call: CallState, p: { node: string; timeoutMs: number }): void {
  const node = nodeOf(s, p.node);
  const seqid = node.conn.register({ kind: 'call', callId: call.spec.callId });
  let bytes: Buffer;
  try {
    bytes = encodeRequest(
      call.spec.rpc,
      seqid,
      call.spec.args as never,
      {
        app_id: call.table.routes.appId,
        partition_index: call.partition,
        // whole ms in i32 range, never 0: the server treats 0 as "drop always" (WIRE.md 10)
        client_timeout_ms: Math.max(1, Math.min(0x7fffffff, Math.floor(p.timeoutMs))),
        partition_hash: call.spec.partitionHash,
        is_backup_request: call.spec.backupRequest === true,
      },
      { headerVersion: s.options.headerVersion },
    );
  } catch (e) {
    // Arguments are validated before a call reaches the core, so this is a bug: fail loudly, once.
    node.conn.pending.delete(seqid);
    const code = e instanceof ProtocolError ? 'ERR_INVALID_PARAMETERS' : 'ERR_UNKNOWN';
    call.encodeError = e instanceof Error ? e.message : String(e);
    enqueue(s, call, { type: 'ABORT', error: code });
    return;
  }
  call.attempt = { address: p.node, seqid };
  call.attempts.push({ node: p.node, sentAtMs: s.nowMs, outcome: null, endedAtMs: null });
  s.out.push({ type: 'send', address: p.node, bytes });
}

export function endAttempt(s: CoreState, call: CallState, outcome: string): void {
  const last = call.attempts[call.attempts.length - 1];
  if (last !== undefined && last.outcome === null) {
    last.outcome = outcome;
    last.endedAtMs = s.nowMs;
  }
}
