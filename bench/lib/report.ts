// The results as Markdown tables (stdout, and quoted in the README) and as JSON (bench/results/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FailoverMetric, FailoverResult } from './failover.ts';
import type { FixedRateResult } from './fixed-rate.ts';
import type { HeaderVersion } from './keys.ts';
import type { MachineInfo } from './machine.ts';
import type { MemoryResult } from './memory.ts';
import type { OpenLoopRow } from './open-loop-latency.ts';
import type { BenchOptions } from './options.ts';
import type { ThroughputResult } from './throughput.ts';

/** issue 17's done-when: client CPU per call and throughput against the floor's, same run */
export const TARGET_CPU_RATIO = 1.5;
export const TARGET_OPS_RATIO = 0.9;
/** open-loop p99 at 50 % of saturation against the floor's p99 at the same rate */
export const TARGET_P99_RATIO = 2;

export interface DoneWhenCheck {
  what: string;
  value: number;
  target: string;
  ok: boolean;
}

export interface BenchResults {
  command: string;
  machine: MachineInfo;
  options: BenchOptions;
  saturation: ThroughputResult[];
  openLoop: OpenLoopRow[];
  memory: Array<MemoryResult & { headerVersion: HeaderVersion }>;
  failover: FailoverResult | null;
  doneWhen: DoneWhenCheck[];
}

const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const k = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)}k` : '-');

/** the done-when checks of issue 17 that this run can answer (header v1, the saturation depth) */
export function doneWhen(r: BenchResults): DoneWhenCheck[] {
  const out: DoneWhenCheck[] = [];
  const depth = r.options.depth;
  for (const t of r.saturation) {
    if (t.headerVersion !== 1 || t.depth !== depth) continue;
    if (t.op === 'get' || t.op === 'set') {
      out.push({
        what: `${t.op}: client CPU µs/call ÷ floor's`,
        value: t.summary.cpuRatio,
        target: `<= ${TARGET_CPU_RATIO}`,
        ok: t.summary.cpuRatio <= TARGET_CPU_RATIO,
      });
      out.push({
        what: `${t.op}: saturation ops/s ÷ floor's`,
        value: t.summary.ratio,
        target: `>= ${TARGET_OPS_RATIO}`,
        ok: t.summary.ratio >= TARGET_OPS_RATIO,
      });
    }
  }
  for (const row of r.openLoop) {
    if (row.headerVersion !== 1 || row.loadPercent !== 50) continue;
    out.push({
      what: `${row.op}: open-loop p99 at 50 % of saturation ÷ floor's at the same rate`,
      value: row.p99Ratio,
      target: `<= ${TARGET_P99_RATIO}`,
      ok: row.p99Ratio <= TARGET_P99_RATIO,
    });
  }
  return out;
}

function saturationTable(rows: ThroughputResult[], headline: number): string[] {
  const out = [
    '| header | op | depth | client ops/s | floor ops/s | client/floor ops | client CPU µs/op (user) | floor CPU µs/op (user) | client/floor CPU | server CPU: client / floor phases |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const s = r.summary;
    const depth = r.depth === headline ? `**${r.depth}**` : String(r.depth);
    out.push(
      `| v${r.headerVersion} | ${r.op} | ${depth} | ${k(s.clientOpsPerSec)} | ${k(s.floorOpsPerSec)} | ${f(s.ratio, 2)} | ` +
        `${f(s.clientCpuUsPerOp, 1)} (${f(s.clientCpuUserUsPerOp, 1)}) | ${f(s.floorCpuUsPerOp, 1)} (${f(s.floorCpuUserUsPerOp, 1)}) | ` +
        `${f(s.cpuRatio, 2)} | ${f(s.serverCpuShareClient * 100, 0)}% / ${f(s.serverCpuShareFloor * 100, 0)}% |`,
    );
  }
  return out;
}

