// The hedge machine's kind: one instance per hedged read (CallSpec.hedge), beside the call's request
// machine. Its named actions say whether the call's primary is usable, choose a secondary, write
// the one backup request (is_backup_request) and forget it; the replies to it, the health of nodes
// and new routes come back to it as events. A backup answered OK settles the call through the
// request machine (BACKUP_OK): the first reply wins.
import { type HedgeEvent, NODE_HEALTH } from '../../machines/index.ts';
import type { ActionCommand } from '../executor/index.ts';
import { isLoaded, partitionOf } from '../routing/route-snapshot.ts';
import { decodeResult, type ResponseFrame } from '../wire/index.ts';
import { answered, endAttempt, sendBackup } from './attempts.ts';
import {
  type Attempt,
  type CallState,
  type CoreState,
  type HedgeState,
  healthOf,
  type MachineKind,
  type NodeState,
} from './core-state.ts';
import { primaryUsable } from './hedge-watch.ts';
import { afterStep, enqueue } from './machine-run.ts';
import { breakConnection, nodeOf } from './node-kind.ts';
import { backupCandidates } from './picker.ts';

export const HEDGE_KIND: MachineKind<HedgeState> = {
  machine: 'hedge',
  act: hedgeAction,
  afterStep: null,
  retire: retireHedge,
};

/**
 * A hedged read starts: its hedge instance, when the call asks for backups. Which reads may: the
 * caller's business (client/table.ts sets CallSpec.hedge only on reads a secondary can serve).
 */
export function startHedge(s: CoreState, call: CallState): void {
  const spec = call.spec.hedge;
  if (spec === undefined || (spec.delayMs === null && !spec.onSuspect)) return;
  const runner = s.runners.hedge;
  const [state, acts] = runner.machine.initial({
    delayMs: spec.delayMs,
    onSuspect: spec.onSuspect,
    attemptTimeoutMs: s.options.attemptTimeoutMs,
    deadlineMs: call.state.context.deadlineMs,
  });
  const hedge: HedgeState = {
    kind: 'hedge',
    runner,
    call,
    state,
    attempt: null,
    probe: null,
    burst: 0,
    burstAtMs: s.nowMs,
    timers: [],
  };
  call.hedge = hedge;
  s.hedges.add(hedge);
  afterStep(s, hedge, acts);
}

/** a few lookups per instant are normal; thousands mean a definition that answers itself forever */
const MAX_LOOKUPS_PER_INSTANT = 1000;

function countLookup(s: CoreState, hedge: HedgeState): void {
  if (hedge.burstAtMs !== s.nowMs) {
    hedge.burstAtMs = s.nowMs;
    hedge.burst = 0;
  }
  if (++hedge.burst > MAX_LOOKUPS_PER_INSTANT)
    throw new Error(`core: hedge machine of call ${hedge.call.spec.callId} loops without time passing`);
}

function hedgeAction(s: CoreState, hedge: HedgeState, a: ActionCommand): void {
  switch (a.type) {
    case 'checkPrimary':
      countLookup(s, hedge);
      enqueue(s, hedge, { type: 'PRIMARY', usable: primaryUsable(s, hedge.call) });
      break;
    case 'pickSecondary':
      countLookup(s, hedge);
      enqueue(s, hedge, pickSecondary(s, hedge.call));
      break;
    case 'sendBackup': {
      const p = a.params as { node: string; timeoutMs: number };
      const call = hedge.call;
      const partition = partitionOf(call.table.routes, call.spec.partitionHash);
      hedge.attempt = sendBackup(s, call, partition, nodeOf(s, p.node), p.timeoutMs);
      if (hedge.attempt === null)
        enqueue(s, hedge, { type: 'BACKUP_ERROR', error: 'ERR_INVALID_PARAMETERS' });
      break;
    }
    case 'forgetBackup':
      forget(s, hedge, (a.params as { outcome: string }).outcome);
      break;
    case 'adoptProbe': {
      const call = hedge.call;
      const primary = hedge.state.context.primary;
      const attempt = call.inFlight.find((x) => x.node.address === primary && x.record.outcome === null);
      if (attempt === undefined) break;
      // the call no longer waits for it (its record says so); the hedge keeps its pending entry
      answered(call, attempt);
      endAttempt(s, attempt.record, 'abandoned');
      hedge.probe = attempt;
      break;
    }
    case 'markSuspect': {
      const node = s.nodes.get((a.params as { node: string }).node);
      if (node !== undefined) enqueue(s, node, { type: 'ATTEMPT_TIMEOUT' });
      break;
    }
    default:
      throw new Error(`core: hedge machine emitted unknown action ${a.type}`);
  }
}

