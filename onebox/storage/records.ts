// The partition's data: full key -> (value, expire_ts), kept as an array sorted by unsigned byte order.
// Records are frozen and replaced on every write, so a slice of the array is a consistent snapshot
// (what a RocksDB iterator sees) and clone() only copies references.

export interface StoredRecord {
  readonly key: Buffer;
  readonly value: Buffer;
  /** Pegasus-epoch seconds as the server stores them (uint32); 0 = never expires. */
  readonly expireTs: number;
}

/** The server keeps expire_ts as uint32; an i32 from the wire is reinterpreted, not rejected. */
export const toStoredExpire = (expireTsSeconds: number): number => expireTsSeconds >>> 0;

export const isExpired = (record: StoredRecord, nowSec: number): boolean =>
  record.expireTs > 0 && record.expireTs <= nowSec;

export function makeRecord(key: Uint8Array, value: Uint8Array, expireTsSeconds: number): StoredRecord {
  // Copy: the caller may reuse its request buffers after the call returns.
  return Object.freeze({
    key: Buffer.from(key),
    value: Buffer.from(value),
    expireTs: toStoredExpire(expireTsSeconds),
  });
}

export class SortedRecords {
  #rows: StoredRecord[];

  constructor(rows: StoredRecord[] = []) {
    this.#rows = rows;
  }

  get length(): number {
    return this.#rows.length;
  }

  at(index: number): StoredRecord | undefined {
    return this.#rows[index];
  }

  /** First index whose key is >= `key` (RocksDB Seek). */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.#rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.#rows[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is > `key`; minus one is RocksDB SeekForPrev. */
  upperBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.#rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.#rows[mid]!.key, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The stored record, expired or not; readers decide what expiry means. */
  get(key: Uint8Array): StoredRecord | undefined {
    const i = this.lowerBound(key);
    const row = this.#rows[i];
    return row !== undefined && Buffer.compare(row.key, key) === 0 ? row : undefined;
  }

  set(record: StoredRecord): void {
    const i = this.lowerBound(record.key);
    const row = this.#rows[i];
    if (row !== undefined && Buffer.compare(row.key, record.key) === 0) this.#rows[i] = record;
    else this.#rows.splice(i, 0, record);
  }

  /** True when a record (live or expired) was there. */
  delete(key: Uint8Array): boolean {
    const i = this.lowerBound(key);
    const row = this.#rows[i];
    if (row === undefined || Buffer.compare(row.key, key) !== 0) return false;
    this.#rows.splice(i, 1);
    return true;
  }

  /** Frozen copy of rows [from, to): a point-in-time view for scanner contexts. */
  snapshot(from: number, to: number): readonly StoredRecord[] {
    return Object.freeze(this.#rows.slice(from, to));
  }

  clone(): SortedRecords {
    return new SortedRecords(this.#rows.slice());
  }

  /** The records `keep` accepts, still sorted. */
  filter(keep: (record: StoredRecord) => boolean): SortedRecords {
    return new SortedRecords(this.#rows.filter(keep));
  }
}
