// npm run replay -- <trace.ndjson> [--html <out.html>]
// Re-runs a simulation trace from its recorded scenario (deterministic: same seed, same run),
// reports whether the recorded run is reproduced event for event, and which properties fail now.
import { fromJson, type Json, type TraceRecord } from '../core/trace/index.ts';
import { readTrace } from '../properties/trace-files.ts';
import { isPropertyName, PROPERTIES } from '../sim/properties.ts';
import { runScenario, type ScenarioSpec } from '../sim/scenario.ts';
import { parseCli, usageError } from './cli-args.ts';

const USAGE = `usage: npm run replay -- <trace.ndjson> [--html <out.html>]

Re-runs a simulation trace (traces/*.ndjson) from its recorded scenario and reports whether the run is
reproduced event for event and which properties fail now.

  --html FILE   also draw the run as a self-contained HTML timeline
  --help        this text

Exit status: 0 when every property holds, 1 when one fails, 2 on a usage or trace error.`;

export interface ReplayReport {
  property: string | null;
  recordedFailure: string | null;
  /** null when the recording matches the new run; else the first differing record */
  divergence: { index: number; recorded: string; replayed: string } | null;
  /** property name -> violations of the new run */
  failures: Record<string, string[]>;
  records: TraceRecord[];
}

export function replayTrace(path: string): ReplayReport {
  const recorded = readTrace(path);
  const header = recorded[0];
  if (header?.type !== 'header') throw new Error(`${path}: no header`);
  if (header.source !== 'simulation') throw new Error(`${path}: only simulation traces can be re-run`);
  const spec = fromJson(header.spec as Json) as ScenarioSpec;
  const records: TraceRecord[] = [header];
  const result = runScenario(spec, { trace: (r) => records.push(r) });
  let divergence: ReplayReport['divergence'] = null;
  const n = Math.max(recorded.length, records.length);
  for (let i = 1; i < n; i++) {
    const a = JSON.stringify(recorded[i] ?? null);
    const b = JSON.stringify(records[i] ?? null);
    if (a !== b) {
      divergence = { index: i, recorded: a.slice(0, 300), replayed: b.slice(0, 300) };
      break;
    }
  }
  const failures: Record<string, string[]> = {};
  for (const [name, check] of Object.entries(PROPERTIES)) {
    const v = check(spec, result);
    if (v.length > 0) failures[name] = v.map((x) => `${x.invariant} at ${x.atMs.toFixed(1)} ms: ${x.detail}`);
  }
  const property = header.property !== undefined && isPropertyName(header.property) ? header.property : null;
  const recordedFailure =
    header.failure === undefined ? null : `${header.failure.invariant}: ${header.failure.detail}`;
  return { property, recordedFailure, divergence, failures, records };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(USAGE, { html: { type: 'string' } }, { positionals: 1, argv });
  const file = positionals[0];
  if (file === undefined) usageError(USAGE, 'no trace file given');
  const report = replayTrace(file);
  console.log(`trace: ${file}`);
  if (report.property !== null)
    console.log(`recorded failure of ${report.property}: ${report.recordedFailure}`);
  console.log(
    report.divergence === null
      ? 'replay: reproduced the recorded run event for event'
      : `replay: differs from the recording at record ${report.divergence.index} (the code changed since)\n  recorded: ${report.divergence.recorded}\n  replayed: ${report.divergence.replayed}`,
  );
  const failing = Object.keys(report.failures);
  if (failing.length === 0) console.log('properties: all hold on this run');
  for (const name of failing) {
    console.log(`property ${name} FAILS:`);
    for (const v of report.failures[name]!.slice(0, 10)) console.log(`  ${v}`);
  }
  const out = values.html;
  if (out !== undefined) {
    const { writeTimelineHtml } = await import('./timeline-html.ts');
    writeTimelineHtml(out, report.records, file);
    console.log(`timeline: ${out}`);
  }
  return failing.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(2);
    },
  );
}
