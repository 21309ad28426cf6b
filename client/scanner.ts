// The public scan iterator: batches from the core's scanner, handed out one record at a time.
// Leaving it early (break, return(), an aborted signal, client.close()) clears the server's context.
import type { ScanRecord as CoreRecord, ScanBatch, ScannerSpec } from '../core/client/index.ts';
import { decodeKey } from '../core/routing/index.ts';
import { watchAbort } from './abort-watch.ts';
import { PegasusAbortError, type PegasusError, PegasusStorageError } from './errors.ts';
import { failureToError } from './failure-to-error.ts';
import type { NodeDriver } from './node-driver.ts';

/** One record a scan yields. */
export interface ScanRecord {
  /** its hash key */
  hashKey: Buffer;
  /** its sort key */
  sortKey: Buffer;
  /** its value (empty with `noValue`) */
  value: Buffer;
  /** with `returnExpireTs`: when it expires, in seconds since the Pegasus epoch (0: never) */
  expireTs?: number;
}

function toRecord(r: CoreRecord): ScanRecord {
  const { hashKey, sortKey } = decodeKey(r.key);
  return r.expireTs === undefined
    ? { hashKey, sortKey, value: r.value }
    : { hashKey, sortKey, value: r.value, expireTs: r.expireTs };
}

/**
 * An async iterator over scan records (`for await (const r of scanner)`). Batches are read as the
 * records are consumed; a lost server context is resumed after the last record yielded, so every
 * record is yielded once. Breaking out of the loop, {@link PegasusScanner.return}, aborting the
 * scan's signal or closing the client ends it and clears the server's context. Errors reject
 * `next()` with a {@link PegasusError} subclass.
 */
export class PegasusScanner implements AsyncIterableIterator<ScanRecord> {
  readonly #driver: NodeDriver;
  readonly #id: number;
  readonly #op: string;
  readonly #table: string;
  readonly #signal: AbortSignal | undefined;
  #spec: ScannerSpec | undefined;
  #batch: readonly CoreRecord[] = [];
  #pos = 0;
  #ended = false;
  #chain: Promise<unknown> = Promise.resolve();
  #unwatch: (() => void) | null = null;

  /** @internal built by Table */
  constructor(driver: NodeDriver, op: string, spec: ScannerSpec, signal: AbortSignal | undefined) {
    this.#driver = driver;
    this.#id = driver.newScannerId();
    this.#op = op;
    this.#table = spec.table;
    this.#spec = spec;
    this.#signal = signal;
  }

  /** the scanner itself: `for await (const r of scanner)` */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** the next record; `{ done: true }` once the scan is complete */
  next(): Promise<IteratorResult<ScanRecord, undefined>> {
    const p = this.#chain.then(() => this.#next());
    this.#chain = p.catch(() => undefined);
    return p;
  }

  /** ends the scan early (what `break` calls): the server's context is cleared */
  return(): Promise<IteratorResult<ScanRecord, undefined>> {
    this.#end();
    this.#driver.scanClose(this.#id, 'ERR_ABORTED');
    return Promise.resolve({ done: true, value: undefined });
  }

  /** the same as {@link PegasusScanner.return} */
  async close(): Promise<void> {
    await this.return();
  }

  async #next(): Promise<IteratorResult<ScanRecord, undefined>> {
    for (;;) {
      if (this.#pos < this.#batch.length) return { done: false, value: toRecord(this.#batch[this.#pos++]!) };
      if (this.#ended) return { done: true, value: undefined };
      if (this.#signal?.aborted) {
        this.return();
        throw new PegasusAbortError('ERR_ABORTED', `${this.#op} on table "${this.#table}" aborted`, {
          cause: this.#signal.reason,
          op: this.#op,
          table: this.#table,
        });
      }
      const spec = this.#spec;
      this.#spec = undefined;
      // from the first batch on, an abort ends the scan (and clears its context) even between batches
      if (spec !== undefined && this.#signal !== undefined)
        this.#unwatch = watchAbort(this.#signal, () => this.#driver.scanClose(this.#id, 'ERR_ABORTED'));
      const s = await this.#driver.scanNext(this.#id, spec);
      if (!s.ok) {
        this.#end();
        throw this.#error(s.failure);
      }
      const batch = s.result as ScanBatch;
      if (batch.done) this.#end();
      this.#batch = batch.records;
      this.#pos = 0;
    }
  }

  #error(f: Parameters<typeof failureToError>[0]): PegasusError {
    // the server refused the scan with a storage status (the core names it ERR_STORAGE_<n>)
    const storage = /^ERR_STORAGE_(\d+)$/.exec(f.code);
    if (storage !== null) {
      const e = new PegasusStorageError(Number(storage[1]), '', {
        op: this.#op,
        table: this.#table,
        attempts: f.attempts,
      });
      e.message = `${this.#op} on table "${this.#table}": the server refused it with storage status ${e.code} (${storage[1]})`;
      return e;
    }
    const ctx = { op: this.#op, table: this.#table, idempotent: true };
    return failureToError(f, this.#signal?.aborted ? { ...ctx, abortReason: this.#signal.reason } : ctx);
  }

  #end(): void {
    this.#ended = true;
    this.#batch = [];
    this.#pos = 0;
    this.#unwatch?.();
    this.#unwatch = null;
  }
}