function forget(s: CoreState, hedge: HedgeState, outcome: string): void {
  const attempt = hedge.attempt;
  if (attempt === null) return;
  attempt.node.conn.pending.delete(attempt.seqid);
  endAttempt(s, attempt.record, outcome);
  hedge.attempt = null;
}

function retireHedge(s: CoreState, hedge: HedgeState): void {
  for (const entry of hedge.timers) s.timers.cancel(entry);
  hedge.timers.length = 0;
  // a machine that ends with its backup in flight must forget it itself (the kill suite checks that
  // every record is closed); this keeps the pending table clean, and ends the watch of a probe
  // (whose record was closed when it was adopted)
  if (hedge.attempt !== null) hedge.attempt.node.conn.pending.delete(hedge.attempt.seqid);
  if (hedge.probe !== null) hedge.probe.node.conn.pending.delete(hedge.probe.seqid);
  hedge.attempt = null;
  hedge.probe = null;
  s.hedges.delete(hedge);
  if (hedge.call.hedge === hedge) hedge.call.hedge = null;
}

/** a secondary of the call's partition for the backup, as the event the hedge machine understands */
function pickSecondary(s: CoreState, call: CallState): HedgeEvent {
  const routes = call.table.routes;
  if (!isLoaded(routes)) return { type: 'NO_BACKUP' };
  const candidates = backupCandidates(routes, partitionOf(routes, call.spec.partitionHash));
  const primary = call.state.context.node;
  // connected ones first, healthy before suspect (a suspect one may have recovered); with none
  // connected, every idle one is asked to connect (the backup goes out when the first is ready)
  const ready: NodeState[] = [];
  const suspect: NodeState[] = [];
  for (const address of candidates) {
    if (address === primary) continue;
    const node = nodeOf(s, address);
    const health = healthOf(node);
    if (health === NODE_HEALTH.ready) ready.push(node);
    else if (health === NODE_HEALTH.suspect) suspect.push(node);
    else if (health === NODE_HEALTH.idle) enqueue(s, node, { type: 'CONNECT' });
  }
  const tier = ready.length > 0 ? ready : suspect;
  if (tier.length === 0) return { type: 'NO_BACKUP' };
  // a random member spreads backups over the secondaries (the core's seeded draw)
  const node = tier[Math.floor(s.random.next() * tier.length)] ?? tier[0]!;
  return { type: 'BACKUP_READY', nowMs: s.nowMs, node: node.address };
}

/** a reply to a backup request: an error leaves the primary's path alone; a value settles the call */
export function onBackupReply(
  s: CoreState,
  node: NodeState,
  attempt: Attempt,
  frame: ResponseFrame,
): boolean {
  const call = attempt.call;
  const hedge = call.hedge;
  if (hedge === null || hedge.attempt !== attempt) return true;
  hedge.attempt = null;
  endAttempt(s, attempt.record, frame.error);
  if (frame.error !== 'ERR_OK') {
    enqueue(s, hedge, { type: 'BACKUP_ERROR', error: frame.error });
    return true;
  }
  let result: unknown;
  try {
    result = decodeResult(call.spec.rpc, frame.body);
  } catch (e) {
    breakConnection(s, node, e);
    return false;
  }
  // a primary's reply decoded in the same turn keeps its value (either is a value the read may return)
  if (call.result === undefined) call.result = result;
  // first the hedge hears of the primary attempt it may watch, then the call settles (and forgets
  // the attempts it still holds)
  const raced = call.inFlight.find((x) => x.record.outcome === null);
  const probeMs =
    raced === undefined ? 0 : Math.max(0, s.options.attemptTimeoutMs - (s.nowMs - raced.record.sentAtMs));
  enqueue(s, hedge, { type: 'BACKUP_WON', primary: raced?.node.address ?? '', probeMs });
  enqueue(s, call, { type: 'BACKUP_OK' });
  return true;
}

/** a reply to a watched primary attempt: dropped (the call settled), the probe ends */
export function onProbeReply(s: CoreState, attempt: Attempt): boolean {
  const hedge = attempt.call.hedge;
  if (hedge === null || hedge.probe !== attempt) return false;
  hedge.probe = null;
  enqueue(s, hedge, { type: 'PROBE_ANSWERED' });
  return true;
}
