// Reading and writing trace files (NDJSON) and saving a failing scenario as a counterexample trace.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import {
  TRACE_FORMAT,
  TRACE_VERSION,
  type TraceHeader,
  type TraceRecord,
  toJson,
} from '../core/trace/index.ts';
import { PROPERTIES } from '../sim/properties.ts';
import { runScenario, type ScenarioSpec } from '../sim/scenario.ts';

export const TRACES_DIR = resolve(import.meta.dirname, '..', 'traces');

export function writeTrace(path: string, records: TraceRecord[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

export function readTrace(path: string): TraceRecord[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const records = lines.map((l, i) => {
    try {
      return JSON.parse(l) as TraceRecord;
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  const header = records[0];
  if (header?.type !== 'header' || header.format !== TRACE_FORMAT || header.version !== TRACE_VERSION) {
    throw new Error(`${path}: not a ${TRACE_FORMAT} v${TRACE_VERSION} file`);
  }
  return records;
}

/** Runs the scenario with recording on and writes it, header first. */
export function recordScenario(
  path: string,
  spec: ScenarioSpec,
  header: Omit<TraceHeader, 'type' | 'format' | 'version' | 'source' | 'spec'>,
) {
  const records: TraceRecord[] = [];
  const result = runScenario(spec, { trace: (r) => records.push(r) });
  const full: TraceHeader = {
    type: 'header',
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    source: 'simulation',
    spec: toJson(spec),
    ...header,
  };
  writeTrace(path, [full, ...records]);
  return result;
}

/**
 * fast-check over scenarios, judged by a named property. On failure the (shrunk) counterexample is
 * re-run with recording and saved under traces/, and the error names the file and how to replay it.
 */
export function assertScenarioProperty(
  property: keyof typeof PROPERTIES & string,
  arb: fc.Arbitrary<ScenarioSpec>,
  /** interruptAfterTimeLimit (ms): stop early, without failing, once the time is spent */
  params: { seed: number; numRuns: number; interruptAfterTimeLimit?: number },
  /** sees every run's result (e.g. to count what the runs exercised) */
  onResult?: (spec: ScenarioSpec, result: ReturnType<typeof runScenario>) => void,
): number {
  const check = PROPERTIES[property]!;
  const details = fc.check(
    fc.property(arb, (spec) => {
      const result = runScenario(spec);
      onResult?.(spec, result);
      return check(spec, result).length === 0;
    }),
    params,
  );
  if (!details.failed) return details.numRuns;
  const spec = details.counterexample?.[0];
  if (spec === undefined) throw details.errorInstance ?? new Error(`property ${property} failed`);
  const violations = check(spec, runScenario(spec));
  const first = violations[0] ?? { invariant: 'exception', detail: String(details.errorInstance), atMs: 0 };
  const file = join(TRACES_DIR, `${property}-seed${details.seed}-${Date.now().toString(36)}.ndjson`);
  recordScenario(file, spec, {
    property,
    failure: { invariant: first.invariant, detail: first.detail, atMs: first.atMs },
    fastCheck: { seed: details.seed, path: details.counterexamplePath ?? '' },
  });
  throw new Error(
    `property ${property} failed: ${first.invariant}: ${first.detail}\n` +
      `counterexample saved to ${file}\nreplay: npm run replay -- ${file}\n` +
      `fast-check: { seed: ${details.seed}, path: "${details.counterexamplePath}" }`,
  );
}
