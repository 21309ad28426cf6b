// Reading a saved history back (history.ndjson: one call per line; failed-keys.ndjson: one key's
// calls per line).
import type { OpRecord } from './history.ts';

/** a saved record's read value is text (JSON has no bytes); the checker wants bytes */
export function revive(r: OpRecord): OpRecord {
  const result = r.result === null ? null : { ...r.result };
  if (result !== null && typeof result.value === 'string') result.value = Buffer.from(result.value);
  return { ...r, result };
}

export function groupByKey(lines: string[]): Map<string, OpRecord[]> {
  const byKey = new Map<string, OpRecord[]>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as OpRecord | OpRecord[];
    for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
      const list = byKey.get(r.key) ?? [];
      list.push(revive(r));
      byKey.set(r.key, list);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => a.atMs - b.atMs);
  return byKey;
}
