// Liveness and load checks over a finished scenario (sim/scenario.ts). Each returns violations.
import type { CoreOptions } from '../core/client/index.ts';
import { DEFAULT_OPTIONS } from '../core/client/index.ts';
import { partitionOfKey } from './call-specs.ts';
import { type ScenarioResult, type ScenarioSpec, TABLE, type Violation } from './scenario.ts';
import { IDEMPOTENT } from './workload.ts';

/**
 * How long after a partition becomes available again the client may take to use it: one attempt
 * timeout (a call stuck on a hung node notices), one poll cap (the refresh that sees the change),
 * and a margin for the round trips and the reconnect.
 */
export function recoveryBoundMs(
  o: Pick<CoreOptions, 'attemptTimeoutMs' | 'pollCapMs'> = DEFAULT_OPTIONS,
): number {
  return o.attemptTimeoutMs + o.pollCapMs + 100;
}

interface Change {
  atMs: number;
  primary: string;
  secondaries: readonly string[];
}

/** The partition's configuration at `atMs` and every change after it, from meta's history. */
function configTimeline(r: ScenarioResult, partition: number, atMs: number) {
  const appId = r.box.tables[TABLE]?.appId ?? 0;
  const changes = r.box.cluster.model.history.filter(
    (h) => h.appId === appId && h.partitionIndex === partition,
  );
  const later = changes.filter((h) => h.atMs > atMs);
  const current = r.box.cluster.model.partition(appId, partition);
  const at = later[0]?.previous ?? current;
  return {
    primary: at?.primary ?? '',
    secondaries: at?.secondaries ?? [],
    later: later.map(
      (h): Change => ({ atMs: h.atMs, primary: h.config.primary, secondaries: h.config.secondaries }),
    ),
  };
}

/**
 * Transparent failover (single replica fault of kind crash / coredump / hang-forever at F).
 * When the partition becomes usable again for an idempotent call, judged from meta's history:
 * - the faulty node was its primary at F: at the promotion of another node (none yet: exempt);
 * - it was a secondary and the call writes: when it is removed from the configuration (writes wait
 *   for every member) (not removed yet: exempt);
 * - otherwise: at once.
 * The call must succeed if its budget reaches past that moment (or its start) plus the bound.
 */
export function checkTransparentFailover(
  spec: ScenarioSpec,
  r: ScenarioResult,
  boundMs = recoveryBoundMs(),
): Violation[] {
  const out: Violation[] = [];
  if (spec.faults.length === 0) {
    // Nothing failed: every call whose budget covers the bound succeeds, idempotent or not.
    for (const c of r.calls) {
      if (c.timeoutMs >= boundMs && c.ok !== true) {
        out.push({
          invariant: 'no-fault-success',
          atMs: c.settleMs ?? c.deadlineMs,
          detail: `${c.op} call ${c.callId} failed with ${c.code} although nothing failed`,
        });
      }
    }
    return out;
  }
  const fault = spec.faults[0];
  if (fault === undefined || spec.faults.length !== 1) return out;
  const faulty = r.box.replicas[fault.node % r.box.replicas.length] ?? '';
  for (const c of r.calls) {
    if (!IDEMPOTENT[c.op] || c.timeoutMs < boundMs) continue;
    const p = partitionOfKey(c.key, spec.partitions);
    const t = configTimeline(r, p, fault.atMs);
    let usableMs: number | undefined = fault.atMs;
    if (t.primary === faulty) {
      usableMs = t.later.find((ch) => ch.primary !== '' && ch.primary !== faulty)?.atMs;
    } else if (t.secondaries.includes(faulty) && (c.op === 'set' || c.op === 'del')) {
      usableMs = t.later.find((ch) => ch.primary !== faulty && !ch.secondaries.includes(faulty))?.atMs;
    }
    if (usableMs === undefined || (c.deadlineMs > fault.atMs && usableMs > c.deadlineMs)) continue;
    const availableFromMs =
      c.atMs < fault.atMs && c.deadlineMs <= fault.atMs ? c.atMs : Math.max(c.atMs, usableMs);
    if (c.deadlineMs >= availableFromMs + boundMs && c.ok !== true) {
      out.push({
        invariant: 'transparent-failover',
        atMs: c.settleMs ?? c.deadlineMs,
        detail: `${c.op} call ${c.callId} on partition ${p} (start ${c.atMs}, deadline ${c.deadlineMs}) failed with ${c.code}; partition usable from ${availableFromMs}`,
      });
    }
  }
  return out;
}

/**
 * Routing converges: after the probe, each probed partition is routed to meta's current primary.
 * Ballots may differ: a change that keeps the primary (a secondary dropped or rejoined) does not
 * need a refresh, and the client refreshes only on demand.
 */
export function checkConvergence(r: ScenarioResult): Violation[] {
  return r.convergence
    .filter((c) => c.clientPrimary !== c.metaPrimary)
    .map((c) => ({
      invariant: 'routing-converges',
      atMs: r.box.sim.nowMs(),
      detail: `partition ${c.partition}: client routes to ${c.clientPrimary} @${c.clientBallot}, meta says ${c.metaPrimary} @${c.metaBallot}`,
    }));
}

/** the largest number of timestamps in any window of `windowMs` */
export function maxInWindow(timesMs: readonly number[], windowMs: number): number {
  const t = [...timesMs].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * Stated load bounds, whatever the faults: query rounds per table per second (the poll schedule
 * 80, 160, 200, 200 ms allows 6 in any second, 5 sustained), forwarded hops (one per round at most,
 * and only when a follower names the leader), and connection attempts per address per second
 * (reconnect back-off 50 ms doubling to a 1 s cap, jittered).
 */
export const LOAD_BOUNDS = { metaQueriesPerSecond: 6, connectsPerAddressPerSecond: 8 } as const;

export function checkBoundedLoad(r: ScenarioResult): Violation[] {
  const out: Violation[] = [];
  const q = maxInWindow(r.metaQueryTimesMs, 1000);
  if (q > LOAD_BOUNDS.metaQueriesPerSecond) {
    out.push({ invariant: 'bounded-load', atMs: 0, detail: `${q} meta query rounds within one second` });
  }
  // a round follows at most maxForwardHops forwards before backing off
  for (const hop of r.metaHopTimesMs) {
    const rounds = r.metaQueryTimesMs.filter((t) => t <= hop).length;
    const hops = r.metaHopTimesMs.filter((t) => t <= hop).length;
    if (hops > rounds * DEFAULT_OPTIONS.maxForwardHops) {
      out.push({
        invariant: 'bounded-load',
        atMs: hop,
        detail: `${hops} forwarded hops after ${rounds} rounds`,
      });
    }
  }
  for (const [address, times] of r.connectTimesMs) {
    const n = maxInWindow(times, 1000);
    if (n > LOAD_BOUNDS.connectsPerAddressPerSecond) {
      out.push({
        invariant: 'bounded-load',
        atMs: 0,
        detail: `${n} connects to ${address} within one second`,
      });
    }
  }
  return out;
}
