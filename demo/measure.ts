// The report's numbers for one policy, computed from its trace (calls, settles, attempts, lost
// connections, meta's configuration changes and the fault). All times are ms on the trace's clock.
import type { TraceConfig, TraceRecord } from '../core/trace/index.ts';
import { type Attempt, type CallFact, callsFromTrace, connectionLostAt } from './calls-from-trace.ts';

export interface InFlightCall {
  id: number;
  rpc: string;
  partition: number;
  /** 'ok', an error code, or 'pending' (never settled) */
  outcome: string;
  outcomeUnknown: boolean;
  /** settle time relative to the fault */
  settledAfterFaultMs: number | null;
  /** its attempts, e.g. ':41001 ERR_TIMEOUT, :41002 ERR_OK' */
  attempts: string;
}

export interface Promotion {
  partition: number;
  t: number;
  primary: string;
  /** first successful call on this partition after the promotion */
  firstOkT: number | null;
}

export interface Window {
  fromT: number;
  toT: number;
  okPerSecond: number;
  errors: number;
}

export interface PolicyMeasures {
  target: string;
  faultT: number;
  /** the client saw its connection to the faulted node close (null: it never closed) */
  closeT: number | null;
  /** partitions whose primary was the faulted node */
  affected: number[];
  /** meta removed the faulted primary (first such change) */
  removalT: number | null;
  promotions: Promotion[];
  atFault: InFlightCall[];
  atClose: InFlightCall[];
  /** calls to the faulted node's partitions started during the outage (see `during`) */
  duringOutage: InFlightCall[];
  /** their latency (start to settle): median and max */
  outageLatencyMs: { median: number; max: number } | null;
  /** the gets among them (the reads a backup request can serve): median and p99 */
  outageGetLatencyMs: { median: number; p99: number } | null;
  /** backup requests sent over the run, and how many of them answered first with the value */
  backups: { sent: number; won: number };
  /** from the close (or the fault when nothing closed) to the first resend of a stuck call to another node */
  rerouteMs: number | null;
  rerouteFrom: 'close' | 'fault';
  /** calls written to the faulted node after the fault and never answered by it */
  stuckCalls: number;
  /** the slowest affected partition: promotion to its first success (null: some partition never recovered) */
  promotionToFirstOkMs: number | null;
  calls: number;
  ok: number;
  errors: Record<string, number>;
  before: Window;
  during: Window;
  after: Window;
}

const port = (a: string) => a.slice(a.lastIndexOf(':'));

/** ':41001 ERR_TIMEOUT x2, :41002 ERR_OK' (repeats folded) */
function attemptsText(attempts: Attempt[]): string {
  const parts: Array<{ text: string; n: number }> = [];
  for (const a of attempts) {
    const text = `${port(a.node)} ${a.outcome ?? '?'}`;
    const last = parts[parts.length - 1];
    if (last?.text === text) last.n++;
    else parts.push({ text, n: 1 });
  }
  return parts.map((p) => (p.n > 1 ? `${p.text} x${p.n}` : p.text)).join(', ');
}

function describe(c: CallFact, faultT: number): InFlightCall {
  return {
    id: c.id,
    rpc: c.rpc,
    partition: c.partition,
    outcome: c.settle === null ? 'pending' : c.settle.ok ? 'ok' : (c.settle.code ?? 'error'),
    outcomeUnknown: c.settle?.outcomeUnknown === true,
    settledAfterFaultMs: c.settle === null ? null : c.settle.t - faultT,
    attempts: attemptsText(c.settle?.attempts ?? []),
  };
}

function inFlightAt(calls: CallFact[], t: number, affected: Set<number>, faultT: number): InFlightCall[] {
  return calls
    .filter((c) => affected.has(c.partition) && c.start <= t && (c.settle === null || c.settle.t > t))
    .map((c) => describe(c, faultT));
}

function window(calls: CallFact[], fromT: number, toT: number): Window {
  let ok = 0;
  let errors = 0;
  for (const c of calls) {
    const s = c.settle;
    if (s === null || s.t < fromT || s.t >= toT) continue;
    if (s.ok) ok++;
    else errors++;
  }
  const seconds = Math.max(0.001, (toT - fromT) / 1000);
  return { fromT, toT, okPerSecond: ok / seconds, errors };
}

export interface MeasureInput {
  records: readonly TraceRecord[];
  partitionCount: number;
  target: string;
  faultT: number;
  /** how long the fault lasts when meta never promotes (hang, partition) */
  faultMs: number;
}

