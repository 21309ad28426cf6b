// The scanner machine's kind: one instance per public scan iterator. Its named actions open a
// context (get_scanner), read the next batch (scan, pinned to the node holding the context), ask
// meta whether the table split before a segment is declared finished, hand batches to the consumer
// and clear the server's context (clear_scanner, one-way). Where a segment goes on after a lost
// context, and what a split makes of it, is scan-results.ts.
import { NODE_HEALTH } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { isLoaded } from '../routing/route-snapshot.ts';
import { type ScanResponse, StorageStatus } from '../wire/index.ts';
import type { GetScannerRequest } from '../wire/types.ts';
import { sendOneWay } from './attempts.ts';
import { startOwnedCall } from './call-kind.ts';
import type { CallFailure } from './commands.ts';
import {
  type CallState,
  type CoreState,
  emit,
  failure,
  healthOf,
  type MachineKind,
  type MetaQuery,
  type ScannerRun,
  type TableState,
} from './core-state.ts';
import type { CallSpec, ScanBatch, ScannerSpec } from './events.ts';
import { afterStep, enqueue } from './machine-run.ts';
import { acceptBatch, firstSegments, settleEnded, splitCurrent } from './scan-results.ts';
import { tableOf } from './table-kind.ts';

export const SCANNER_KIND: MachineKind<ScannerRun> = {
  machine: 'scanner',
  act: scannerAction,
  afterStep: null,
  retire: retireScanner,
};

/** clear_scanner needs no answer: this bounds nothing, it only fills the header's budget field */
const CLEAR_TIMEOUT_MS = 1000;

/** Failures of a scan after which the segment re-opens after its last key (the context is gone). */
const NOT_RESUMABLE: ReadonlySet<string> = new Set([
  'ERR_CLIENT_CLOSED',
  'ERR_ABORTED',
  'ERR_INVALID_PARAMETERS',
  'ERR_APP_NOT_EXIST',
  'ERR_UNKNOWN',
]);

/** the consumer of scanner `id` asks for its next batch (the first request creates the scanner) */
export function scanNext(s: CoreState, callId: number, id: number, spec: ScannerSpec | undefined): void {
  if (s.closed) {
    settleNextFailed(s, callId, failure('ERR_CLIENT_CLOSED', null, false, []));
    return;
  }
  const run = s.scanners.get(id);
  if (run !== undefined) {
    if (run.pendingNext !== null) {
      // one batch at a time: the public iterator never asks twice
      settleNextFailed(s, callId, failure('ERR_INVALID_STATE', 'a batch is already awaited', false, []));
      return;
    }
    run.pendingNext = callId;
    enqueue(s, run, { type: 'NEXT' });
    return;
  }
  if (spec === undefined) {
    // the scanner ended (done, failed or closed): nothing more comes
    emit(s, { type: 'settle', callId, ok: true, result: DONE, attempts: [] });
    return;
  }
  const table = tableOf(s, spec.table);
  const runner = s.runners.scanner;
  const [state, acts] = runner.machine.initial({ batchTimeoutMs: spec.batchTimeoutMs });
  const created: ScannerRun = {
    kind: 'scanner',
    runner,
    id,
    spec,
    table,
    segments: firstSegments(spec),
    ended: [],
    call: null,
    context: null,
    ready: [],
    pendingNext: callId,
    confirm: null,
    lastFailure: null,
    state,
    timers: [],
  };
  s.scanners.set(id, created);
  afterStep(s, created, acts);
}

/** the consumer stops */
export function scanClose(s: CoreState, id: number, error: string): void {
  const run = s.scanners.get(id);
  if (run !== undefined) enqueue(s, run, { type: 'CLOSE', error });
}

const DONE: ScanBatch = Object.freeze({ records: [], done: true }) as ScanBatch;

function scannerAction(s: CoreState, run: ScannerRun, a: ActionCommand): void {
  switch (a.type) {
    case 'openScanner':
      openScanner(s, run);
      break;
    case 'sendScan':
      sendScan(s, run);
      break;
    case 'confirmRoutes':
      confirmRoutes(s, run);
      break;
    case 'deliverBatch': {
      const batch: ScanBatch = { records: run.ready, done: false };
      run.ready = [];
      settleNext(s, run, batch);
      break;
    }
    case 'deliverDone':
      settleNext(s, run, DONE);
      break;
    case 'deliverError': {
      const { error } = a.params as { error: string };
      const callId = run.pendingNext;
      if (callId === null) break;
      run.pendingNext = null;
      const last = run.lastFailure;
      settleNextFailed(
        s,
        callId,
        failure(
          error,
          last !== null && last.code !== error ? last.code : (last?.cause ?? null),
          false,
          last?.attempts ?? [],
        ),
      );
      break;
    }
    case 'abandonCall': {
      const call = run.call;
      run.call = null;
      if (call !== null) enqueue(s, call, { type: 'ABORT', error: 'ERR_ABORTED' });
      break;
    }
    case 'clearScanner':
      clearContext(s, run);
      break;
    default:
      throw new Error(`core: scanner machine emitted unknown action ${a.type}`);
  }
}

