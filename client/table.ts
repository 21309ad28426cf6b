// A table handle: the public operations. Every method validates its arguments before anything is
// sent (a bad argument rejects with PegasusArgumentError), then runs one call through the core.
import type { HedgeSpec } from '../core/client/index.ts';
import type { RpcName } from '../core/wire/index.ts';
import { hedgeOf, NO_BACKUPS, type TableBackups } from './backup-requests.ts';
import { PegasusAbortError } from './errors.ts';
import { failureToError } from './failure-to-error.ts';
import type { NodeDriver } from './node-driver.ts';
import type { CheckType } from './ops/check-type.ts';
import { type MultiGetRange, type MultiGetResult, multiGetPlan } from './ops/multi-get.ts';
import { type OpPlan, StorageRefusal, storageError } from './ops/op-plan.ts';
import { existPlan, getPlan, sortKeyCountPlan, type TtlResult, ttlPlan } from './ops/read-ops.ts';
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
  INCR_OPTION_KEYS,
  type IncrOptions,
  READ_OPTION_KEYS,
  type ReadOptions,
  WRITE_OPTION_KEYS,
  type WriteOptions,
} from './options.ts';
import { type Bytes, checkBoolean, checkOptions, checkSignal, checkTimeoutMs } from './validate.ts';

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
    /** the table's id on the cluster */
    readonly appId: number,
    /** its number of partitions */
    readonly partitionCount: number,
    /** backup requests of its reads (openTable's options) */
    private readonly backups: TableBackups = NO_BACKUPS,
  ) {}

  /** the value, or null when the record does not exist (or expired) */
  async get(hashKey: Bytes, sortKey: Bytes, opts?: ReadOptions): Promise<Buffer | null> {
    return this.read(getPlan(hashKey, sortKey), opts);
  }

  /** writes the value (with `ttlSeconds`, it expires) */
  async set(hashKey: Bytes, sortKey: Bytes, value: Bytes, opts?: WriteOptions): Promise<void> {
    const o = checkOptions<WriteOptions>('options', opts, WRITE_OPTION_KEYS);
    return this.run(setPlan(hashKey, sortKey, value, o.ttlSeconds), o);
  }

  /** deleting an absent record succeeds */
  async del(hashKey: Bytes, sortKey: Bytes, opts?: CallOptions): Promise<void> {
    return this.run(delPlan(hashKey, sortKey), checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /**
   * `query` is a non-empty list of sort keys (only found ones are returned), or a range
   * (`{}` reads every sort key under the hash key, up to the limits).
   */
  async multiGet(
    hashKey: Bytes,
    query: Bytes[] | MultiGetRange,
    opts?: ReadOptions,
  ): Promise<MultiGetResult> {
    return this.read(multiGetPlan(hashKey, query), opts);
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
   * hook for further reads (batchGet, scans as far as the server allows): build the plan, then call
   * this instead of run().
   */
  private read<N extends RpcName, T>(plan: OpPlan<N, T>, opts: ReadOptions | undefined): Promise<T> {
    const o = checkOptions<ReadOptions>('options', opts, READ_OPTION_KEYS);
    const hedge = hedgeOf(this.backups, o, this.driver.core.options.headerVersion);
    return this.run(plan, o, hedge);
  }

  /** `o` was checked by the public method (its keys are that method's own) */
  private async run<N extends RpcName, T>(
    plan: OpPlan<N, T>,
    o: Partial<CallOptions>,
    hedge?: HedgeSpec,
  ): Promise<T> {
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? this.driver.core.options.timeoutMs;
    const signal = checkSignal(o.signal);
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
    const s = await this.driver.call(
      {
        type: 'call',
        callId: 0,
        table: this.name,
        rpc: plan.rpc,
        args: plan.args,
        partitionHash: plan.partitionHash,
        idempotent: plan.idempotent,
        timeoutMs,
        ...(hedge === undefined ? {} : { hedge }),
      },
      signal,
    );
    if (!s.ok) {
      const ctx = { op: plan.op, table: this.name, idempotent: plan.idempotent };
      throw failureToError(s.failure, signal?.aborted ? { ...ctx, abortReason: signal.reason } : ctx);
    }
    try {
      return plan.decode(s.result as never);
    } catch (e) {
      if (e instanceof StorageRefusal) {
        throw storageError(e, { op: plan.op, table: this.name, attempts: s.attempts });
      }
      throw e;
    }
  }
}
