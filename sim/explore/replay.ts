// Replays a choice sequence on a fresh system of the same scope, checking every invariant on the
// way: a counterexample printed by the explorer reproduces here, step by step, with a readable log.
import type { Violation } from '../scenario.ts';
import { type Choice, formatChoice, parsePath } from './choice.ts';
import type { ExploreScope } from './scope.ts';
import { ExploreSystem } from './system.ts';

export interface ReplayResult {
  violations: Violation[];
  /** one line per step: time, choice, what it did */
  log: string[];
  /** the path reached a terminal state and its end-of-path checks ran */
  terminal: boolean;
  system: ExploreSystem;
}

function describeChoice(sys: ExploreSystem, c: Choice): string {
  switch (c.type) {
    case 'deliver': {
      const server = sys.net.serverOf(c.conn);
      const what = sys.net.packetOf(c);
      return c.dir === 'c2s'
        ? `${what}: client -> ${server} (#${c.conn})`
        : `${what}: ${server} -> client (#${c.conn})`;
    }
    case 'time':
      return `timers at ${sys.net.nextTimerAtMs()} ms${c.late ? ', packets in flight held late' : ''}`;
    case 'fault': {
      const f = sys.scope.faultMenu[c.index];
      return f === undefined ? '?' : `${f.kind}${f.ms === undefined ? '' : ` ${f.ms} ms`} ${sys.address(f)}`;
    }
  }
}

export function replay(scope: ExploreScope, path: readonly Choice[] | string): ReplayResult {
  const choices = typeof path === 'string' ? parsePath(path) : path;
  const sys = new ExploreSystem(scope);
  const log: string[] = [];
  for (const c of choices) {
    const text = formatChoice(c);
    if (!sys.enabled().some((e) => formatChoice(e) === text))
      throw new Error(`replay: step ${log.length} (${text}) is not enabled at ${sys.net.nowMs()} ms`);
    log.push(`${String(sys.net.nowMs()).padStart(5)} ms  ${text.padEnd(5)} ${describeChoice(sys, c)}`);
    sys.apply(c);
    if (sys.monitor.violations.length > 0)
      return { violations: [...sys.monitor.violations], log, terminal: false, system: sys };
  }
  if (!sys.terminal) return { violations: [], log, terminal: false, system: sys };
  return { violations: sys.finish(), log, terminal: true, system: sys };
}