/** the header hash of every request of the current segment: its partition index, or the hash key's hash */
function hashOf(run: ScannerRun): bigint {
  const seg = run.segments[0];
  return run.spec.hashScanHash ?? BigInt(seg === undefined ? 0 : seg.index);
}

/** what is left of the batch deadline (the machine's only timer) */
function remainingMs(s: CoreState, run: ScannerRun): number {
  const entry = run.timers[0];
  return entry === undefined ? run.spec.batchTimeoutMs : Math.max(1, entry.dueMs - s.nowMs);
}

function openScanner(s: CoreState, run: ScannerRun): void {
  run.context = null;
  const seg = run.segments[0]!;
  const spec = run.spec;
  const full = spec.hashScanHash === null;
  const args: GetScannerRequest = {
    start_key: seg.startKey,
    stop_key: spec.stopKey,
    start_inclusive: seg.startInclusive,
    stop_inclusive: spec.stopInclusive,
    batch_size: spec.batchSize,
    no_value: spec.noValue,
    hash_key_filter_type: spec.hashKeyFilterType,
    hash_key_filter_pattern: spec.hashKeyFilterPattern,
    sort_key_filter_type: spec.sortKeyFilterType,
    sort_key_filter_pattern: spec.sortKeyFilterPattern,
    // A resumed full scan is still a full scan (apache/incubator-pegasus#824 read it as a hash scan).
    validate_partition_hash: full,
    return_expire_ts: spec.returnExpireTs,
    full_scan: full,
  };
  startScanCall(s, run, 'RPC_RRDB_RRDB_GET_SCANNER', args, undefined, remainingMs(s, run));
}

function sendScan(s: CoreState, run: ScannerRun): void {
  const ctx = run.context;
  // the machine reads a batch only after a reply that left a context: anything else is a bug
  if (ctx === null) throw new Error('core: the scanner machine asked for a batch without a context');
  // One attempt's time at most: a hung node is left for the current primary soon.
  const timeoutMs = Math.min(remainingMs(s, run), s.options.attemptTimeoutMs);
  startScanCall(s, run, 'RPC_RRDB_RRDB_SCAN', { context_id: ctx.id }, ctx.node, timeoutMs);
}

function startScanCall(
  s: CoreState,
  run: ScannerRun,
  rpc: 'RPC_RRDB_RRDB_GET_SCANNER' | 'RPC_RRDB_RRDB_SCAN',
  args: GetScannerRequest | { context_id: bigint },
  pinnedNode: string | undefined,
  timeoutMs: number,
): void {
  const spec: CallSpec = {
    callId: s.nextOwnCallId--,
    table: run.spec.table,
    rpc,
    args: args as never,
    partitionHash: hashOf(run),
    idempotent: true,
    timeoutMs,
    ...(pinnedNode === undefined ? {} : { pinnedNode }),
  };
  const isScan = rpc === 'RPC_RRDB_RRDB_SCAN';
  const call: CallState = startOwnedCall(s, spec, (core, ok, result, fail) => {
    if (run.call !== call) return; // abandoned
    run.call = null;
    onReply(core, run, call, isScan, ok ? (result as ScanResponse) : null, fail);
  });
  // the call's first step may already have settled it (a request that cannot be encoded)
  if (call.state.status === 'active') run.call = call;
}

function onReply(
  s: CoreState,
  run: ScannerRun,
  call: CallState,
  isScan: boolean,
  r: ScanResponse | null,
  fail: CallFailure | null,
): void {
  if (r === null) {
    const f = fail ?? failure('ERR_UNKNOWN', null, false, call.attempts);
    run.lastFailure = f;
    enqueue(s, run, { type: 'CALL_FAILED', error: f.code, resumable: isScan && !NOT_RESUMABLE.has(f.code) });
    return;
  }
  if (r.error !== StorageStatus.Ok) {
    // status 1 on scan: the context is gone (expired, or its replica restarted or moved)
    const resumable = isScan && r.error === StorageStatus.NotFound;
    const code = `ERR_STORAGE_${r.error}`;
    run.lastFailure = failure(code, null, false, call.attempts);
    enqueue(s, run, { type: 'CALL_FAILED', error: code, resumable });
    return;
  }
  let node = '';
  for (const a of call.attempts) if (a.outcome === 'ERR_OK') node = a.node;
  run.context =
    r.context_id >= 0n ? { id: r.context_id, node, appId: r.app_id, partition: r.partition_index } : null;
  // a split the routes show now: the segment becomes its children before its records are judged
  const routes = run.table.routes;
  if (run.spec.hashScanHash === null && isLoaded(routes) && !splitCurrent(run, routes.partitionCount)) {
    failSplit(s, run, call);
    return;
  }
  run.ready = acceptBatch(run, r.kvs);
  enqueue(s, run, { type: 'BATCH', rows: run.ready.length, more: run.context !== null });
}

