// Summarises a V8 .cpuprofile: the functions and the files with the most self time, and the
// functions with the most inclusive time (self + callees; what a call costs end to end).
// Run: npx tsx bench/profile-top.ts <file.cpuprofile> [top N]
import { readFileSync } from 'node:fs';
import { numberArg, parseCli, usageError } from '../scripts/cli-args.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const USAGE = `usage: npx tsx bench/profile-top.ts <file.cpuprofile> [N]

Summarises a V8 CPU profile (e.g. from npm run bench:profile): the N functions and files with the
most self time, and the functions with the most inclusive time (default N 30).`;
const { positionals } = parseCli(USAGE, {}, { positionals: 2 });
const [file, topArg] = positionals;
if (file === undefined) usageError(USAGE, 'no profile file given');
const top = numberArg(USAGE, 'N', topArg, 1) ?? 30;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) =>
  url.replace(/^file:\/\/.*?\/(node_modules|core|client|machines|bench)\//, '$1/');
const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const cf = byId.get(id)?.callFrame;
  if (cf === undefined) continue;
  const where = cf.url === '' ? '(native)' : shortUrl(cf.url);
  const fn = `${cf.functionName || '(anonymous)'}  ${where}${cf.url === '' ? '' : `:${cf.lineNumber + 1}`}`;
  fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
  fileSelf.set(where, (fileSelf.get(where) ?? 0) + us);
}
// inclusive: every function on a sample's stack gets the sample once (recursion counted once)
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const cf = byId.get(n)?.callFrame;
    if (cf === undefined || cf.url === '') continue;
    const key = `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${pct(us)}  ${name}\n`);
};
process.stdout.write(`total sampled ${(total / 1000).toFixed(0)} ms\n`);
print('self time by function', fnSelf);
print('self time by file', fileSelf);
print('inclusive time by function (JavaScript frames)', inclusive);
