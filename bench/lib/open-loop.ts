// A steady open-loop workload for the failover runs: calls start at a fixed rate whatever happens
// to earlier ones (as independent users would), two gets for every set, keys over every partition.
// Each call has its own deadline, so stop() always finishes.
import { performance } from 'node:perf_hooks';
import type { Table } from '../../client/index.ts';
import type { BenchKey } from './keys.ts';

const TICK_MS = 5;

export class OpenLoop {
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private started = 0;
  private readonly inFlight = new Set<Promise<void>>();
  failed = 0;

  constructor(
    private readonly table: Table,
    private readonly keys: readonly BenchKey[],
    private readonly value: Buffer,
    private readonly ratePerSec: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.t0 = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - this.t0) * this.ratePerSec) / 1000);
      for (; this.started < due; this.started++) this.launch(this.started);
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private launch(n: number): void {
    const k = this.keys[n % this.keys.length]!;
    const opts = { timeoutMs: this.timeoutMs };
    const call =
      n % 3 === 2
        ? this.table.set(k.hashKey, k.sortKey, this.value, opts)
        : this.table.get(k.hashKey, k.sortKey, opts).then(() => undefined);
    const p: Promise<void> = call.catch(() => {
      this.failed++;
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
