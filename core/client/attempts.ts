// A call's attempts: writing one to a node under a fresh sequence id, forgetting those in flight,
// recording each one's outcome in the call's history, and one-way sends, which expect no reply and
// so leave nothing behind (no pending entry, no timer).
import { encodeRequest, encodeRequestParts, ProtocolError } from '../wire/index.ts';
import type { RequestHeader } from '../wire/types.ts';
import type { AttemptRecord } from './commands.ts';
import type { Attempt, CallState, CoreState, NodeState } from './core-state.ts';
import { emit } from './core-state.ts';
import type { CallSpec } from './events.ts';
import { enqueue } from './machine-run.ts';

/** the encoder's options per header version, made once (not an object per attempt) */
const ENCODE_OPTIONS = [{ headerVersion: 0 }, { headerVersion: 1 }] as const;

/** no attempt in flight */
export const NONE_IN_FLIGHT: readonly Attempt[] = Object.freeze([]);

/**
 * The header of the attempt being encoded, rewritten for each one: the encoder reads it
 * synchronously and keeps nothing, so one object serves every attempt.
 */
const ATTEMPT_HEADER: RequestHeader = {
  app_id: 0,
  partition_index: 0,
  client_timeout_ms: 1,
  partition_hash: 0n,
  is_backup_request: false,
};

function headerInto(
  h: RequestHeader,
  spec: CallSpec,
  appId: number,
  partition: number,
  timeoutMs: number,
  backup: boolean,
): RequestHeader {
  h.app_id = appId;
  h.partition_index = partition;
  // whole ms in i32 range, never 0: the server treats 0 as "drop always" (docs/PROTOCOL.md 9)
  h.client_timeout_ms = Math.max(1, Math.min(0x7fffffff, Math.floor(timeoutMs)));
  h.partition_hash = spec.partitionHash;
  h.is_backup_request = backup;
  return h;
}

/** the request header of an attempt: where it goes and the caller's remaining budget */
function headerOf(
  spec: CallSpec,
  appId: number,
  partition: number,
  timeoutMs: number,
  backup: boolean,
): RequestHeader {
  return headerInto({ ...ATTEMPT_HEADER }, spec, appId, partition, timeoutMs, backup);
}

/** writes one attempt of `call` to `node`; a request that cannot be encoded aborts the call */
export function sendAttempt(s: CoreState, call: CallState, node: NodeState, timeoutMs: number): void {
  const seqid = node.conn.allocateSeqid();
  let parts: Buffer[];
  try {
    const header = headerInto(
      ATTEMPT_HEADER,
      call.spec,
      call.table.routes.appId,
      call.partition,
      timeoutMs,
      false,
    );
    parts = encodeRequestParts(
      call.spec.rpc,
      seqid,
      call.spec.args as never,
      header,
      SPLIT_FROM_BYTES,
      ENCODE_OPTIONS[s.options.headerVersion],
    );
  } catch (e) {
    // Arguments are validated before a call reaches the core, so this is a bug: fail loudly, once.
    const code = e instanceof ProtocolError ? 'ERR_INVALID_PARAMETERS' : 'ERR_UNKNOWN';
    call.encodeError = e instanceof Error ? e.message : String(e);
    enqueue(s, call, { type: 'ABORT', error: code, unsent: true });
    return;
  }
  const record: AttemptRecord = { node: node.address, sentAtMs: s.nowMs, outcome: null, endedAtMs: null };
  const attempt: Attempt = { kind: 'attempt', call, node, seqid, record };
  node.conn.pending.set(seqid, attempt);
  call.inFlight = call.inFlight.length === 0 ? [attempt] : [...call.inFlight, attempt];
  call.attempts.push(record);
  // a large frame goes out as consecutive sends (its big values not copied), a normal one as one
  for (let i = 0; i < parts.length; i++) emit(s, { type: 'send', address: node.address, bytes: parts[i]! });
}

