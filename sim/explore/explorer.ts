// Exhaustive depth-first exploration of a scope: every enabled step from every reachable state,
// each distinct state expanded once (state hashing on ExploreSystem.fingerprint()).
//
// The system holds closures (timers, pending writes), so it cannot be cloned; instead a state is
// rebuilt by replaying its choice prefix on a fresh system, which is deterministic. The live system
// is reused while the search goes deeper, and rebuilt only to try a sibling step after backtracking.
// Safety invariants are checked after every step; end-of-path checks and liveness at every terminal
// state. The first violation stops the search and is returned with its choice sequence.

import { TABLE, type Violation } from '../scenario.ts';
import { type Choice, formatPath } from './choice.ts';
import type { ExploreScope } from './scope.ts';
import { ExploreSystem } from './system.ts';

export interface ExploreOptions {
  /** stop (incomplete) once this many distinct states were visited: the count never exceeds it */
  maxStates?: number;
  /**
   * stop (incomplete) once elapsedMs() has advanced this far (a time bound; needs elapsedMs). The
   * clock is read every 16 steps (a step or a rebuild is at most a few ms), so the search ends
   * within a few tens of ms past the bound.
   */
  maxElapsedMs?: number;
  /** wall-clock source for the report (time is not an input of the exploration itself) */
  elapsedMs?: () => number;
  onProgress?: (stats: ExploreStats) => void;
  progressEvery?: number;
  /** after every rebuild, compare the rebuilt state's fingerprint with the original (default true) */
  verifyReplay?: boolean;
  /** stop (incomplete) when this says so; asked with the time bound, every 16 steps */
  stop?: () => boolean;
  /** cache the client's and the cluster's state text between steps (default true; see system.ts) */
  cacheText?: boolean;
  /**
   * Splitting a search (scripts/explore-parallel.ts): a new, non-terminal state reached with this
   * many faults injected is counted and checked but not expanded; its choice sequence goes to
   * `frontier` for someone else to explore from.
   */
  frontierFaults?: number;
  /**
   * Explore from the state this choice sequence reaches (a frontier item: its states were checked
   * where it was handed out), instead of from the initial state.
   */
  root?: readonly Choice[];
  /**
   * The fingerprints of visited states, shared between searches (the parallel runner's workers);
   * the root state, when given, counts as this search's own even if it is in the set already.
   */
  visited?: VisitedSet;
}

export interface ExploreStats {
  states: number;
  transitions: number;
  terminalPaths: number;
  maxDepth: number;
  /** steps re-executed to rebuild states (the cost of not cloning) */
  replaySteps: number;
  elapsedMs: number;
}

export interface Counterexample {
  violation: Violation;
  /** all violations of the final state */
  violations: Violation[];
  path: Choice[];
}

export interface ExploreResult extends ExploreStats {
  scope: string;
  /** false when maxStates or maxElapsedMs cut the search short */
  complete: boolean;
  counterexample: Counterexample | null;
  /**
   * Over terminal paths without late packets whose faults all hit one replica: the largest budget (deadline minus last
   * fault) an idempotent call had and still failed; liveness needs recoveryBoundMs above it.
   */
  longestFailedBudgetMs: number;
  /** the slowest success after the last fault, same paths */
  slowestRecoveryMs: number;
  /** machine leaf states, call outcomes and fault kinds seen (see ExploreSystem.coverage) */
  coverage: string[];
  /** the choice sequences of the states left unexpanded for others (see frontierFaults) */
  frontier: Choice[][];
}

/** a set of state fingerprints; `add` is atomic (true: added now; false: it was there) */
export interface VisitedSet {
  has(fp: string): boolean;
  add(fp: string): boolean;
}

/** the one-thread visited set */
export function visitedSet(): VisitedSet & { readonly fingerprints: Set<string> } {
  const fingerprints = new Set<string>();
  return {
    fingerprints,
    has: (fp) => fingerprints.has(fp),
    add: (fp) => {
      const before = fingerprints.size;
      return fingerprints.add(fp).size > before;
    },
  };
}

interface Frame {
  choices: Choice[];
  next: number;
  /** the fingerprint of the state whose steps these are */
  fp: string;
}

