// The end-of-run report: both policies side by side, then the calls that were in flight at the
// fault and how each settled. Plain text (no colours) so it can be pasted and grepped.
import { shortAddress } from './live-view.ts';
import type { InFlightCall, PolicyMeasures, Window } from './measure.ts';
import type { DemoOptions } from './options.ts';
import { faultLabel, POLICY_LABELS, type PolicyRun } from './run-policy.ts';

const LABEL_WIDTH = 50;
const COLUMN_WIDTH = 28;
const DETAIL_LIMIT = 8;

export function fmtMs(ms: number | null): string {
  if (ms === null) return 'never';
  return Math.abs(ms) >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

const rel = (ms: number | null) => (ms === null ? '-' : `+${fmtMs(ms)}`);

function outcomes(calls: InFlightCall[]): string {
  if (calls.length === 0) return '-';
  const by = new Map<string, number>();
  for (const c of calls) by.set(c.outcome, (by.get(c.outcome) ?? 0) + 1);
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .map(([o, n]) => `${n} ${o}`)
    .join(', ');
}

function settleRange(calls: InFlightCall[]): string {
  const ts = calls.map((c) => c.settledAfterFaultMs).filter((t): t is number => t !== null);
  if (ts.length === 0) return '-';
  const lo = Math.min(...ts);
  const hi = Math.max(...ts);
  return hi - lo < 1 ? rel(lo) : `${rel(lo)} .. ${rel(hi)}`;
}

const rate = (w: Window) => w.okPerSecond.toFixed(0);

function reroute(m: PolicyMeasures): string {
  if (m.rerouteMs !== null) return fmtMs(m.rerouteMs);
  return m.stuckCalls === 0 ? 'never (none stuck)' : `never (${m.stuckCalls} waited)`;
}

function row(label: string, cells: string[]): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${cells.map((c) => c.padEnd(COLUMN_WIDTH)).join('')}`.trimEnd();
}

/** the side-by-side table plus the per-call details */
export function reportText(runs: PolicyRun[], o: DemoOptions): string {
  const first = runs[0];
  if (first === undefined) return 'no run finished\n';
  const ms = runs.map((r) => r.measures);
  const cells = (f: (m: PolicyMeasures) => string) => ms.map(f);
  const lines = [
    `Fault: ${faultLabel(o, 'the primary of p0')}.`,
    `${o.rate} calls/s, deadline ${o.timeoutMs} ms, failure detection ${o.detectMs} ms; each policy on a fresh onebox.`,
    ...(runs.some((r) => r.policy === 'backup')
      ? [
          `Backup reads: backupRequestDelayMs ${o.backupMs} ms (reads to a secondary after that, or at once while the primary is suspect).`,
        ]
      : []),
    '',
    row(
      '',
      runs.map((r) => POLICY_LABELS[r.policy]),
    ),
    row(
      'faulted node: partitions it was primary of',
      cells((m) => `${shortAddress(m.target)}: ${m.affected.map((p) => `p${p}`).join(' ') || '-'}`),
    ),
    row(
      'onebox: fault injected at (since start)',
      cells((m) => `+${fmtMs(m.faultT)}`),
    ),
    row(
      'client saw the connection close (after fault)',
      cells((m) => (m.closeT === null ? 'no close' : rel(m.closeT - m.faultT))),
    ),
    row(
      'meta: primary removed / promoted (after fault)',
      cells((m) => {
        const promoted =
          m.promotions.length === 0 ? null : Math.max(...m.promotions.map((p) => p.t)) - m.faultT;
        return `${rel(m.removalT === null ? null : m.removalT - m.faultT)} / ${rel(promoted)}`;
      }),
    ),
    '',
    row(
      'calls in flight on the node at the fault',
      cells((m) => String(m.atFault.length)),
    ),
    row(
      '  how they settled',
      cells((m) => outcomes(m.atFault)),
    ),
    row(
      '  when (after the fault)',
      cells((m) => settleRange(m.atFault)),
    ),
    row(
      'calls in flight on the node at the close',
      cells((m) => (m.closeT === null ? '-' : String(m.atClose.length))),
    ),
    row(
      '  how they settled',
      cells((m) => outcomes(m.atClose)),
    ),
    row(
      '  when (after the fault)',
      cells((m) => settleRange(m.atClose)),
    ),
    row(
      'calls to its partitions started in the outage',
      cells((m) => String(m.duringOutage.length)),
    ),
    row(
      '  how they settled',
      cells((m) => outcomes(m.duringOutage)),
    ),
    row(
      '  latency: median / max',
      cells((m) =>
        m.outageLatencyMs === null
          ? '-'
          : `${fmtMs(m.outageLatencyMs.median)} / ${fmtMs(m.outageLatencyMs.max)}`,
      ),
    ),
    row(
      '  gets among them: median / p99',
      cells((m) =>
        m.outageGetLatencyMs === null
          ? '-'
          : `${fmtMs(m.outageGetLatencyMs.median)} / ${fmtMs(m.outageGetLatencyMs.p99)}`,
      ),
    ),
    ...(ms.some((m) => m.backups.sent > 0) || runs.some((r) => r.policy === 'backup')
      ? [
          row(
            'backup requests sent / answered first',
            cells((m) => `${m.backups.sent} / ${m.backups.won}`),
          ),
        ]
      : []),
    row(
      'calls stuck on the node (sent after the fault)',
      cells((m) => String(m.stuckCalls)),
    ),
    row(`${first.measures.rerouteFrom} -> first re-route of a stuck call`, cells(reroute)),
    row(
      'promotion -> first success (slowest partition)',
      cells((m) =>
        m.promotions.length === 0
          ? 'no promotion'
          : m.promotionToFirstOkMs === null
            ? 'none'
            : fmtMs(m.promotionToFirstOkMs),
      ),
    ),
    '',
    row(
      'errors seen by the workload',
      cells((m) => `${Object.values(m.errors).reduce((a, b) => a + b, 0) || 'none'}`),
    ),
    ...errorRows(ms),
    row(
      'calls ok / started',
      cells((m) => `${m.ok} / ${m.calls}`),
    ),
    row(
      'ok calls/s before / during / after the outage',
      cells((m) => `${rate(m.before)} / ${rate(m.during)} / ${rate(m.after)}`),
    ),
    '',
    "  (the outage: from the fault to meta's last promotion, or to the end of the hang when none)",
  ];
  for (const r of runs) lines.push('', ...details(r));
  return `${lines.join('\n')}\n`;
}

function errorRows(ms: PolicyMeasures[]): string[] {
  const codes = [...new Set(ms.flatMap((m) => Object.keys(m.errors)))].sort();
  return codes.map((code) =>
    row(
      `  ${code}`,
      ms.map((m) => String(m.errors[code] ?? 0)),
    ),
  );
}

function details(r: PolicyRun): string[] {
  const m = r.measures;
  const list =
    m.closeT === null
      ? m.atFault
      : [...m.atFault, ...m.atClose.filter((c) => !m.atFault.some((f) => f.id === c.id))];
  const head = `${POLICY_LABELS[r.policy]}: calls in flight on ${shortAddress(m.target)} at the fault${m.closeT === null ? '' : ' or at the close'} (${list.length})`;
  const shown = list
    .slice(0, DETAIL_LIMIT)
    .map(
      (c) =>
        `  #${String(c.id).padEnd(5)} ${c.rpc.padEnd(4)} p${c.partition} ${(c.outcome + (c.outcomeUnknown && c.rpc !== 'get' ? ' (outcome unknown)' : '')).padEnd(30)} ${rel(c.settledAfterFaultMs).padStart(9)}  ${c.attempts || '-'}`,
    );
  const rest = list.length - shown.length;
  return [
    head,
    ...shown,
    ...(rest > 0 ? [`  ... and ${rest} more: ${outcomes(list.slice(DETAIL_LIMIT))}`] : []),
  ];
}
