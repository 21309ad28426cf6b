// A table handle: the public operations. Every method validates its arguments before anything is
// sent (a bad argument rejects with PegasusArgumentError), then runs one call through the core.
import type { CoreEvent, HedgeSpec } from '../core/client/index.ts';
import { type RpcName, rpcInfo, writeBodyBytesOver } from '../core/wire/index.ts';
import { hedgeOf, NO_BACKUPS, type TableBackups } from './backup-requests.ts';
import { callChannel } from './call-channel.ts';
import { type AttemptRecord, PegasusAbortError, PegasusError, PegasusWriteTooLargeError } from './errors.ts';
import { failureToError } from './failure-to-error.ts';
import type { ClientMetrics } from './metrics.ts';
import type { NodeDriver } from './node-driver.ts';
import { batchGetPlan, checkKeys, groupByPartition, type RecordKey } from './ops/batch-get.ts';
import {
  CHECK_AND_MUTATE_OPTION_KEYS,
  type CheckAndMutateOptions,
  type CheckAndMutateResult,
  type CompareExchangeResult,
  checkAndMutatePlan,
  compareExchangePlan,
  type Mutation,
} from './ops/check-and-mutate.ts';
import type { CheckType } from './ops/check-type.ts';
import { type MultiGetRange, type MultiGetResult, multiGetPlan } from './ops/multi-get.ts';
import { type OpPlan, StorageRefusal, storageError } from './ops/op-plan.ts';
import { existPlan, getPlan, sortKeyCountPlan, type TtlResult, ttlPlan } from './ops/read-ops.ts';
import { fullScanOptions, hashScanPlan, type ScanOptions } from './ops/scan-plan.ts';
import {
  type CheckAndSetResult,
  checkAndSetPlan,
  delPlan,
  incrPlan,
  type MultiSetEntries,
  multiDelPlan,
  multiSetPlan,
  setPlan,
} from './ops/write-ops.ts';
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  CHECK_AND_SET_OPTION_KEYS,
  type CheckAndSetOptions,
  DEFAULT_MAX_WRITE_BYTES,
  INCR_OPTION_KEYS,
  type IncrOptions,
  keyList,
  READ_OPTION_KEYS,
  type ReadOptions,
  WRITE_OPTION_KEYS,
  type WriteOptions,
} from './options.ts';
import { PegasusScanner } from './scanner.ts';
import {
  type Bytes,
  checkBoolean,
  checkLimit,
  checkOptions,
  checkSignal,
  checkTimeoutMs,
  fail,
  toBytes,
} from './validate.ts';

/** What {@link Table.multiGetSortKeys} resolves to. */
export interface SortKeysResult {
  /** the sort keys, ascending */
  sortKeys: Buffer[];
  /** false when a limit (the caller's or the server's) stopped the read before the end */
  complete: boolean;
}

/** The outcome of one item of a batch helper ({@link Table.batchSet} and the like). */
export type BatchOutcome<T> =
  | {
      /** the item succeeded */
      ok: true;
      /** its result */
      value: T;
    }
  | {
      /** the item failed */
      ok: false;
      /** why (the error its own call would have thrown) */
      error: PegasusError;
    };

const SET_ITEM_KEYS = keyList<{ hashKey: Bytes; sortKey: Bytes; value: Bytes; ttlSeconds?: number }>({
  hashKey: true,
  sortKey: true,
  value: true,
  ttlSeconds: true,
});
const MULTI_GET_ITEM_KEYS = keyList<{ hashKey: Bytes; query: unknown }>({ hashKey: true, query: true });
const MULTI_SET_ITEM_KEYS = keyList<{ hashKey: Bytes; entries: unknown; ttlSeconds?: number }>({
  hashKey: true,
  entries: true,
  ttlSeconds: true,
});
const MULTI_DEL_ITEM_KEYS = keyList<{ hashKey: Bytes; sortKeys: unknown }>({ hashKey: true, sortKeys: true });
const SORT_KEYS_OPTION_KEYS = keyList<CallOptions & { maxCount?: number; maxBytes?: number }>({
  timeoutMs: true,
  signal: true,
  maxCount: true,
  maxBytes: true,
});
const DEL_RANGE_OPTION_KEYS = keyList<CallOptions & { batchSize?: number }>({
  timeoutMs: true,
  signal: true,
  batchSize: true,
});

