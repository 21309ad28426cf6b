// The results as Markdown tables (stdout, and quoted in the README) and as JSON (bench/results/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FailoverMetric, FailoverResult } from './failover.ts';
import type { MachineInfo } from './machine.ts';
import type { BenchOptions } from './options.ts';
import type { ThroughputResult } from './throughput.ts';

export const TARGET_RATIO = 0.8;
export const TARGET_CPU_US = 5;

export interface BenchResults {
  command: string;
  machine: MachineInfo;
  options: BenchOptions;
  throughput: ThroughputResult[];
  failover: FailoverResult | null;
  targets: { ratio: number; clientCpuUsPerOp: number };
}

const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const k = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)}k` : '-');

function throughputTable(rows: ThroughputResult[], headline: number): string[] {
  const out = [
    '| op | depth | client ops/s | floor ops/s | client/floor | client p50 / p99 ms | floor p50 / p99 ms | client CPU µs/op (user) | floor CPU µs/op (user) | client − floor µs/op | server CPU: client / floor phases |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const s = r.summary;
    const depth = r.depth === headline ? `**${r.depth}**` : String(r.depth);
    out.push(
      `| ${r.op} | ${depth} | ${k(s.clientOpsPerSec)} | ${k(s.floorOpsPerSec)} | ${f(s.ratio, 2)} | ` +
        `${f(s.clientP50Ms, 2)} / ${f(s.clientP99Ms, 2)} | ${f(s.floorP50Ms, 2)} / ${f(s.floorP99Ms, 2)} | ` +
        `${f(s.clientCpuUsPerOp, 1)} (${f(s.clientCpuUserUsPerOp, 1)}) | ${f(s.floorCpuUsPerOp, 1)} (${f(s.floorCpuUserUsPerOp, 1)}) | ` +
        `${f(s.clientOverheadUsPerOp, 1)} | ` +
        `${f(s.serverCpuShareClient * 100, 0)}% / ${f(s.serverCpuShareFloor * 100, 0)}% |`,
    );
  }
  return out;
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
  if (r.throughput.length > 0) {
    lines.push(
      `Throughput: one client, calls pipelined from one process, onebox (1 meta, 3 replicas, ${o.partitions} partitions) ` +
        `in a child process over loopback; ${o.valueBytes} B values, ${o.keyCount} keys over every partition. ` +
        `Depth ${o.depth}: median of ${o.rounds} alternated floor/client pairs of ${o.durationMs} ms; ` +
        `other depths: one pair of ${Math.round(o.durationMs / 2)} ms. Targets: client/floor >= ${TARGET_RATIO}, ` +
        `client CPU <= ${TARGET_CPU_US} µs/op.`,
      '',
      ...throughputTable(r.throughput, o.depth),
      '',
    );
  }
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
