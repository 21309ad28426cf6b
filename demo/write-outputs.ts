// Files a demo run leaves behind: per policy the trace (NDJSON, core/trace/format.ts) and its HTML
// timeline (scripts/timeline-html.ts), plus the report as text and as JSON (for tests and scripts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeTimelineHtml } from '../scripts/timeline-html.ts';
import type { DemoOptions } from './options.ts';
import { POLICY_LABELS, type PolicyRun } from './run-policy.ts';

export interface WrittenFile {
  what: string;
  path: string;
}

/** the client policy's files are the plain names; the other policy's carry its name */
const suffix = (r: PolicyRun) => (r.policy === 'client' ? '' : `-${r.policy}`);

export function writeOutputs(dir: string, o: DemoOptions, runs: PolicyRun[], report: string): WrittenFile[] {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const files: WrittenFile[] = [];
  for (const r of runs) {
    const trace = join(out, `trace${suffix(r)}.ndjson`);
    writeFileSync(trace, `${r.records.map((x) => JSON.stringify(x)).join('\n')}\n`);
    files.push({ what: `trace (${POLICY_LABELS[r.policy]})`, path: trace });
    const html = join(out, `timeline${suffix(r)}.html`);
    writeTimelineHtml(html, r.records, `npm start: ${r.faultLabel}, policy ${POLICY_LABELS[r.policy]}`);
    files.push({ what: `timeline (${POLICY_LABELS[r.policy]})`, path: html });
  }
  const text = join(out, 'report.txt');
  writeFileSync(text, report);
  files.push({ what: 'report', path: text });
  const json = join(out, 'report.json');
  writeFileSync(
    json,
    `${JSON.stringify({ options: o, runs: runs.map((r) => ({ policy: r.policy, fault: r.faultLabel, ...r.measures })) }, null, 2)}\n`,
  );
  files.push({ what: 'report (JSON)', path: json });
  return files;
}
