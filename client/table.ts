// A table handle: the public operations. Every method validates its arguments before anything is
// sent (a bad argument rejects with PegasusArgumentError), then runs one call through the core.
import { type RpcName, rpcInfo, writeBodyBytesOver } from '../core/wire/index.ts';
import { callChannel } from './call-channel.ts';
import { type AttemptRecord, PegasusAbortError, PegasusError, PegasusWriteTooLargeError } from './errors.ts';
import { failureToError } from './failure-to-error.ts';
import type { ClientMetrics } from './metrics.ts';
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
  DEFAULT_MAX_WRITE_BYTES,
  INCR_OPTION_KEYS,
  type IncrOptions,
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
    /** the table's id on the cluster when it was opened (a table created again gets a new one; see the `routing` event) */
    readonly appId: number,
    /** its number of partitions when it was opened (a split doubles it; see the `routing` event) */
    readonly partitionCount: number,
    /** the largest request body a write may have (the `maxWriteBytes` option) */
    readonly maxWriteBytes: number = DEFAULT_MAX_WRITE_BYTES,
    private readonly metrics: ClientMetrics | null = null,
  ) {}

  /** the value, or null when the record does not exist (or expired) */
  async get(hashKey: Bytes, sortKey: Bytes, opts?: CallOptions): Promise<Buffer | null> {
    return this.run(getPlan(hashKey, sortKey), checkOptions('options', opts, CALL_OPTION_KEYS));
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
    opts?: CallOptions,
  ): Promise<MultiGetResult> {
    return this.run(multiGetPlan(hashKey, query), checkOptions('options', opts, CALL_OPTION_KEYS));
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
  async ttl(hashKey: Bytes, sortKey: Bytes, opts?: CallOptions): Promise<TtlResult> {
    return this.run(ttlPlan(hashKey, sortKey), checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** whether the record exists (and has not expired) */
  async exist(hashKey: Bytes, sortKey: Bytes, opts?: CallOptions): Promise<boolean> {
    return this.run(existPlan(hashKey, sortKey), checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /** number of live sort keys under the hash key */
  async sortKeyCount(hashKey: Bytes, opts?: CallOptions): Promise<number> {
    return this.run(sortKeyCountPlan(hashKey), checkOptions('options', opts, CALL_OPTION_KEYS));
  }

  /**
   * `o` was checked by the public method (its keys are that method's own). Nobody listening (no
   * meter provider, no tracing subscriber): straight to execute, nothing allocated for telemetry.
   */
  private run<N extends RpcName, T>(plan: OpPlan<N, T>, o: Partial<CallOptions>): Promise<T> {
    if (this.metrics === null && !callChannel.hasSubscribers) return this.execute(plan, o, null);
    return this.observed(plan, o);
  }

  private async observed<N extends RpcName, T>(plan: OpPlan<N, T>, o: Partial<CallOptions>): Promise<T> {
    const metrics = this.metrics;
    const startMs = performance.now();
    const sink: AttemptSink = { attempts: [] };
    try {
      const result = callChannel.hasSubscribers
        ? await callChannel.tracePromise(this.execute, { op: plan.op, table: this.name }, this, plan, o, sink)
        : await this.execute(plan, o, sink);
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

  /** one operation; `sink`, when given, receives the attempt history of a success */
  private async execute<N extends RpcName, T>(
    plan: OpPlan<N, T>,
    o: Partial<CallOptions>,
    sink: AttemptSink | null,
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
      },
      signal,
    );
    if (!s.ok) {
      const ctx = { op: plan.op, table: this.name, idempotent: plan.idempotent, write: isWriteRpc(plan.rpc) };
      throw failureToError(s.failure, signal?.aborted ? { ...ctx, abortReason: signal.reason } : ctx);
    }
    if (sink !== null) sink.attempts = s.attempts;
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

function isWriteRpc(rpc: RpcName): boolean {
  return rpcInfo(rpc).kind === 'write';
}

/** where a traced or measured call leaves the attempt history of a success */
interface AttemptSink {
  attempts: readonly AttemptRecord[];
}