/**
 * Frames from this size on are sent in parts, their large blobs uncopied: copying a 64 MiB value
 * into one frame held the event loop for hundreds of ms, past the call's deadline. Below it (every
 * write under the default 1 MiB maxWriteBytes) a frame is one Buffer, one send.
 */
export const SPLIT_FROM_BYTES = 1024 * 1024 + 4096;

/**
 * Writes the backup request of a hedged read to `node` (a secondary): the same read with header v1
 * is_backup_request (docs/PROTOCOL.md 2.2, 10.1). It is registered on the node's connection like any
 * attempt and recorded in the call's history, but kept apart from `call.inFlight`: the request
 * machine's attempts and the hedge machine's backup are forgotten by their own machines.
 */
export function sendBackup(
  s: CoreState,
  call: CallState,
  partition: number,
  node: NodeState,
  timeoutMs: number,
): Attempt | null {
  const seqid = node.conn.allocateSeqid();
  let bytes: Buffer;
  try {
    const header = headerOf(call.spec, call.table.routes.appId, partition, timeoutMs, true);
    bytes = encodeRequest(
      call.spec.rpc,
      seqid,
      call.spec.args as never,
      header,
      ENCODE_OPTIONS[s.options.headerVersion],
    );
  } catch {
    // header v0 cannot carry the flag: the client refuses that before a call starts, so this only
    // guards the invariant; the primary's path goes on without a backup
    return null;
  }
  const record: AttemptRecord = {
    node: node.address,
    sentAtMs: s.nowMs,
    outcome: null,
    endedAtMs: null,
    backup: true,
  };
  const attempt: Attempt = { kind: 'attempt', call, node, seqid, record, backup: true };
  node.conn.pending.set(seqid, attempt);
  call.attempts.push(record);
  emit(s, { type: 'send', address: node.address, bytes });
  return attempt;
}

/** every attempt in flight is abandoned: a late reply to it is dropped */
export function forgetAttempts(s: CoreState, call: CallState): void {
  const inFlight = call.inFlight;
  for (let i = 0; i < inFlight.length; i++) {
    const attempt = inFlight[i]!;
    attempt.node.conn.pending.delete(attempt.seqid);
    endAttempt(s, attempt.record, 'abandoned');
  }
  call.inFlight = NONE_IN_FLIGHT;
}

/** `attempt` was answered: it is no longer in flight (the others keep their order) */
export function answered(call: CallState, attempt: Attempt): void {
  const list = call.inFlight;
  if (list.length === 1 && list[0] === attempt) call.inFlight = NONE_IN_FLIGHT;
  else call.inFlight = list.filter((a) => a !== attempt);
}

/** records an attempt's outcome, once (the first outcome stands) */
export function endAttempt(s: CoreState, record: AttemptRecord, outcome: string): void {
  if (record.outcome === null) {
    record.outcome = outcome;
    record.endedAtMs = s.nowMs;
  }
}

/** records `outcome` for every attempt in flight (on `node` only, when given) */
export function endInFlight(s: CoreState, call: CallState, outcome: string, node?: string): void {
  const inFlight = call.inFlight;
  for (let i = 0; i < inFlight.length; i++) {
    const attempt = inFlight[i]!;
    if (node === undefined || attempt.node.address === node) endAttempt(s, attempt.record, outcome);
  }
}

/**
 * A one-way message (clear_scanner) on `node`'s open connection: it is never answered, so nothing
 * waits for it (a sequence id is used, but no pending entry and no timer). Returns its record.
 */
export function sendOneWay(
  s: CoreState,
  spec: CallSpec,
  appId: number,
  partition: number,
  node: NodeState,
): AttemptRecord {
  const seqid = node.conn.allocateSeqid();
  const header = headerOf(spec, appId, partition, spec.timeoutMs, false);
  const bytes = encodeRequest(
    spec.rpc,
    seqid,
    spec.args as never,
    header,
    ENCODE_OPTIONS[s.options.headerVersion],
  );
  emit(s, { type: 'send', address: node.address, bytes });
  return { node: node.address, sentAtMs: s.nowMs, outcome: 'sent', endedAtMs: s.nowMs };
}
