// Sends retired keys to the checker thread and collects the verdicts.
import { Worker } from 'node:worker_threads';
import type { KeyVerdict, OpRecord } from './history.ts';

export class CheckerThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (v: KeyVerdict) => void>();
  private seq = 0;

  constructor() {
    // Node 20 does not carry tsx's loader into a worker: the worker loads it, then the TypeScript file
    const file = new URL('./check-worker.ts', import.meta.url).href;
    this.worker = new Worker(
      `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(import.meta.url)}))`,
      { eval: true },
    );
    this.worker.on('message', (m: { id: number; verdict: KeyVerdict }) => {
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      done?.(m.verdict);
    });
    // a checker that crashes fails the run loudly rather than leaving keys unchecked
    this.worker.on('error', (e) => {
      process.stderr.write(`checker thread failed: ${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    });
  }

  get pending(): number {
    return this.waiting.size;
  }

  check(records: OpRecord[]): Promise<KeyVerdict> {
    const id = this.seq++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, records });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
