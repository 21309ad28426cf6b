// A steady, open-loop workload through the public Table API: `rate` calls started per second
// whatever happens to earlier ones (a stuck call does not slow the arrivals, as with independent
// users), two gets for every set, over keys spread across every partition.
import { performance } from 'node:perf_hooks';
import { PegasusError, type Table } from '../client/index.ts';

const KEYS = 128;
/** how often due calls are started (several per tick at high rates) */
const TICK_MS = 5;

export class Workload {
  private timer: NodeJS.Timeout | null = null;
  private startMs = 0;
  private started = 0;
  private readonly pending = new Set<Promise<void>>();
  /** settle times of successful calls in the last two seconds, for ops/s */
  private readonly recentOk: number[] = [];
  okTotal = 0;
  readonly errors = new Map<string, number>();

  constructor(
    private readonly table: Table,
    private readonly rate: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.startMs = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** stops starting calls; resolves once every started call settled (each has a deadline) */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** successful calls per second over the last second */
  opsPerSecond(nowMs = performance.now()): number {
    while (this.recentOk.length > 0 && this.recentOk[0]! < nowMs - 2000) this.recentOk.shift();
    return this.recentOk.filter((t) => t >= nowMs - 1000).length;
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.startMs) * this.rate) / 1000);
    while (this.started < due) this.launch(this.started++);
  }

  private launch(i: number): void {
    const hashKey = `key-${i % KEYS}`;
    const opts = { timeoutMs: this.timeoutMs };
    const op =
      i % 3 === 2
        ? this.table.set(hashKey, 's', `v${i}`, opts)
        : this.table.get(hashKey, 's', opts).then(() => {});
    const p = op.then(
      () => {
        this.okTotal++;
        this.recentOk.push(performance.now());
      },
      (e: unknown) => {
        const code = e instanceof PegasusError ? e.code : e instanceof Error ? e.name : 'unknown';
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
      },
    );
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
