// Why the core keeps its per-call tables in core/client/id-table.ts and not in Map or Set: the same
// churn (one entry added and one removed per "call", 64 live, each holding ~200 B of young objects)
// in a Map, a Set, an IdTable and a plain ring of slots, each in a child process under
// --trace-gc-nvp, after one major GC (as any long-running process has had). Prints what each
// scavenge copied and promoted on average, and its pause.
//   npx tsx bench/gc-churn.ts [--ops N]
import { spawnSync } from 'node:child_process';
import { IdSet, IdTable } from '../core/client/id-table.ts';
import { numberArg, parseCli } from '../scripts/cli-args.ts';

const USAGE = `usage: npx tsx bench/gc-churn.ts [--ops N]

Adds and removes N entries (default 3000000; 64 live at a time) in a Map, a Set, an IdTable and a
ring of array slots, each in its own process under V8's --trace-gc-nvp, after one major GC, and
prints per scavenge: bytes that survived, bytes promoted, and the pause.`;
const KINDS = ['map', 'set', 'idtable', 'ring'] as const;
type Kind = (typeof KINDS)[number];

function churn(kind: Kind, ops: number): void {
  const map = new Map<number, object>();
  const set = new Set<object>();
  const table = new IdTable<object>();
  const ring: Array<{ id: number } | undefined> = new Array(64);
  const idSet = new IdSet<{ id: number }>((x) => x.id);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < ops; i++) {
    if (i === 100_000) {
      gc?.();
      process.stdout.write('MEASURE\n');
    }
    const call = { id: i, parts: [i, i + 1], record: { at: i / 3, node: 'n' }, args: new Array(16).fill(i) };
    const gone = ring[i & 63];
    ring[i & 63] = call;
    if (kind === 'map') {
      map.set(i, call);
      if (gone !== undefined) map.delete(gone.id);
    } else if (kind === 'set') {
      set.add(call);
      if (gone !== undefined) set.delete(gone);
    } else if (kind === 'idtable') {
      table.set(i, call);
      if (gone !== undefined) table.delete(gone.id);
      idSet.add(call);
      if (gone !== undefined) idSet.delete(gone);
    }
  }
}

const child = process.argv.indexOf('--child');
if (child >= 0) {
  churn(process.argv[child + 1] as Kind, Number(process.argv[child + 2]));
} else {
  const { values } = parseCli(USAGE, { ops: { type: 'string' } });
  const ops = numberArg(USAGE, '--ops', values.ops, 200_000) ?? 3_000_000;
  process.stdout.write(`${ops} adds and removes, 64 live, after one major GC; per scavenge:\n`);
  process.stdout.write(
    '| table | scavenges | survived KB | promoted KB | pause ms |\n|---|---:|---:|---:|---:|\n',
  );
  for (const kind of KINDS) {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--expose-gc',
        '--trace-gc-nvp',
        import.meta.filename,
        '--child',
        kind,
        String(ops),
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (r.status !== 0) throw new Error(`${kind}: the child exited with ${r.status}: ${r.stderr}`);
    const lines = r.stdout.split('\n');
    let n = 0;
    const sum = { survived: 0, promoted: 0, pause: 0 };
    for (const line of lines.slice(lines.indexOf('MEASURE') + 1)) {
      if (!/\bgc=s\b/.test(line)) continue;
      n++;
      sum.survived += Number(/\bnew_space_survived=(\d+)/.exec(line)?.[1] ?? 0);
      sum.promoted += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0);
      sum.pause += Number(/\bpause=([\d.]+)/.exec(line)?.[1] ?? 0);
    }
    const avg = (x: number) => (n === 0 ? 0 : x / n);
    process.stdout.write(
      `| ${kind} | ${n} | ${(avg(sum.survived) / 1024).toFixed(0)} | ${(avg(sum.promoted) / 1024).toFixed(0)} | ${avg(sum.pause).toFixed(2)} |\n`,
    );
  }
}
