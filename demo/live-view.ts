// What the live display shows about the run in progress: the client's view (node health and
// routes, from its 'health' and 'routing' events), the onebox's view (processes, meta's ballots),
// the workload's counters, and a short log of what happened when.
import { performance } from 'node:perf_hooks';
import type { PegasusClient } from '../client/index.ts';
import type { Onebox } from '../onebox/index.ts';
import type { Workload } from './workload.ts';

export interface NodeRow {
  address: string;
  process: string;
  /** the client's health machine: idle, connecting, ready, suspect, down */
  health: string;
  primaries: number;
}

export interface PartitionRow {
  index: number;
  clientBallot: string;
  clientPrimary: string;
  metaBallot: number;
  metaPrimary: string;
}

export interface LiveSnapshot {
  policy: string;
  elapsedMs: number;
  durationMs: number;
  fault: string;
  nodes: NodeRow[];
  partitions: PartitionRow[];
  opsPerSecond: number;
  ok: number;
  errors: Array<[string, number]>;
  inFlight: number;
  log: string[];
}

const LOG_LINES = 6;

export const shortAddress = (a: string) => (a === '' ? '-' : a.slice(a.lastIndexOf(':')));

export class LiveView {
  private readonly health = new Map<string, string>();
  private readonly routes = new Map<number, { ballot: string; primary: string }>();
  private readonly log: string[] = [];
  private workload: Workload | null = null;
  private startMs = performance.now();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    readonly policy: string,
    private readonly box: Onebox,
    private readonly table: string,
    private readonly durationMs: number,
    private fault = 'pending',
  ) {
    const appId = box.tables[table]?.appId;
    box.cluster.model.onChange((ch) => {
      if (ch.appId !== appId || this.workload === null) return;
      const what = ch.config.primary === '' ? 'no primary' : `primary ${shortAddress(ch.config.primary)}`;
      this.note(`meta: p${ch.partitionIndex} ballot ${ch.config.ballot} ${what}`);
    });
  }

  watch(client: PegasusClient): void {
    this.unsubscribe.push(
      client.on('health', (e) => {
        const before = this.health.get(e.address);
        this.health.set(e.address, e.health);
        if (this.workload !== null && before !== undefined && (e.health === 'down' || before === 'down'))
          this.note(`client: ${shortAddress(e.address)} ${e.health}`);
      }),
      client.on('routing', (e) => {
        if (e.table !== this.table) return;
        for (const c of e.changed) {
          this.routes.set(c.index, { ballot: String(c.ballot), primary: c.primary });
          if (this.workload !== null)
            this.note(`client: p${c.index} ballot ${c.ballot} -> ${shortAddress(c.primary)}`);
        }
      }),
    );
  }

  running(workload: Workload): void {
    this.workload = workload;
    this.startMs = performance.now();
  }

  faultInjected(label: string): void {
    this.fault = `${label} at +${this.seconds()}`;
    this.note(`fault: ${label}`);
  }

  note(line: string): void {
    this.log.push(`+${this.seconds()}  ${line}`);
    if (this.log.length > LOG_LINES) this.log.shift();
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  snapshot(): LiveSnapshot {
    const state = this.box.state();
    const t = state.tables.find((x) => x.name === this.table);
    const w = this.workload;
    return {
      policy: this.policy,
      elapsedMs: performance.now() - this.startMs,
      durationMs: this.durationMs,
      fault: this.fault,
      nodes: state.replicas.map((r) => ({
        address: r.address,
        process: r.process,
        health: this.health.get(r.address) ?? '-',
        primaries: r.primaryCount,
      })),
      partitions: (t?.partitions ?? []).map((p) => {
        const route = this.routes.get(p.index);
        return {
          index: p.index,
          clientBallot: route?.ballot ?? '-',
          clientPrimary: route?.primary ?? '',
          metaBallot: p.ballot,
          metaPrimary: p.primary,
        };
      }),
      opsPerSecond: w?.opsPerSecond() ?? 0,
      ok: w?.okTotal ?? 0,
      errors: [...(w?.errors ?? [])].sort((a, b) => b[1] - a[1]),
      inFlight: w?.inFlight ?? 0,
      log: [...this.log],
    };
  }

  private seconds(): string {
    return `${((performance.now() - this.startMs) / 1000).toFixed(2)}s`;
  }
}
