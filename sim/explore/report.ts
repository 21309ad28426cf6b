// The explorer's result as text: the numbers the issue asks for, coverage, and a counterexample
// with the choice sequence that replays it.
import { formatPath } from './choice.ts';
import type { ExploreResult } from './explorer.ts';

export function formatResult(r: ExploreResult): string {
  const lines = [
    `scope ${r.scope}: ${r.states} distinct states, ${r.transitions} transitions, ${r.terminalPaths} terminal paths, ` +
      `max depth ${r.maxDepth}, ${(r.elapsedMs / 1000).toFixed(1)} s, ` +
      `${Math.round((r.states / Math.max(1, r.elapsedMs)) * 1000)} states/s (${r.replaySteps} replayed steps)` +
      (r.complete ? '' : ' INCOMPLETE (state or time budget)'),
    `  slowest recovery after a single-replica fault ${r.slowestRecoveryMs} ms; coverage: ${r.coverage.join(' ')}`,
  ];
  const cx = r.counterexample;
  if (cx === null) lines.push('  no violation');
  else {
    for (const v of cx.violations) lines.push(`  VIOLATION ${v.invariant} at ${v.atMs} ms: ${v.detail}`);
    lines.push(`  choices (${cx.path.length}): ${formatPath(cx.path)}`);
  }
  return lines.join('\n');
}