function checkItems(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v) || v.length === 0) fail(`${name} must be a non-empty array`);
  return v as unknown[];
}

/**
 * An open table: its data operations. Every method checks its arguments before anything is sent
 * (a bad one rejects with {@link PegasusArgumentError}) and settles by its deadline: resolved, or
 * rejected with a {@link PegasusError} subclass. Keys and values are {@link Bytes}.
 */
export class Table {
  /** @internal built by PegasusClient.openTable */
  constructor(
    private readonly driver: NodeDriver,
    /** the table's name */
    readonly name: string,
    /** the table's id on the cluster when it was opened (a table created again gets a new one; see the `routing` event) */
    readonly appId: number,
    /** its number of partitions when it was opened (a split doubles it; see the `routing` event) */
    readonly partitionCount: number,
    /** the largest request body a write may have (the `maxWriteBytes` option) */
    readonly maxWriteBytes: number = DEFAULT_MAX_WRITE_BYTES,
    private readonly metrics: ClientMetrics | null = null,
    /** backup requests of its reads (openTable's options) */
    private readonly backups: TableBackups = NO_BACKUPS,
  ) {}

  /** the value, or null when the record does not exist (or expired) */
  get(hashKey: Bytes, sortKey: Bytes, opts?: ReadOptions): Promise<Buffer | null> {
    // Not async: the promise of the call itself is returned (an async wrapper would add a promise
    // and three microtask turns to every call); a bad argument still rejects, never throws.
    try {
      return this.read(getPlan(hashKey, sortKey), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** writes the value (with `ttlSeconds`, it expires) */
  set(hashKey: Bytes, sortKey: Bytes, value: Bytes, opts?: WriteOptions): Promise<void> {
    try {
      const o = checkOptions<WriteOptions>('options', opts, WRITE_OPTION_KEYS);
      return this.run(setPlan(hashKey, sortKey, value, o.ttlSeconds), o);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** deleting an absent record succeeds */
  del(hashKey: Bytes, sortKey: Bytes, opts?: CallOptions): Promise<void> {
    try {
      return this.run(delPlan(hashKey, sortKey), checkOptions('options', opts, CALL_OPTION_KEYS));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * `query` is a non-empty list of sort keys (only found ones are returned), or a range
   * (`{}` reads every sort key under the hash key, up to the limits).
   */
  multiGet(hashKey: Bytes, query: Bytes[] | MultiGetRange, opts?: ReadOptions): Promise<MultiGetResult> {
    try {
      return this.read(multiGetPlan(hashKey, query), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** writes every entry atomically under one hash key (one TTL for all) */
  async multiSet(hashKey: Bytes, entries: MultiSetEntries, opts?: WriteOptions): Promise<void> {
    const o = checkOptions<WriteOptions>('options', opts, WRITE_OPTION_KEYS);
    return this.run(multiSetPlan(hashKey, entries, o.ttlSeconds), o);
  }

  /** deletes the given sort keys under one hash key (absent ones are no error) */
  async multiDel(hashKey: Bytes, sortKeys: Bytes[], opts?: CallOptions): Promise<void> {
    return this.run(multiDelPlan(hashKey, sortKeys), checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** adds `delta` to a decimal int64 value (absent counts as 0) and returns the new value */
  async incr(hashKey: Bytes, sortKey: Bytes, delta: bigint | number, opts?: IncrOptions): Promise<bigint> {
    const o = checkOptions<IncrOptions>('options', opts, INCR_OPTION_KEYS);
    return this.run(incrPlan(hashKey, sortKey, delta, o.ttlSeconds), o);
  }

  /**
   * Atomically: if the value at `checkSortKey` passes `checkType` against `checkOperand`, write
   * `setValue` at `setSortKey` (same hash key). `setSucceed` says whether the check passed.
   */
  async checkAndSet(
    hashKey: Bytes,
    checkSortKey: Bytes,
    checkType: CheckType,
    checkOperand: Bytes,
    setSortKey: Bytes,
    setValue: Bytes,
    opts?: CheckAndSetOptions,
  ): Promise<CheckAndSetResult> {
    const o = checkOptions<CheckAndSetOptions>('options', opts, CHECK_AND_SET_OPTION_KEYS);
    const returnCheckValue = checkBoolean('returnCheckValue', o.returnCheckValue, false);
    return this.run(
      checkAndSetPlan(
        hashKey,
        checkSortKey,
        checkType,
        checkOperand,
        setSortKey,
        setValue,
        o.ttlSeconds,
        returnCheckValue,
      ),
      o,
    );
  }

  /**
   * Atomically: if the value at `checkSortKey` passes `checkType` against `checkOperand`, apply
   * every mutation (sets, each with its own TTL, and deletes) under the same hash key. Not
   * idempotent: an ambiguous failure rejects with PegasusOutcomeUnknownError and is never resent.
   * @example
   * const r = await table.checkAndMutate('order-7', 'state', 'valueBytesEqual', 'open', [
   *   { type: 'set', sortKey: 'state', value: 'paid' },
   *   { type: 'set', sortKey: 'receipt', value: 'r-19', ttlSeconds: 86400 },
   *   { type: 'del', sortKey: 'cart' },
   * ]);
   */
  async checkAndMutate(
    hashKey: Bytes,
    checkSortKey: Bytes,
    checkType: CheckType,
    checkOperand: Bytes,
    mutations: Mutation[],
    opts?: CheckAndMutateOptions,
  ): Promise<CheckAndMutateResult> {
    const o = checkOptions<CheckAndMutateOptions>('options', opts, CHECK_AND_MUTATE_OPTION_KEYS);
    const returnCheckValue = checkBoolean('returnCheckValue', o.returnCheckValue, false);
    return this.run(
      checkAndMutatePlan(hashKey, checkSortKey, checkType, checkOperand, mutations, returnCheckValue),
      o,
    );
  }

  /**
   * Atomically: if the record's value is `expected` (bytes equal), write `desired`. On failure the
   * value found is returned (null: no record). Not idempotent, like checkAndSet.
   * @example
   * const { setSucceed, actualValue } = await table.compareExchange('lock', 'owner', 'me', 'you');
   */
  async compareExchange(
    hashKey: Bytes,
    sortKey: Bytes,
    expected: Bytes,
    desired: Bytes,
    opts?: WriteOptions,
  ): Promise<CompareExchangeResult> {
    const o = checkOptions<WriteOptions>('options', opts, WRITE_OPTION_KEYS);
    return this.run(compareExchangePlan(hashKey, sortKey, expected, desired, o.ttlSeconds), o);
  }

  /**
   * The values of many records (any hash keys), in the order of `keys` (null: not found). One
   * batch_get per partition; a server too old for batch_get (ERR_HANDLER_NOT_FOUND) is read key by key.
   * A read like get: with the table's backup requests (or `backupRequestDelayMs` here), each
   * partition's batch_get may be served by a secondary.
   * @example
   * const [a, b] = await table.batchGet([['user-1', 'name'], ['user-2', 'name']]);
   */
  async batchGet(keys: RecordKey[], opts?: ReadOptions): Promise<Array<Buffer | null>> {
    const o = checkOptions<ReadOptions>('options', opts, READ_OPTION_KEYS);
    const hedge = hedgeOf(this.backups, o, this.driver.core.options.headerVersion);
    const checked = checkKeys(keys);
    const out: Array<Buffer | null> = new Array(checked.length).fill(null);
    await Promise.all(
      groupByPartition(checked, this.currentPartitionCount()).map(async (group) => {
        let values: Array<Buffer | null>;
        try {
          values = await this.run(batchGetPlan(checked, group), o, hedge);
        } catch (e) {
          if (!(e instanceof PegasusError) || e.code !== 'ERR_HANDLER_NOT_FOUND') throw e;
          values = await Promise.all(
            group.map((i) => this.run(getPlan(checked[i]!.hashKey, checked[i]!.sortKey), o, hedge)),
          );
        }
        group.forEach((i, j) => {
          out[i] = values[j] ?? null;
        });
      }),
    );
    return out;
  }

  /**
   * Many sets, each its own call: one outcome per item, in order, so one failure does not hide the
   * others' results (Java's batchSet2). Every item is checked before anything is sent.
   * @example
   * const outcomes = await table.batchSet([{ hashKey: 'a', sortKey: 's', value: '1' }]);
   * const failed = outcomes.filter((o) => !o.ok);
   */
  async batchSet(
    items: Array<{ hashKey: Bytes; sortKey: Bytes; value: Bytes; ttlSeconds?: number }>,
    opts?: CallOptions,
  ): Promise<Array<BatchOutcome<void>>> {
    const plans = checkItems('items', items).map((it, i) => {
      const item = checkOptions<{ hashKey: Bytes; sortKey: Bytes; value: Bytes; ttlSeconds?: number }>(
        `items[${i}]`,
        it,
        SET_ITEM_KEYS,
      );
      return setPlan(item.hashKey, item.sortKey, item.value, item.ttlSeconds);
    });
    return this.runEach(plans, checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** Many deletes, one outcome per item in order (Java's batchDel2). */
  async batchDel(items: RecordKey[], opts?: CallOptions): Promise<Array<BatchOutcome<void>>> {
    const plans = checkItems('items', items).map((k, i) => {
      if (!Array.isArray(k) || k.length !== 2) fail(`items[${i}] must be [hashKey, sortKey]`);
      const [h, s] = k as unknown[];
      return delPlan(h, s);
    });
    return this.runEach(plans, checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** Many multiGets (one per hash key), one outcome per item in order (Java's batchMultiGet2). */
  async batchMultiGet(
    items: Array<{ hashKey: Bytes; query: Bytes[] | MultiGetRange }>,
    opts?: CallOptions,
  ): Promise<Array<BatchOutcome<MultiGetResult>>> {
    const plans = checkItems('items', items).map((it, i) => {
      const item = checkOptions<{ hashKey: Bytes; query: Bytes[] | MultiGetRange }>(
        `items[${i}]`,
        it,
        MULTI_GET_ITEM_KEYS,
      );
      return multiGetPlan(item.hashKey, item.query);
    });
    return this.runEach(plans, checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** Many multiSets (one per hash key), one outcome per item in order (Java's batchMultiSet2). */
  async batchMultiSet(
    items: Array<{ hashKey: Bytes; entries: MultiSetEntries; ttlSeconds?: number }>,
    opts?: CallOptions,
  ): Promise<Array<BatchOutcome<void>>> {
    const plans = checkItems('items', items).map((it, i) => {
      const item = checkOptions<{ hashKey: Bytes; entries: MultiSetEntries; ttlSeconds?: number }>(
        `items[${i}]`,
        it,
        MULTI_SET_ITEM_KEYS,
      );
      return multiSetPlan(item.hashKey, item.entries, item.ttlSeconds);
    });
    return this.runEach(plans, checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** Many multiDels (one per hash key), one outcome per item in order (Java's batchMultiDel2). */
  async batchMultiDel(
    items: Array<{ hashKey: Bytes; sortKeys: Bytes[] }>,
    opts?: CallOptions,
  ): Promise<Array<BatchOutcome<void>>> {
    const plans = checkItems('items', items).map((it, i) => {
      const item = checkOptions<{ hashKey: Bytes; sortKeys: Bytes[] }>(
        `items[${i}]`,
        it,
        MULTI_DEL_ITEM_KEYS,
      );
      return multiDelPlan(item.hashKey, item.sortKeys);
    });
    return this.runEach(plans, checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /**
   * The sort keys under a hash key (no values), up to the server's limits: a multiGet range with
   * `noValue` (Java's multiGetSortKeys). `complete` is false when a limit stopped it.
   */
  async multiGetSortKeys(
    hashKey: Bytes,
    opts?: CallOptions & { maxCount?: number; maxBytes?: number },
  ): Promise<SortKeysResult> {
    const o = checkOptions<CallOptions & { maxCount?: number; maxBytes?: number }>(
      'options',
      opts,
      SORT_KEYS_OPTION_KEYS,
    );
    const range: MultiGetRange = { noValue: true };
    if (o.maxCount !== undefined) range.maxCount = o.maxCount;
    if (o.maxBytes !== undefined) range.maxBytes = o.maxBytes;
    const r = await this.run(multiGetPlan(hashKey, range), o);
    return { sortKeys: r.entries.map((e) => e.sortKey), complete: r.complete };
  }

  /**
   * Deletes every sort key of `hashKey` from `startSortKey` (inclusive) to `stopSortKey` (exclusive;
   * empty: to the end): a scan of the sort keys, deleted in multiDel chunks of `batchSize`. Resolves
   * with the number of records deleted. Not atomic: a failure leaves the part before it deleted.
   * @example
   * const n = await table.delRange('user-1', 'log-2025', 'log-2026');
   */
  async delRange(
    hashKey: Bytes,
    startSortKey: Bytes,
    stopSortKey: Bytes,
    opts?: CallOptions & { batchSize?: number },
  ): Promise<number> {
    const o = checkOptions<CallOptions & { batchSize?: number }>('options', opts, DEL_RANGE_OPTION_KEYS);
    const stop = toBytes('stopSortKey', stopSortKey);
    const batchSize = o.batchSize === undefined ? 100 : checkLimit('batchSize', o.batchSize);
    const scanOpts: ScanOptions = { startSortKey, noValue: true, batchSize };
    if (stop.length > 0) scanOpts.stopSortKey = stop;
    if (o.timeoutMs !== undefined) scanOpts.timeoutMs = o.timeoutMs;
    if (o.signal !== undefined) scanOpts.signal = o.signal;
    const scanner = this.scan(hashKey, scanOpts);
    let chunk: Buffer[] = [];
    let deleted = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.run(multiDelPlan(hashKey, chunk), o);
      deleted += chunk.length;
      chunk = [];
    };
    for await (const r of scanner) {
      chunk.push(r.sortKey);
      if (chunk.length >= batchSize) await flush();
    }
    await flush();
    return deleted;
  }

  /** runs each plan as its own call: one outcome per plan, in order */
  private runEach<N extends RpcName, T>(
    plans: Array<OpPlan<N, T>>,
    o: Partial<CallOptions>,
  ): Promise<Array<BatchOutcome<T>>> {
    return Promise.all(
      plans.map((p) =>
        this.run(p, o).then(
          (value): BatchOutcome<T> => ({ ok: true, value }),
          (error: unknown): BatchOutcome<T> => ({ ok: false, error: error as PegasusError }),
        ),
      ),
    );
  }

  /** remaining TTL: `{ exists: false }`, or `{ exists: true, ttlSeconds }` (null = never expires) */
  async ttl(hashKey: Bytes, sortKey: Bytes, opts?: ReadOptions): Promise<TtlResult> {
    return this.read(ttlPlan(hashKey, sortKey), opts);
  }

  /** whether the record exists (and has not expired) */
  async exist(hashKey: Bytes, sortKey: Bytes, opts?: ReadOptions): Promise<boolean> {
    return this.read(existPlan(hashKey, sortKey), opts);
  }

  /** number of live sort keys under the hash key */
  async sortKeyCount(hashKey: Bytes, opts?: ReadOptions): Promise<number> {
    return this.read(sortKeyCountPlan(hashKey), opts);
  }

  /**
   * A read a secondary may serve: with backup requests (the table's, or the read's override). The
   * hook for further single-plan reads: build the plan, then call this instead of run().
   */
  private read<N extends RpcName, T>(plan: OpPlan<N, T>, opts: ReadOptions | undefined): Promise<T> {
    const o = checkOptions<ReadOptions>('options', opts, READ_OPTION_KEYS);
    const hedge = hedgeOf(this.backups, o, this.driver.core.options.headerVersion);
    return this.run(plan, o, hedge);
  }

  /**
   * The records of one hash key in sort-key order, as an async iterator. A lost server context
   * (replica restart, primary move, hung node, 5 idle minutes) is resumed after the last record
   * yielded: each record comes once, sort keys strictly increasing.
   * @example
   * for await (const r of table.scan('user-1', { startSortKey: 'a', stopSortKey: 'n' })) {
   *   console.log(r.sortKey.toString(), r.value.toString());
   * }
   */
  scan(hashKey: Bytes, opts?: ScanOptions): PegasusScanner {
    const plan = hashScanPlan(this.name, hashKey, opts);
    return new PegasusScanner(this.driver, 'scan', plan.spec, plan.signal);
  }

  /**
   * Every record of the table, partition after partition (no order across hash keys). Follows
   * primary moves, lost contexts and partition splits: each record present for the whole scan is
   * yielded once.
   */
  scanAll(opts?: ScanOptions): PegasusScanner {
    const o = fullScanOptions(opts);
    const count = this.currentPartitionCount();
    const all = Array.from({ length: count }, (_, i) => i);
    return new PegasusScanner(this.driver, 'scanAll', o.specFor(this.name, all, count), o.signal);
  }

  /**
   * The table's partitions dealt into `count` scanners (fewer when the table has fewer partitions),
   * to read in parallel; together they yield every record once, like {@link Table.scanAll}.
   */
  unorderedScanners(count: number, opts?: ScanOptions): PegasusScanner[] {
    const n = checkLimit('count', count);
    const o = fullScanOptions(opts);
    const partitions = this.currentPartitionCount();
    const groups: number[][] = Array.from({ length: Math.min(n, partitions) }, () => []);
    for (let p = 0; p < partitions; p++) groups[p % groups.length]!.push(p);
    return groups.map(
      (g) =>
        new PegasusScanner(this.driver, 'unorderedScanners', o.specFor(this.name, g, partitions), o.signal),
    );
  }

  /** the partition count of the client's newest routes (it changes with a split) */
  private currentPartitionCount(): number {
    const routes = this.driver.core.routeTable(this.name);
    return routes !== null && routes.partitionCount > 0 ? routes.partitionCount : this.partitionCount;
  }

  /**
   * `o` was checked by the public method (its keys are that method's own). Nobody listening (no
   * meter provider, no tracing subscriber): straight to execute, nothing allocated for telemetry.
   */
  private run<N extends RpcName, T>(
    plan: OpPlan<N, T>,
    o: Partial<CallOptions>,
    hedge?: HedgeSpec,
  ): Promise<T> {
    if (this.metrics === null && !callChannel.hasSubscribers) return this.execute(plan, o, null, hedge);
    return this.observed(plan, o, hedge);
  }

  private async observed<N extends RpcName, T>(
    plan: OpPlan<N, T>,
    o: Partial<CallOptions>,
    hedge: HedgeSpec | undefined,
  ): Promise<T> {
    const metrics = this.metrics;
    const startMs = performance.now();
    const sink: AttemptSink = { attempts: [] };
    try {
      const result = callChannel.hasSubscribers
        ? await callChannel.tracePromise(
            this.execute,
            { op: plan.op, table: this.name },
            this,
            plan,
            o,
            sink,
            hedge,
          )
        : await this.execute(plan, o, sink, hedge);
      metrics?.settled(plan.op, this.name, (performance.now() - startMs) / 1000, null, sink.attempts);
      return result;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const attempts = e instanceof PegasusError ? e.attempts : sink.attempts;
      metrics?.settled(
        plan.op,
        this.name,
        (performance.now() - startMs) / 1000,
        typeof code === 'string' ? code : 'ERR_UNKNOWN',
        attempts,
      );
      throw e;
    }
  }

  /**
   * One operation; `sink`, when given, receives the attempt history of a success. Not async: the
   * driver's settlement resolves the caller's promise directly (no second promise, no await hop);
   * a bad option still rejects it, never throws.
   */
  private execute<N extends RpcName, T>(
    plan: OpPlan<N, T>,
    o: Partial<CallOptions>,
    sink: AttemptSink | null,
    hedge?: HedgeSpec,
  ): Promise<T> {
    let timeoutMs: number;
    let signal: AbortSignal | undefined;
    try {
      timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? this.driver.core.options.timeoutMs;
      signal = checkSignal(o.signal);
      this.checkSendable(plan, signal);
    } catch (e) {
      return Promise.reject(e);
    }
    // two literals rather than a spread of an optional field: one object of one shape per call
    const event: Extract<CoreEvent, { type: 'call' }> =
      hedge === undefined
        ? {
            type: 'call',
            callId: 0,
            table: this.name,
            rpc: plan.rpc,
            args: plan.args,
            partitionHash: plan.partitionHash,
            idempotent: plan.idempotent,
            timeoutMs,
          }
        : {
            type: 'call',
            callId: 0,
            table: this.name,
            rpc: plan.rpc,
            args: plan.args,
            partitionHash: plan.partitionHash,
            idempotent: plan.idempotent,
            timeoutMs,
            hedge,
          };
    return new Promise<T>((resolve, reject) => {
      // runs inside the driver loop: nothing may throw out of it into the loop
      this.driver.start(event, signal, (s) => {
        try {
          if (!s.ok) {
            const ctx = {
              op: plan.op,
              table: this.name,
              idempotent: plan.idempotent,
              write: isWriteRpc(plan.rpc),
            };
            reject(failureToError(s.failure, signal?.aborted ? { ...ctx, abortReason: signal.reason } : ctx));
            return;
          }
          if (sink !== null) sink.attempts = s.attempts;
          resolve(plan.decode(s.result as never));
        } catch (e) {
          reject(
            e instanceof StorageRefusal && s.ok
              ? storageError(e, { op: plan.op, table: this.name, attempts: s.attempts })
              : e,
          );
        }
      });
    });
  }

  /** what must hold before anything is sent: not aborted yet, a write within maxWriteBytes */
  private checkSendable(plan: OpPlan<RpcName, unknown>, signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw new PegasusAbortError(
        'ERR_ABORTED',
        `${plan.op} on table "${this.name}" aborted before it was sent`,
        {
          cause: signal.reason,
          op: plan.op,
          table: this.name,
        },
      );
    }
    // before anything is sent: the server refuses a larger write anyway, after it crossed the network
    const sizeBytes = writeBodyBytesOver(plan.rpc, plan.args, this.maxWriteBytes);
    if (sizeBytes >= 0) {
      throw new PegasusWriteTooLargeError(
        'ERR_WRITE_TOO_LARGE',
        `${plan.op} on table "${this.name}": the request body is ${sizeBytes} bytes, over maxWriteBytes ` +
          `(${this.maxWriteBytes}); nothing was sent`,
        { op: plan.op, table: this.name, sizeBytes, limitBytes: this.maxWriteBytes },
      );
    }
  }
}

function isWriteRpc(rpc: RpcName): boolean {
  return rpcInfo(rpc).kind === 'write';
}

/** where a traced or measured call leaves the attempt history of a success */
interface AttemptSink {
  attempts: readonly AttemptRecord[];
}