export function measure(input: MeasureInput): PolicyMeasures {
  const { records, target, faultT } = input;
  const calls = callsFromTrace(records, input.partitionCount);
  const configs = records.filter((r): r is TraceConfig => r.type === 'config');
  const primaryAtFault = new Map<number, string>();
  for (const c of configs) if (c.t <= faultT) primaryAtFault.set(c.partition, c.primary);
  const affected = [...primaryAtFault].filter(([, p]) => p === target).map(([i]) => i);
  const affectedSet = new Set(affected);
  const after = configs.filter((c) => c.t > faultT && affectedSet.has(c.partition));
  const removalT = after.find((c) => c.primary !== target)?.t ?? null;
  const promotions: Promotion[] = affected.flatMap((partition) => {
    const p = after.find((c) => c.partition === partition && c.primary !== '' && c.primary !== target);
    if (p === undefined) return [];
    const first = calls
      .filter((c) => c.partition === partition && c.settle?.ok === true && c.settle.t >= p.t)
      .sort((a, b) => (a.settle?.t ?? 0) - (b.settle?.t ?? 0))[0];
    return [{ partition, t: p.t, primary: p.primary, firstOkT: first?.settle?.t ?? null }];
  });
  const closeT = connectionLostAt(records, target, faultT);
  const refT = closeT ?? faultT;
  const atClose = closeT === null ? [] : inFlightAt(calls, closeT, affectedSet, faultT);
  // Re-route: a call written to the faulted node after the fault and left unanswered (stuck), then
  // sent to another node. Measured from the close, or from the fault when nothing closed (a hang).
  let rerouteT: number | null = null;
  let stuck = 0;
  for (const c of calls) {
    const attempts = c.settle?.attempts ?? [];
    const i = attempts.findIndex((a) => a.node === target && a.outcome !== 'ERR_OK' && a.sentAtMs >= faultT);
    if (!affectedSet.has(c.partition) || i < 0) continue;
    stuck++;
    const moved = attempts.slice(i + 1).find((a) => a.node !== target);
    if (moved !== undefined && (rerouteT === null || moved.sentAtMs < rerouteT)) rerouteT = moved.sentAtMs;
  }
  const recoveries = promotions.map((p) => (p.firstOkT === null ? null : p.firstOkT - p.t));
  const errors: Record<string, number> = {};
  for (const c of calls) {
    if (c.settle !== null && !c.settle.ok) {
      const code = c.settle.code ?? 'error';
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }
  const startT = Math.min(...calls.map((c) => c.start));
  const endT = Math.max(...calls.map((c) => c.start));
  // Same windows for both policies: bounded by meta's recovery, not the client's.
  const recoverT =
    promotions.length > 0 ? Math.max(...promotions.map((p) => p.t)) : Math.min(endT, faultT + input.faultMs);
  const outage = calls.filter((c) => affectedSet.has(c.partition) && c.start > faultT && c.start < recoverT);
  const latencies = outage
    .flatMap((c) => (c.settle === null ? [] : [c.settle.t - c.start]))
    .sort((a, b) => a - b);
  const getLatencies = outage
    .flatMap((c) => (c.settle === null || c.rpc !== 'get' ? [] : [c.settle.t - c.start]))
    .sort((a, b) => a - b);
  const backups = { sent: 0, won: 0 };
  for (const c of calls)
    for (const a of c.settle?.attempts ?? []) {
      if (!a.backup) continue;
      backups.sent++;
      if (a.outcome === 'ERR_OK' && c.settle?.ok === true) backups.won++;
    }
  return {
    target,
    faultT,
    closeT,
    affected,
    removalT,
    promotions,
    atFault: inFlightAt(calls, faultT, affectedSet, faultT),
    duringOutage: outage.map((c) => describe(c, faultT)),
    outageLatencyMs:
      latencies.length === 0
        ? null
        : { median: latencies[Math.floor(latencies.length / 2)]!, max: latencies[latencies.length - 1]! },
    outageGetLatencyMs:
      getLatencies.length === 0
        ? null
        : {
            median: getLatencies[Math.floor(getLatencies.length / 2)]!,
            p99: getLatencies[Math.min(getLatencies.length - 1, Math.ceil(getLatencies.length * 0.99) - 1)]!,
          },
    backups,
    atClose,
    rerouteMs: rerouteT === null ? null : rerouteT - refT,
    rerouteFrom: closeT === null ? 'fault' : 'close',
    stuckCalls: stuck,
    promotionToFirstOkMs:
      recoveries.length === 0 || recoveries.includes(null) ? null : Math.max(...(recoveries as number[])),
    calls: calls.length,
    ok: calls.filter((c) => c.settle?.ok === true).length,
    errors,
    before: window(calls, startT, faultT),
    during: window(calls, faultT, recoverT),
    after: window(calls, recoverT, endT),
  };
}