/** the table split more often during this scan than its segments can follow */
function failSplit(s: CoreState, run: ScannerRun, call: CallState): void {
  clearContext(s, run);
  run.lastFailure = failure(
    'ERR_SPLITTING',
    'the table split too often during the scan',
    false,
    call.attempts,
  );
  enqueue(s, run, { type: 'CALL_FAILED', error: 'ERR_SPLITTING', resumable: false });
}

/**
 * A segment ended. Before the scan counts as done, meta must answer a query sent after its segments
 * ended: a split that started meanwhile doubles the count, and a parent may already have stopped
 * returning its child's keys. One query at the end of the scanner's segments serves all of them (a
 * segment's per-class resume points keep). A hash scan's single partition cannot be split away.
 */
function confirmRoutes(s: CoreState, run: ScannerRun): void {
  const finished = run.segments.shift();
  if (run.spec.hashScanHash === null && finished !== undefined) run.ended.push(finished);
  if (run.segments.length > 0 || run.ended.length === 0) {
    enqueue(s, run, { type: 'ROUTES_CONFIRMED', segmentsLeft: run.segments.length > 0 });
    return;
  }
  run.confirm = { stale: run.table.query };
  enqueue(s, run.table, { type: 'REFRESH' });
}

/** meta answered `query` for `table` (called after its configuration was applied) */
export function routesAnswered(s: CoreState, table: TableState, query: MetaQuery): void {
  for (const run of s.scanners.values()) {
    if (run.table !== table || run.confirm === null) continue;
    if (run.confirm.stale === query) {
      // sent before the segments ended: its answer may predate a split; ask again
      run.confirm.stale = null;
      enqueue(s, table, { type: 'REFRESH' });
      continue;
    }
    run.confirm = null;
    if (!settleEnded(run, table.routes.partitionCount)) {
      run.lastFailure = failure('ERR_SPLITTING', 'the table split too often during the scan', false, []);
      enqueue(s, run, { type: 'CALL_FAILED', error: 'ERR_SPLITTING', resumable: false });
      continue;
    }
    enqueue(s, run, { type: 'ROUTES_CONFIRMED', segmentsLeft: run.segments.length > 0 });
  }
}

/** clear_scanner for the context the server holds, once; nothing if its node is not connected */
function clearContext(s: CoreState, run: ScannerRun): void {
  const ctx = run.context;
  run.context = null;
  if (ctx === null) return;
  const node = s.nodes.get(ctx.node);
  if (node === undefined) return;
  const h = healthOf(node);
  if (h !== NODE_HEALTH.ready && h !== NODE_HEALTH.suspect) return;
  const spec: CallSpec = {
    callId: 0,
    table: run.spec.table,
    rpc: 'RPC_RRDB_RRDB_CLEAR_SCANNER',
    args: ctx.id as never,
    partitionHash: hashOf(run),
    idempotent: true,
    timeoutMs: CLEAR_TIMEOUT_MS,
  };
  sendOneWay(s, spec, ctx.appId, ctx.partition, node);
}

/**
 * A get_scanner or scan reply nobody waits for any more (its call gave up on a hung node): the
 * context it opened would stay on the replica until it expires, so it is cleared at once.
 */
export function reapOrphanContext(s: CoreState, address: string, r: ScanResponse): void {
  if (r.error !== StorageStatus.Ok || r.context_id < 0n) return;
  const node = s.nodes.get(address);
  if (node === undefined) return;
  const spec: CallSpec = {
    callId: 0,
    table: '',
    rpc: 'RPC_RRDB_RRDB_CLEAR_SCANNER',
    args: r.context_id as never,
    partitionHash: BigInt(r.partition_index),
    idempotent: true,
    timeoutMs: CLEAR_TIMEOUT_MS,
  };
  sendOneWay(s, spec, r.app_id, r.partition_index, node);
}

function settleNext(s: CoreState, run: ScannerRun, batch: ScanBatch): void {
  const callId = run.pendingNext;
  if (callId === null) return;
  run.pendingNext = null;
  emit(s, { type: 'settle', callId, ok: true, result: batch, attempts: [] });
}

function settleNextFailed(s: CoreState, callId: number, f: CallFailure): void {
  emit(s, { type: 'settle', callId, ok: false, failure: f });
}

function retireScanner(s: CoreState, run: ScannerRun): void {
  for (const entry of run.timers) s.timers.cancel(entry);
  run.timers.length = 0;
  run.confirm = null;
  const call = run.call;
  run.call = null;
  if (call !== null) enqueue(s, call, { type: 'ABORT', error: 'ERR_ABORTED' });
  // every end settles the consumer's request first; this only guards the invariant
  if (run.pendingNext !== null) {
    settleNextFailed(s, run.pendingNext, failure('ERR_UNKNOWN', 'scanner ended', false, []));
    run.pendingNext = null;
  }
  s.scanners.delete(run.id);
}
