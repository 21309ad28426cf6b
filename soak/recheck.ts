// npm run soak:recheck -- FILE [--key KEY] [--budget N]
// Checks a saved history again, offline: FILE is a run's history.ndjson (one call per line) or
// failed-keys.ndjson (one key's calls per line). Prints each failing key with its calls, so a
// failure can be narrowed down without re-running the cluster; --key keeps one key.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkKey } from './history.ts';
import { groupByKey } from './history-file.ts';

function main(): number {
  const usage = 'usage: npm run soak:recheck -- FILE (history.ndjson or failed-keys.ndjson) [--key KEY]\n';
  let values: { key?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { key: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(usage);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined) {
    process.stderr.write(usage);
    return 2;
  }
  const byKey = groupByKey(readFileSync(file, 'utf8').split('\n'));
  let failed = 0;
  let undecided = 0;
  const times: number[] = [];
  for (const [key, records] of byKey) {
    if (values.key !== undefined && key !== values.key) continue;
    const v = checkKey(records, () => performance.now());
    times.push(v.checkMs);
    if (v.undecided) undecided++;
    if (!v.ok) {
      failed++;
      process.stdout.write(`FAIL ${key}: ${JSON.stringify(v)}\n`);
      for (const r of records)
        process.stdout.write(
          `  #${r.id} ${r.op} value=${r.value} at=${r.atMs.toFixed(1)} settle=${r.settleMs?.toFixed(1)} ok=${r.ok} code=${r.code} result=${JSON.stringify(r.result)}\n`,
        );
    }
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  process.stdout.write(
    `${times.length} keys, ${failed} failed, ${undecided} undecided; check ms per key p50 ${p(0.5)} p99 ${p(0.99)} max ${p(1)}\n`,
  );
  return failed > 0 ? 1 : 0;
}

process.exit(main());
