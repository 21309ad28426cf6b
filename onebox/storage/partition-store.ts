// One replica's storage engine: Pegasus read/write semantics over an in-memory sorted map.
// Pure and deterministic: time arrives as `nowSec` (Pegasus-epoch seconds), nothing else is consulted,
// so replicas applying the same mutations with the same nowSec end up byte-identical.

import type {
  BatchGetRequest,
  BatchGetResponse,
  Blob,
  CheckAndMutateRequest,
  CheckAndMutateResponse,
  CheckAndSetRequest,
  CheckAndSetResponse,
  CountResponse,
  GetScannerRequest,
  IncrRequest,
  IncrResponse,
  MultiGetRequest,
  MultiGetResponse,
  MultiPutRequest,
  MultiRemoveRequest,
  MultiRemoveResponse,
  ReadResponse,
  ScanRequest,
  ScanResponse,
  TtlResponse,
  UpdateRequest,
  UpdateResponse,
} from '../../core/wire/types.ts';
import * as cas from './check-and-set.ts';
import type { StoreIdentity } from './identity.ts';
import { DEFAULT_STORE_LIMITS, type StoreLimits } from './limits.ts';
import { multiGet } from './multi-get.ts';
import { partitionOfKey } from './partition-of-key.ts';
import * as reads from './reads.ts';
import { isExpired, SortedRecords } from './records.ts';
import { getScanner, type PartitionPlace, ScanContexts, scan } from './scanner.ts';
import * as writes from './writes.ts';

export interface PartitionStoreOptions {
  appId: number;
  partitionIndex: number;
  partitionCount: number;
  limits?: Partial<StoreLimits>;
  /**
   * First scanner context id (default 0n). The server randomises the high 32 bits so ids of different
   * replicas rarely collide after a failover; pass e.g. BigInt(nodeIndex) << 32n to get the same effect.
   */
  contextIdBase?: bigint;
}

export interface DumpedRecord {
  key: Buffer;
  value: Buffer;
  expireTsSeconds: number;
}

function checkPartitionCount(n: number): number {
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`partition count must be a positive integer: ${n}`);
  return n;
}

export class PartitionStore {
  readonly limits: Readonly<StoreLimits>;
  readonly #id: StoreIdentity;
  #partitionCount: number;
  #records: SortedRecords;
  #decree = 0n;
  #contexts: ScanContexts;

  constructor(opts: PartitionStoreOptions) {
    this.#id = Object.freeze({ app_id: opts.appId, partition_index: opts.partitionIndex });
    this.#partitionCount = checkPartitionCount(opts.partitionCount);
    this.limits = Object.freeze({ ...DEFAULT_STORE_LIMITS, ...opts.limits });
    this.#records = new SortedRecords();
    this.#contexts = new ScanContexts(opts.contextIdBase ?? 0n);
  }

  // ---- reads ----

