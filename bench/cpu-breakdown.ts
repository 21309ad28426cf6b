// Takes a V8 CPU profile of a client phase apart by where the time goes, per call: each sample is
// charged to the nearest frame of ours on its stack (core/executor, machines, core/wire, core/client,
// core/driver, client/...), except garbage collection, socket writes and reads inside Node's
// streams, and promise/microtask machinery with none of our frames above it. Used by
// bench/profile-client.ts (and usable on any .cpuprofile through bench/profile-top.ts --calls N).

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Breakdown {
  /** sampled time that was not idle (µs) */
  busyUs: number;
  /** µs by category, largest first */
  categories: Array<[string, number]>;
  /** µs by file of ours (the nearest project frame), largest first */
  files: Array<[string, number]>;
}

const OURS = /\/(core|client|machines|bench)\/[^?]*\.ts/;

function ourPath(url: string): string | null {
  const m = OURS.exec(url);
  return m === null ? null : m[0].slice(1);
}

/** the category of a file of ours */
function categoryOf(path: string): string {
  if (path.startsWith('core/executor/')) return 'executor (steps, assigns)';
  if (path.startsWith('machines/')) return 'machine guards/assigns/params';
  if (path.startsWith('core/wire/') || path.startsWith('core/routing/')) return 'wire codec + key/hash';
  if (path.startsWith('core/driver/')) return 'driver loop';
  if (path.startsWith('core/client/')) return 'core (kinds, attempts, replies, timers)';
  if (path.startsWith('client/socket-link') || path.startsWith('client/node-ports'))
    return 'client ports (links, timer)';
  if (path.startsWith('client/')) return 'client API (validate, plan, promise, decode)';
  return 'bench harness';
}

const SOCKET_WRITE = new Set(['writev', 'writeBuffer', 'writevGeneric', 'writeGeneric', '_writeGeneric']);
const SOCKET_READ = new Set(['onStreamRead']);

export function breakdown(profile: Profile): Breakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cats = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)?.callFrame;
    if (leaf === undefined || leaf.functionName === '(idle)') return;
    busyUs += us;
    if (leaf.functionName === '(garbage collector)') {
      add(cats, 'garbage collection', us);
      return;
    }
    if (leaf.functionName === '(program)') {
      add(cats, 'V8/Node outside JS', us);
      return;
    }
    let inWrite = false;
    let inRead = false;
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const cf = byId.get(n)?.callFrame;
      if (cf === undefined) continue;
      const path = ourPath(cf.url);
      if (path !== null) {
        if (inWrite) add(cats, 'socket writes (Node net + kernel)', us);
        else add(cats, categoryOf(path), us);
        add(files, path, us);
        return;
      }
      if (SOCKET_WRITE.has(cf.functionName)) inWrite = true;
      if (SOCKET_READ.has(cf.functionName)) inRead = true;
    }
    if (inWrite) add(cats, 'socket writes (Node net + kernel)', us);
    else if (inRead) add(cats, 'socket reads (Node streams)', us);
    else add(cats, 'promise/microtask/timer machinery', us);
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyUs, categories: sorted(cats), files: sorted(files) };
}

/** the breakdown as text, in µs per call */
export function formatBreakdown(b: Breakdown, calls: number, topFiles = 15): string {
  const per = (us: number) => (us / calls).toFixed(2).padStart(6);
  const lines = [`sampled busy time: ${per(b.busyUs)} µs/call over ${calls} calls`, 'by category (µs/call):'];
  for (const [k, us] of b.categories) lines.push(`  ${per(us)}  ${k}`);
  lines.push('by file of ours (µs/call, nearest frame of ours on the stack):');
  for (const [k, us] of b.files.slice(0, topFiles)) lines.push(`  ${per(us)}  ${k}`);
  return `${lines.join('\n')}\n`;
}