function openLoopTable(rows: OpenLoopRow[]): string[] {
  const out = [
    '| header | op | load | rate/s | client achieved/s | client p50 / p99 / p99.9 ms | floor achieved/s | floor p50 / p99 / p99.9 ms | p99 client/floor |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const pct = (x: FixedRateResult) => `${f(x.p50Ms, 2)} / ${f(x.p99Ms, 2)} / ${f(x.p999Ms, 2)}`;
  for (const r of rows) {
    const errs = (x: FixedRateResult) => (x.errors > 0 ? ` (${x.errors} errors)` : '');
    out.push(
      `| v${r.headerVersion} | ${r.op} | ${r.loadPercent}% | ${k(r.ratePerSec)} | ${k(r.client.achievedPerSec)}${errs(r.client)} | ${pct(r.client)} | ` +
        `${k(r.floor.achievedPerSec)}${errs(r.floor)} | ${pct(r.floor)} | ${f(r.p99Ratio, 2)} |`,
    );
  }
  return out;
}

function memoryTable(rows: BenchResults['memory']): string[] {
  const out = [
    '| header | op | calls pending | heap B/call | heap MB per 10k | external B/call | RSS MB per 10k |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const m of rows)
    out.push(
      `| v${m.headerVersion} | ${m.op} | ${m.calls} | ${f(m.heapBytesPerCall, 0)} | ${f(m.heapMBPer10k, 2)} | ` +
        `${f(m.externalBytesPerCall, 0)} | ${f(m.rssMBPer10k, 2)} |`,
    );
  return out;
}

function doneWhenTable(checks: DoneWhenCheck[]): string[] {
  return [
    '| done-when (issue 17), header v1 | this run | target | |',
    '|---|---:|---|---|',
    ...checks.map((c) => `| ${c.what} | ${f(c.value, 2)} | ${c.target} | ${c.ok ? 'met' : 'not met'} |`),
  ];
}

const FAILOVER_LABELS: Record<FailoverMetric, string> = {
  crashToResetMs: 'crash -> connection reset seen by the client',
  resetToRerouteMs: 'reset -> in-flight idempotent calls re-routed (off the dead node)',
  resetToReroutedDoneMs: 'reset -> last re-routed call settled on the new primary',
  hangToPromotionMs: 'hang starts -> meta promotes a secondary (detection, server side)',
  promotionToFirstOkMs: 'promotion -> first successful call on the partition',
  hangToFirstOkMs: 'hang starts -> first successful call (partition unavailable)',
  failedCalls: 'calls failed (count)',
};

function failoverTable(r: FailoverResult): string[] {
  const o = r.options;
  const out = [
    `Failover: ${r.runs.length} runs; core dump (hang ${o.hangMs} ms, then crash) of the primary of partition 0; ` +
      `detectMs ${o.detectMs}, ${o.partitions} partitions, ${o.ratePerSec} calls/s (2 gets : 1 set), ` +
      `deadline ${o.timeoutMs} ms. Partition figures: the victim's worst partition per run.`,
    '',
    '| timing (ms) | median | worst |',
    '|---|---:|---:|',
  ];
  for (const [m, label] of Object.entries(FAILOVER_LABELS) as [FailoverMetric, string][]) {
    const s = r.summary[m];
    const digits = m === 'failedCalls' ? 0 : m === 'crashToResetMs' || m === 'resetToRerouteMs' ? 2 : 0;
    out.push(`| ${label} | ${f(s.median, digits)} | ${f(s.worst, digits)} |`);
  }
  return out;
}

export function formatResults(r: BenchResults): string {
  const o = r.options;
  const m = r.machine;
  const lines = [
    `\`${r.command}\` on ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)} (load ${m.loadAvg1m} at start)`,
    '',
  ];
  if (r.saturation.length > 0) {
    lines.push(
      `Saturation: one client, calls pipelined from one process (closed loop), onebox (1 meta, ${o.replicas} replicas, ` +
        `${o.partitions} partitions) in a child process over loopback; ${o.valueBytes} B values, ${o.keyCount} keys ` +
        `over every partition; multiGet reads 10 sort keys of one hash key. Depth ${o.depth}: median of ${o.rounds} ` +
        `alternated floor/client pairs of ${o.durationMs} ms. CPU: this process's user + system time per call.`,
      '',
      ...saturationTable(r.saturation, o.depth),
      '',
    );
  }
  if (r.openLoop.length > 0) {
    lines.push(
      `Open loop: calls sent at a fixed rate (${o.loadsPercent.join(' / ')} % of the v${o.headers[0]} client's saturation ` +
        `above, the same rates for every header version and for the floor), ${o.openMs} ms per phase; latency from each ` +
        "call's intended send time (coordinated omission corrected), HdrHistogram with 3 significant digits.",
      '',
      ...openLoopTable(r.openLoop),
      '',
    );
  }
  if (r.memory.length > 0) {
    lines.push(
      'Memory: heapUsed (after forced full GCs) with N calls pending against hung replicas (the onebox `hang` fault), ' +
        'minus before; RSS likewise (includes heap the GC keeps reserved). Every call succeeds once the replicas resume.',
      '',
      ...memoryTable(r.memory),
      '',
    );
  }
  if (r.doneWhen.length > 0) lines.push(...doneWhenTable(r.doneWhen), '');
  if (r.failover !== null) lines.push(...failoverTable(r.failover), '');
  return lines.join('\n');
}

/** numbers rounded to 3 decimals so the committed file diffs readably */
export function writeJson(path: string, r: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  const round = (_k: string, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v;
  // Short arrays of plain values on one line, as Biome formats JSON, so `npm run lint` stays clean.
  const text = JSON.stringify(r, round, 2).replace(
    /^( *)(.*)\[\n((?:[^[\]{}\n]*\n)+?) *\]/gm,
    (whole, indent: string, head: string, items: string) => {
      const line = `${indent}${head}[${items
        .split('\n')
        .map((x) => x.trim())
        .filter((x) => x !== '')
        .join(' ')}]`;
      return line.length <= 110 ? line : whole;
    },
  );
  writeFileSync(path, `${text}\n`);
}
