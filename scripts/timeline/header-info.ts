// The page header: which run this is (the scenario from the header record) and why it was saved.
import type { Json, TraceHeader } from '../../core/trace/index.ts';
import { ms } from './format-time.ts';
import { asObject, list, num, str } from './json-read.ts';
import type { HeaderInfo } from './model.ts';

export function headerInfo(header: TraceHeader | undefined, title: string): HeaderInfo {
  if (header === undefined) {
    return {
      title,
      source: 'unknown (no header)',
      scenario: [],
      property: null,
      failure: null,
      fastCheck: null,
    };
  }
  const f = header.failure;
  return {
    title,
    source: header.source,
    scenario: header.source === 'simulation' ? scenarioLines(header.spec) : [compact(header.spec, 400)],
    property: header.property ?? null,
    failure: f === undefined ? null : `${f.invariant} at ${ms(f.atMs)}: ${f.detail}`,
    fastCheck:
      header.fastCheck === undefined
        ? null
        : `seed ${header.fastCheck.seed}, path "${header.fastCheck.path}"`,
  };
}

function scenarioLines(spec: Json): string[] {
  const s = asObject(spec);
  if (s === null) return [compact(spec, 400)];
  const shape = [
    `seed ${num(s, 'seed') ?? '?'}`,
    `${num(s, 'metas') ?? '?'} meta(s)`,
    `${num(s, 'replicas') ?? '?'} replicas`,
    `${num(s, 'partitions') ?? '?'} partitions`,
    `failure detection ${num(s, 'detectMs') ?? '?'} ms`,
    `run ${num(s, 'runMs') ?? '?'} ms`,
  ];
  const probe = num(s, 'probeMs');
  if (probe !== null) shape.push(`convergence probe ${probe} ms`);
  const calls = list(s, 'calls');
  const faults = list(s, 'faults').map((x) => {
    const o = asObject(x);
    const kind = str(o, 'kind') ?? '?';
    const d = num(o, 'ms');
    const role = kind === 'leader' ? 'meta' : 'replica';
    return `${kind} ${role} ${num(o, 'node') ?? '?'} at ${num(o, 'atMs') ?? '?'} ms${d === null ? '' : ` (${d} ms)`}`;
  });
  const lines = [shape.join(' · '), `${calls.length} scheduled calls`];
  lines.push(faults.length === 0 ? 'no faults' : `faults: ${faults.join('; ')}`);
  if (s.client !== undefined) lines.push(`client options: ${compact(s.client, 300)}`);
  return lines;
}

function compact(v: Json | undefined, max: number): string {
  const text = JSON.stringify(v ?? null);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
