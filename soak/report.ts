// report.json: every figure of a run and the verdict, written so that someone who was not there can
// read what ran, what broke and what held.
import os from 'node:os';
import { trend } from './memory.ts';
import type { RunResult } from './run.ts';

/** heap that survives GC may grow at most this much per hour after warm-up */
export const HEAP_SLOPE_LIMIT_MB_PER_HOUR = 20;
/** the memory trend is judged only on at least this much time after warm-up (shorter is noise) */
export const MEMORY_JUDGED_AFTER_SEC = 300;
/** open handles (sockets, timers, ...) may drift at most this much per hour after warm-up: a leak of
 * one per fault would be about 1800 per hour */
export const HANDLE_SLOPE_LIMIT_PER_HOUR = 60;

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

export function warmupSec(durationMs: number): number {
  return Math.max(60, Math.round(durationMs / 1000 / 5));
}

export function buildReport(r: RunResult) {
  const warm = warmupSec(r.durationMs);
  const lastSec = r.memory[r.memory.length - 1]?.tSec ?? 0;
  const judgedSpan = Math.max(0, lastSec - warm);
  const memoryJudged = judgedSpan >= MEMORY_JUDGED_AFTER_SEC;
  const heap = trend(r.memory, warm, 'heapMb', 30);
  const rss = trend(r.memory, warm, 'rssMb');
  const handles = trend(r.memory, warm, 'handles');
  const timers = trend(r.memory, warm, 'timers');
  const before = countBy(r.handlesBefore);
  const after = countBy(r.handlesAfterClose);
  const leaked = Object.entries(after)
    .filter(([k, n]) => n > (before[k] ?? 0))
    .map(([k, n]) => `${k} +${n - (before[k] ?? 0)}`);
  const lostAck = r.counts.lostIncrements + r.verdicts.failed.filter((v) => v.reg === 's').length;
  const faultKinds = countBy(r.faults.filter((f) => f.status === 200).map((f) => f.kind));
  const checks: Check[] = [
    {
      name: 'calls were made and some succeeded',
      ok: r.issued > 0 && r.okCalls > 0,
      detail: `${r.okCalls} of ${r.issued} succeeded`,
    },
    {
      name: 'every call settled',
      ok: r.unsettled === 0,
      detail: `${r.unsettled} of ${r.issued} never settled`,
    },
    {
      name: 'linearizable per key (sim/linearizability.ts)',
      ok: r.verdicts.failed.length === 0,
      detail: `${r.verdicts.keys} keys checked, ${r.verdicts.failed.length} failed, ${r.verdicts.undecided} undecided (search budget)`,
    },
    {
      name: 'no lost acknowledged write',
      ok: lostAck === 0,
      detail: `${r.counts.lostIncrements} duplicate incr results, ${r.verdicts.failed.filter((v) => v.reg === 's').length} set/del registers not linearizable`,
    },
    {
      name: 'no double apply of incr / checkAndSet',
      ok: r.counts.overshoot + r.counts.doubleCasWins === 0,
      detail: `incr overshoot ${r.counts.overshoot}, checkAndSet double wins ${r.counts.doubleCasWins}`,
    },
    {
      name: `no call settled later than deadline + ${r.options.lateToleranceMs} ms, net of measured stalls`,
      ok: r.late.netOverTolerance === 0,
      detail: `raw: ${r.late.rawOverTolerance} over (max ${r.late.maxRawMs} ms); net: ${r.late.netOverTolerance} over (max ${r.late.maxNetMs} ms)`,
    },
    {
      name: 'heap flat after warm-up',
      ok: !memoryJudged || heap.perHour <= HEAP_SLOPE_LIMIT_MB_PER_HOUR,
      detail: memoryJudged
        ? `heap floor slope ${heap.perHour} MB/h (limit ${HEAP_SLOPE_LIMIT_MB_PER_HOUR}), rss slope ${rss.perHour} MB/h`
        : `not judged: ${Math.round(judgedSpan)} s after warm-up, needs ${MEMORY_JUDGED_AFTER_SEC} s (slope ${heap.perHour} MB/h reported)`,
    },
    {
      name: 'open handles and timers flat after warm-up',
      ok:
        !memoryJudged ||
        (handles.perHour <= HANDLE_SLOPE_LIMIT_PER_HOUR && timers.perHour <= HANDLE_SLOPE_LIMIT_PER_HOUR),
      detail: `${memoryJudged ? '' : 'not judged (run too short): '}handles ${handles.perHour}/h (max ${handles.max}), timers ${timers.perHour}/h (max ${timers.max}); limit ${HANDLE_SLOPE_LIMIT_PER_HOUR}/h`,
    },
    {
      name: 'nothing left behind after close()',
      ok: leaked.length === 0,
      detail: leaked.length === 0 ? 'no handle more than before connect' : leaked.join(', '),
    },
    {
      name: 'the onebox stayed up',
      ok: r.oneboxAlive,
      detail: r.oneboxAlive ? 'alive at the end' : 'the onebox process died',
    },
  ];
  const ok = checks.every((c) => c.ok);
  return {
    ok,
    summary: ok
      ? `PASS: ${r.issued} calls over ${Math.round(r.durationMs / 1000)} s with ${r.faults.length} faults; all checks held`
      : `FAIL: ${checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join('; ')}`,
    checks,
    run: {
      startedAt: r.startedAt,
      durationSec: Math.round(r.durationMs / 1000),
      seed: r.options.seed,
      ratePerSec: r.options.rate,
      callsPerKey: r.options.callsPerKey,
      keysPerPool: r.options.keysPerPool,
      command: `npm run soak -- --minutes ${r.options.minutes} --seed ${r.options.seed} --rate ${r.options.rate}`,
      machine: {
        cpus: os.cpus().length,
        loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
        node: process.version,
      },
      cluster:
        '3 metas, 5 replicas (onebox over TCP on 127.0.0.1, in a child process); tables soak_a (8 partitions), soak_b (4), soak_r (4, dropped and recreated); failure detection 1000 ms, split 500 ms',
      workload:
        'open loop (Poisson arrivals at the given rate, a call never waits for another); every data op of the client; ' +
        'deadlines 250/500/1000/2000 ms; keys retire after callsPerKey calls and are checked while the run goes on',
    },
    calls: {
      issued: r.issued,
      settled: r.settled,
      unsettled: r.unsettled,
      ok: r.okCalls,
      errorsByCode: r.errorsByCode,
      byOp: r.opsIssued,
      arrivalLagMaxMs: r.arrivalLagMaxMs,
    },
    consistency: {
      checker:
        'sim/linearizability.ts (exact search per register, failed writes optional, a successful set/del may apply twice); ' +
        `history bounded to ${r.options.callsPerKey} calls per key, budget ${'200000'} search nodes per key`,
      keysChecked: r.verdicts.keys,
      failedKeys: r.verdicts.failed,
      undecidedKeys: r.verdicts.undecided,
      checkMsMaxPerKey: r.verdicts.maxCheckMs,
      checkMsTotal: r.verdicts.totalCheckMs,
      byMinute: r.verdicts.byMinute,
      lostIncrements: r.counts.lostIncrements,
      incrOvershoot: r.counts.overshoot,
      checkAndSetDoubleWins: r.counts.doubleCasWins,
      staleReadsInformational: r.counts.staleReads,
      perIncarnation:
        'a recreated table is a new incarnation: its keys are new, and a call in flight across the drop counts as unknown (read ignored, write optional)',
    },
    deadlines: {
      toleranceMs: r.options.lateToleranceMs,
      rawOverTolerance: r.late.rawOverTolerance,
      netOverTolerance: r.late.netOverTolerance,
      maxRawLateMs: r.late.maxRawMs,
      maxNetLateMs: r.late.maxNetMs,
      subtracted:
        'from each late settle (settle - deadline), the part of [deadline, settle] during which the client process was measured not running: ' +
        'a 2 ms interval timer that fired more than 1 ms late (the loop was blocked or the process not scheduled: counted from its previous tick, since a deadline due in between could not fire either), and GC pauses (PerformanceObserver gc), merged',
      why:
        'the client cannot settle a call while its event loop is not running; on a shared 2-core machine the process is descheduled for tens of ms. ' +
        'What is left (net) is lateness the client itself caused. Both figures are reported; the check uses the net one.',
      worst: r.late.worst,
      loop: r.stalls,
    },
    memory: {
      warmupSec: warm,
      judged: memoryJudged,
      heapFloorMbPerHour: heap.perHour,
      rssMbPerHour: rss.perHour,
      handlesPerHour: handles.perHour,
      timersPerHour: timers.perHour,
      heapMb: heap,
      rssMb: rss,
      handles,
      handlesBeforeConnect: before,
      handlesAfterClose: after,
    },
    faults: {
      count: r.faults.length,
      applied: faultKinds,
      refused: r.faults.filter((f) => f.status !== 200).length,
      log: r.faults,
      /** the schedule as drawn from the seed (the same seed draws it again: a run can be replayed) */
      planned: r.plannedFaults,
    },
    replay: {
      rerun: `npm run soak -- --minutes ${r.options.minutes} --seed ${r.options.seed} --rate ${r.options.rate} --calls-per-key ${r.options.callsPerKey}`,
      recheck: `npm run soak:recheck -- ${r.historyFile}`,
      note: "the same seed draws the same fault schedule and the same calls (op, key, value, deadline, arrival time); the cluster's timing is real, so a rerun is close, not identical. A failing run keeps history.ndjson and failed-keys.ndjson; soak:recheck checks them again offline, --key narrows to one key.",
    },
    series: {
      seconds: r.seconds,
      memory: r.memory,
    },
  };
}

export type SoakReport = ReturnType<typeof buildReport>;
