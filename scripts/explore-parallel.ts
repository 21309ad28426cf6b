// npm run explore:deep [-- --scope NAME] [--workers N] [--max-seconds N]
// The exhaustive explorer split over worker threads, for scopes too large for one core in reasonable
// time (the deep scope: over 10^6 distinct states). See USAGE.
//
// How the search is split (sim/explore/explorer.ts, frontierFaults / root / visited): the main
// thread explores every state reached without a fault and stops at each state reached by a first
// fault (the frontier; each is a distinct state, counted and checked there). Workers take frontier
// items from a queue and explore each to the end. Every path of the scope either has no fault
// (main) or passes through the state after its first fault (a frontier item), so together they
// cover the scope. All of them share one visited set in shared memory (scripts/shared-visited.ts):
// a state is expanded by whichever search adds it first, once, and the distinct-state figure is
// the set's size.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type Choice, formatPath } from '../sim/explore/choice.ts';
import { type ExploreResult, explore } from '../sim/explore/explorer.ts';
import { formatResult } from '../sim/explore/report.ts';
import { SCOPES } from '../sim/explore/scope.ts';
import { numberArg, parseCli, usageError } from './cli-args.ts';
import { attachSharedVisited, createSharedVisited } from './shared-visited.ts';

const USAGE = `usage: npm run explore:deep -- [--scope NAME] [--workers N] [--max-states N] [--max-seconds N]
                                   [--capacity N]

The exhaustive explorer on worker threads: the main thread explores the fault-free states and hands
each state reached by a first fault to a worker, which explores everything after it. Prints the
distinct states (the union of every worker's visited states), transitions, terminal paths, time and
states/s, and "no violation" or the first violation with its replayable choice sequence (replay it
with npm run explore -- --scope NAME --replay "<choices>"). Exit 1 on a violation or when the time
bound cut the search short.

  --scope NAME      ${Object.keys(SCOPES).join(', ')} (default large)
  --workers N       worker threads (default: the machine's available parallelism)
  --max-states N    stop once N distinct states were explored (overshoots by at most 16 per worker)
  --max-seconds N   stop after N seconds (the search is then incomplete)
  --capacity N      room for N distinct states in the shared visited set (default 1.2 x
                    --max-states, else 3000000: about 84 MB); the run stops with an error when full
  --help            this text`;

interface WorkerInput {
  scope: string;
  visited: SharedArrayBuffer;
}
type ToWorker =
  | { type: 'item'; paths: Choice[][]; maxElapsedMs: number; maxStates: number }
  | { type: 'finish' };
type FromWorker = { type: 'ready' } | { type: 'result'; results: ExploreResult[] };

if (isMainThread) await main();
else runWorker();

