// The fault schedule: one fault every 1-3 s, drawn (seeded) from every kind the onebox has, plus
// partition split and table drop + recreate. Node faults come with their own end (restart after,
// resume after, heal after) so the cluster keeps recovering; a slowed node is healed later.
import { FAULT_KINDS, SeededRandom } from '../onebox/index.ts';

/** Every fault kind of the onebox's control API, then the two table-level changes, in this order
 * (seeded schedules map draws onto it). */
export const SOAK_FAULT_KINDS = [...FAULT_KINDS, 'split', 'recreate'] as const;

export type SoakFaultKind = (typeof SOAK_FAULT_KINDS)[number];

export interface PlannedFault {
  /** ms since the start of the workload */
  atMs: number;
  kind: SoakFaultKind;
  /** 'host:port' for node faults, a table name for split and recreate */
  target: string;
  ms?: number;
}

export interface FaultLogEntry extends PlannedFault {
  /** HTTP status of the control endpoint's answer (200, or 409 when the cluster refused) */
  status: number;
  message: string;
}

export interface FaultTargets {
  metas: readonly string[];
  replicas: readonly string[];
  splitTables: readonly string[];
  recreateTable: string;
}

/** the whole schedule, decided up front from the seed (so a failing run's schedule replays) */
export function planFaults(seed: number, durationMs: number, t: FaultTargets): PlannedFault[] {
  const rnd = new SeededRandom(seed ^ 0x5eed);
  const between = (lo: number, hi: number) => lo + Math.floor(rnd.nextFloat() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd.nextFloat() * xs.length)]!;
  const out: PlannedFault[] = [];
  let at = between(1000, 3000);
  let i = 0;
  while (at < durationMs) {
    // every kind once in each round of 12 (shuffled), so a short run still sees them all
    const round = Math.floor(i / SOAK_FAULT_KINDS.length);
    const order = shuffled(SOAK_FAULT_KINDS, seed + round);
    const kind = order[i % SOAK_FAULT_KINDS.length]!;
    const replica = pick(t.replicas);
    const meta = pick(t.metas);
    const anyNode = rnd.nextFloat() < 0.25 ? meta : replica;
    switch (kind) {
      case 'crash':
        out.push({ atMs: at, kind, target: anyNode, ms: between(300, 3000) });
        break;
      case 'hang':
      case 'partition':
        out.push({ atMs: at, kind, target: anyNode, ms: between(300, 2500) });
        break;
      case 'coredump': {
        // a core dump ends in a crash: the node is restarted later, as an operator would
        const ms = between(200, 1500);
        out.push({ atMs: at, kind, target: replica, ms });
        out.push({ atMs: at + ms + between(500, 3000), kind: 'restart', target: replica });
        break;
      }
      case 'restart':
        out.push({ atMs: at, kind, target: anyNode });
        break;
      case 'heal':
        out.push({ atMs: at, kind, target: anyNode });
        break;
      case 'slow': {
        const ms = between(20, 300);
        out.push({ atMs: at, kind, target: replica, ms });
        out.push({ atMs: at + between(1000, 4000), kind: 'heal', target: replica });
        break;
      }
      case 'busy':
      case 'throttle-backup':
        out.push({ atMs: at, kind, target: replica, ms: between(200, 2000) });
        break;
      case 'leader':
        out.push({ atMs: at, kind, target: meta, ms: between(0, 500) });
        break;
      case 'split':
        out.push({ atMs: at, kind, target: pick(t.splitTables) });
        break;
      case 'recreate':
        out.push({ atMs: at, kind, target: t.recreateTable, ms: between(100, 800) });
        break;
    }
    i++;
    at += between(1000, 3000);
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rnd = new SeededRandom(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.nextFloat() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