export function explore(scope: ExploreScope, options: ExploreOptions = {}): ExploreResult {
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const clock = options.elapsedMs ?? (() => 0);
  const maxElapsedMs = options.maxElapsedMs ?? Number.POSITIVE_INFINITY;
  const started = clock();
  const stats: ExploreStats = {
    states: 0,
    transitions: 0,
    terminalPaths: 0,
    maxDepth: 0,
    replaySteps: 0,
    elapsedMs: 0,
  };
  let longestFailedBudgetMs = Number.NEGATIVE_INFINITY;
  let slowestRecoveryMs = 0;
  const visited = options.visited ?? visitedSet();
  const coverage = new Set<string>();
  const frontier: Choice[][] = [];
  const root = options.root ?? [];
  const path: Choice[] = [...root];
  let sys = new ExploreSystem(scope, options.cacheText !== false);
  for (const c of root) sys.apply(c, false);
  // true while `sys` is exactly the state reached by `path`
  let live = true;
  let counterexample: Counterexample | null = null;

  const result = (complete: boolean): ExploreResult => {
    stats.elapsedMs = clock() - started;
    return {
      ...stats,
      scope: scope.name,
      complete,
      counterexample,
      longestFailedBudgetMs,
      slowestRecoveryMs,
      coverage: [...coverage].sort(),
      frontier,
    };
  };
  const found = (violations: Violation[]): ExploreResult => {
    counterexample = { violation: violations[0]!, violations, path: [...path] };
    return result(true);
  };

  if (sys.monitor.violations.length > 0) return found(sys.monitor.violations);
  const fp0 = sys.fingerprint();
  if (!visited.add(fp0) && options.root === undefined) return result(true);
  stats.states = 1;
  sys.coverage(coverage);
  const stack: Frame[] = [{ choices: sys.enabled(), next: 0, fp: fp0 }];

  let iterations = 0;
  while (stack.length > 0) {
    // every 16 iterations (pops, visited hits and new states alike), so the bound holds even when
    // a stretch of the search finds no new state
    if ((++iterations & 15) === 0 && (clock() - started >= maxElapsedMs || options.stop?.() === true))
      return result(false);
    const top = stack[stack.length - 1]!;
    const depth = root.length + stack.length - 1;
    const choice = top.choices[top.next++];
    if (choice === undefined) {
      stack.pop();
      path.pop();
      live = false;
      continue;
    }
    if (!live) {
      sys = new ExploreSystem(scope, options.cacheText !== false);
      for (const c of path) sys.apply(c, false);
      stats.replaySteps += path.length;
      // Rebuilding relies on determinism; a state that does not come back means the search is wrong.
      if (options.verifyReplay !== false && sys.fingerprint() !== top.fp)
        throw new Error(`explore: replay of ${formatPath(path)} is not deterministic`);
    }
    sys.apply(choice);
    stats.transitions++;
    path.push(choice);
    live = false;
    if (sys.monitor.violations.length > 0) return found(sys.monitor.violations);
    const fp = sys.fingerprint();
    if (visited.has(fp)) {
      path.pop();
      continue;
    }
    if (stats.states >= maxStates) return result(false);
    // another search sharing the set may have added it since has()
    if (!visited.add(fp)) {
      path.pop();
      continue;
    }
    stats.states++;
    sys.coverage(coverage);
    if (depth + 1 > stats.maxDepth) stats.maxDepth = depth + 1;
    if (options.onProgress !== undefined && stats.states % (options.progressEvery ?? 10_000) === 0) {
      stats.elapsedMs = clock() - started;
      options.onProgress({ ...stats });
    }
    if (sys.terminal) {
      stats.terminalPaths++;
      const violations = sys.finish();
      if (violations.length > 0) return found(violations);
      const rec = recoveryOf(sys);
      longestFailedBudgetMs = Math.max(longestFailedBudgetMs, rec.failedBudgetMs);
      slowestRecoveryMs = Math.max(slowestRecoveryMs, rec.recoveryMs);
      path.pop();
      continue;
    }
    if (options.frontierFaults !== undefined && sys.faults.length >= options.frontierFaults) {
      frontier.push([...path]);
      path.pop();
      continue;
    }
    stack.push({ choices: sys.enabled(), next: 0, fp });
    live = true;
  }
  return result(true);
}

/** recovery figures of one terminal path (see ExploreResult) */
function recoveryOf(sys: ExploreSystem): { failedBudgetMs: number; recoveryMs: number } {
  const out = { failedBudgetMs: Number.NEGATIVE_INFINITY, recoveryMs: 0 };
  const faults = sys.faults;
  if (faults.length === 0 || sys.delaysUsed > 0) return out;
  const first = sys.address(faults[0]!.fault);
  if (
    faults.some((f) => f.fault.meta === true || f.fault.kind === 'leader' || sys.address(f.fault) !== first)
  )
    return out;
  if (first === TABLE) return out; // topology changes: no failover bound
  const last = Math.max(...faults.map((f) => f.atMs));
  for (const r of sys.monitor.calls) {
    if (r.op === 'incr' || r.op === 'casAbsent' || r.op === 'cam') continue;
    if (r.ok === true && r.settleMs !== null) out.recoveryMs = Math.max(out.recoveryMs, r.settleMs - last);
    if (r.ok === false) out.failedBudgetMs = Math.max(out.failedBudgetMs, r.deadlineMs - last);
  }
  return out;
}