function runWorker(): void {
  const input = workerData as WorkerInput;
  const scope = input.scope;
  const port = parentPort!;
  const visited = attachSharedVisited(input.visited);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'finish') {
      port.close();
      return;
    }
    const until = performance.now() + m.maxElapsedMs;
    const results: ExploreResult[] = [];
    for (const root of m.paths) {
      const r = explore(SCOPES[scope]!(), {
        root,
        visited,
        elapsedMs: () => performance.now(),
        maxElapsedMs: until - performance.now(),
        stop: () => visited.size() >= m.maxStates,
      });
      results.push({ ...r, frontier: [] });
      if (r.counterexample !== null || !r.complete) break;
    }
    port.postMessage({ type: 'result', results } satisfies FromWorker);
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    scope: { type: 'string' },
    workers: { type: 'string' },
    'max-seconds': { type: 'string' },
    capacity: { type: 'string' },
    'max-states': { type: 'string' },
  });
  const scopeName = values.scope ?? 'large';
  const make = SCOPES[scopeName];
  if (make === undefined) usageError(USAGE, `--scope: unknown scope "${scopeName}"`);
  const workers = numberArg(USAGE, '--workers', values.workers, 1, 64) ?? availableParallelism();
  const maxMs =
    (numberArg(USAGE, '--max-seconds', values['max-seconds'], 0) ?? Number.POSITIVE_INFINITY) * 1000;
  const started = performance.now();
  const elapsedMs = () => performance.now() - started;

  const maxStates = numberArg(USAGE, '--max-states', values['max-states'], 1) ?? Number.POSITIVE_INFINITY;
  const capacity =
    numberArg(USAGE, '--capacity', values.capacity, 1000) ??
    (Number.isFinite(maxStates) ? maxStates * 1.2 + 10_000 : 3_000_000);
  const union = createSharedVisited(capacity);
  const first = explore(make(), {
    frontierFaults: 1,
    visited: union,
    elapsedMs,
    maxElapsedMs: maxMs,
    ...(Number.isFinite(maxStates) ? { maxStates } : {}),
  });
  const total = { ...first, frontier: [] as Choice[][] };
  let complete = first.complete;
  const coverage = new Set(first.coverage);
  const merge = (r: ExploreResult) => {
    total.transitions += r.transitions;
    total.terminalPaths += r.terminalPaths;
    total.replaySteps += r.replaySteps;
    total.maxDepth = Math.max(total.maxDepth, r.maxDepth);
    total.longestFailedBudgetMs = Math.max(total.longestFailedBudgetMs, r.longestFailedBudgetMs);
    total.slowestRecoveryMs = Math.max(total.slowestRecoveryMs, r.slowestRecoveryMs);
    for (const c of r.coverage) coverage.add(c);
    if (!r.complete) complete = false;
    if (r.counterexample !== null && total.counterexample === null) total.counterexample = r.counterexample;
  };
  // The first faults injected at one state form one work item: their subtrees overlap most (two
  // faults at the same step in either order), and one worker's visited set then explores the
  // overlap once.
  const queue: Choice[][][] = [];
  const parentOf = (p: Choice[]) => formatPath(p.slice(0, -1));
  for (const p of first.counterexample === null ? first.frontier : []) {
    const last = queue[queue.length - 1];
    if (last !== undefined && parentOf(last[0]!) === parentOf(p)) last.push(p);
    else queue.push([p]);
  }
  const items = queue.length;
  const count = Math.min(workers, Math.max(1, items));
  console.log(
    `scope ${scopeName}: ${first.states} states explored before a first fault, ${first.frontier.length} states after one (${items} items) for ${count} workers`,
  );

  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const pool: Worker[] = [];
  let done = 0;
  let lastReport = performance.now();
  await new Promise<void>((resolve, reject) => {
    if (queue.length === 0) return resolve();
    let finished = 0;
    for (let i = 0; i < count; i++) {
      const w = new Worker(boot, {
        eval: true,
        workerData: { scope: scopeName, visited: union.buffer } satisfies WorkerInput,
      });
      pool.push(w);
      const next = () => {
        const paths = queue.shift();
        const remaining = maxMs - elapsedMs();
        if (
          paths === undefined ||
          total.counterexample !== null ||
          remaining <= 0 ||
          union.size() >= maxStates
        ) {
          if (paths !== undefined) complete = false;
          w.postMessage({ type: 'finish' } satisfies ToWorker);
          if (++finished === count) resolve();
          return;
        }
        w.postMessage({ type: 'item', paths, maxElapsedMs: remaining, maxStates } satisfies ToWorker);
      };
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') return next();
        if (m.type === 'result') {
          for (const r of m.results) merge(r);
          done++;
          if (performance.now() - lastReport > 30_000) {
            lastReport = performance.now();
            console.log(
              `  ... ${done}/${items} items, ${union.size()} distinct states, ${(elapsedMs() / 1000) | 0} s`,
            );
          }
        }
        next();
      });
      w.on('error', reject);
    }
  });
  if (queue.length > 0) complete = false;

  const seconds = elapsedMs() / 1000;
  const result: ExploreResult = {
    ...total,
    scope: `${scopeName} (${count} workers)`,
    states: union.size(),
    complete: total.counterexample !== null || complete,
    coverage: [...coverage].sort(),
    elapsedMs: seconds * 1000,
  };
  console.log(formatResult(result));
  console.log(
    `  ${union.size()} distinct states (one shared visited set: each expanded once, by one thread), ${seconds.toFixed(1)} s`,
  );
  // Reaching a state budget asked for is what the run was for; a time bound cutting it is not.
  const budgetReached = union.size() >= maxStates;
  if (!result.complete && budgetReached)
    console.log(`  stopped at the state budget (--max-states ${maxStates})`);
  process.exitCode = total.counterexample !== null || (!result.complete && !budgetReached) ? 1 : 0;
}