  get(key: Blob, nowSec: number): ReadResponse {
    return reads.get(this.#id, this.#records, key, nowSec);
  }

  ttl(key: Blob, nowSec: number): TtlResponse {
    return reads.ttl(this.#id, this.#records, key, nowSec);
  }

  multiGet(req: MultiGetRequest, nowSec: number): MultiGetResponse {
    return multiGet(this.#id, this.#records, this.limits, req, nowSec);
  }

  batchGet(req: BatchGetRequest, nowSec: number): BatchGetResponse {
    return reads.batchGet(this.#id, this.#records, req, nowSec);
  }

  sortKeyCount(hashKey: Blob, nowSec: number): CountResponse {
    return reads.sortKeyCount(this.#id, this.#records, this.limits, hashKey, nowSec);
  }

  getScanner(req: GetScannerRequest, nowSec: number): ScanResponse {
    return getScanner(this.#id, this.#records, this.limits, this.#contexts, this.#place(), req, nowSec);
  }

  scan(req: ScanRequest, nowSec: number): ScanResponse {
    return scan(this.#id, this.#contexts, this.#place(), req.context_id, nowSec);
  }

  /** One-way on the wire: unknown ids are ignored. */
  clearScanner(contextId: bigint): void {
    this.#contexts.take(contextId);
  }

  /** Number of open scanner contexts (for tests and leak checks). */
  get openScanners(): number {
    return this.#contexts.size;
  }

  // ---- writes: each takes the next decree, whatever its outcome ----

  put(req: UpdateRequest, nowSec: number): UpdateResponse {
    void nowSec; // a put needs no clock; kept for a uniform write signature
    return writes.put(this.#id, this.#records, req, this.#nextDecree());
  }

  multiPut(req: MultiPutRequest, nowSec: number): UpdateResponse {
    void nowSec;
    return writes.multiPut(this.#id, this.#records, req, this.#nextDecree());
  }

  remove(key: Blob, nowSec: number): UpdateResponse {
    void nowSec;
    return writes.remove(this.#id, this.#records, key, this.#nextDecree());
  }

  multiRemove(req: MultiRemoveRequest, nowSec: number): MultiRemoveResponse {
    void nowSec;
    return writes.multiRemove(this.#id, this.#records, req, this.#nextDecree());
  }

  incr(req: IncrRequest, nowSec: number): IncrResponse {
    return writes.incr(this.#id, this.#records, req, nowSec, this.#nextDecree());
  }

  checkAndSet(req: CheckAndSetRequest, nowSec: number): CheckAndSetResponse {
    return cas.checkAndSet(this.#id, this.#records, req, nowSec, this.#nextDecree());
  }

  checkAndMutate(req: CheckAndMutateRequest, nowSec: number): CheckAndMutateResponse {
    return cas.checkAndMutate(this.#id, this.#records, req, nowSec, this.#nextDecree());
  }

  // ---- replication support ----

  /** Decree of the last applied write mutation (0n when none). */
  get lastDecree(): bigint {
    return this.#decree;
  }

  get partitionCount(): number {
    return this.#partitionCount;
  }

  /**
   * Data and decree, not scanner contexts (they die with a replica on the server too). The clone's
   * context ids continue after this store's so a learner turned primary cannot re-issue a live id.
   */
  clone(): PartitionStore {
    const copy = new PartitionStore({
      appId: this.#id.app_id,
      partitionIndex: this.#id.partition_index,
      partitionCount: this.#partitionCount,
      limits: this.limits,
      contextIdBase: this.#contexts.nextId,
    });
    copy.#records = this.#records.clone();
    copy.#decree = this.#decree;
    return copy;
  }

  /**
   * A split child's starting store: this (parent) store's records whose key routes to `childIndex`
   * among `childCount` partitions, with the parent's decree (the child continues its mutation log).
   */
  splitCopy(childIndex: number, childCount: number): PartitionStore {
    const copy = new PartitionStore({
      appId: this.#id.app_id,
      partitionIndex: childIndex,
      partitionCount: childCount,
      limits: this.limits,
      contextIdBase: this.#contexts.nextId,
    });
    copy.#records = this.#records.filter((r) => partitionOfKey(r.key, childCount) === childIndex);
    copy.#decree = this.#decree;
    return copy;
  }

  /** Used by validate_partition_hash in scans (a split doubles the count). */
  setPartitionCount(n: number): void {
    this.#partitionCount = checkPartitionCount(n);
  }

  /** Live records in key order, copied; expireTsSeconds is the stored (uint32) value, 0 = no TTL. */
  dump(nowSec: number): DumpedRecord[] {
    const out: DumpedRecord[] = [];
    for (let i = 0; i < this.#records.length; i++) {
      const r = this.#records.at(i)!;
      if (!isExpired(r, nowSec))
        out.push({ key: Buffer.from(r.key), value: Buffer.from(r.value), expireTsSeconds: r.expireTs });
    }
    return out;
  }

  #nextDecree(): bigint {
    this.#decree += 1n;
    return this.#decree;
  }

  #place(): PartitionPlace {
    return { partitionIndex: this.#id.partition_index, partitionCount: this.#partitionCount };
  }
}
