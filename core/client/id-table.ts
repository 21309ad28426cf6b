// Tables keyed by integer ids (call ids, sequence ids) for the entries the core adds and removes on
// every call: the calls in flight, a connection's pending replies, a node's or table's calls, the
// driver's settle callbacks.
//
// Why not Map or Set: V8 rebuilds a Map's or Set's hash table every few dozen insertions when
// entries are also deleted, and the old table keeps a pointer to its successor (for live iterators)
// and its old entries. Once one such table is in the old generation (any major GC puts it there),
// every later table and every entry it held is reachable from that dead old table at the next
// scavenge: all of a call's objects survive it and are promoted, the chain never ends, and the
// client's scavenges copied ~2 MB and took 10-30 ms each (docs/PERFORMANCE.md, "Map churn").
// Iteration is in ascending id order (Map's was insertion order), over a snapshot: entries removed
// during a loop are still visited.

/** never an id (ids are integers): marks a free slot */
const FREE = 0.5;
const MIN_CAPACITY = 16;

/**
 * A map from integer ids to values, with Map's names for what the core uses: an open-addressing
 * table (linear probing, deletion by shifting the run back, no tombstones), keys in a Float64Array,
 * values in an array of the same length. Its storage is replaced only when it grows or shrinks by
 * half, and the old one points to nothing new.
 */
export class IdTable<V> {
  private keys = new Float64Array(MIN_CAPACITY).fill(FREE);
  private vals: Array<V | undefined> = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
  private mask = MIN_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** slots held: at least twice the size, and back down to at most 8 times it after a burst */
  get capacity(): number {
    return this.keys.length;
  }

  get(id: number): V | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.vals[i];
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  /** `id` must be an integer */
  set(id: number, value: V): this {
    const keys = this.keys;
    const mask = this.mask;
    let i = id & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === id) {
        this.vals[i] = value;
        return this;
      }
      if (k === FREE) break;
      i = (i + 1) & mask;
    }
    keys[i] = id;
    this.vals[i] = value;
    this.count++;
    // at most half full: runs stay short
    if (this.count * 2 > keys.length) this.resize(keys.length * 2);
    return this;
  }

  delete(id: number): boolean {
    let i = this.find(id);
    if (i < 0) return false;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    // Shift later members of the run back into the hole when their home slot is not after it, so
    // every key stays reachable from its home slot without a tombstone.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === FREE) break;
      const home = k & mask;
      // the hole i lies cyclically in [home, j): the key at j may move there
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        keys[i] = k;
        vals[i] = vals[j];
        i = j;
      }
    }
    keys[i] = FREE;
    vals[i] = undefined;
    this.count--;
    if (keys.length > MIN_CAPACITY && this.count * 8 < keys.length) this.resize(keys.length / 2);
    return true;
  }

  /** the values, in ascending id order (a snapshot) */
  values(): V[] {
    return this.entryList().map((e) => e[1]);
  }

  /** [id, value] pairs, in ascending id order (a snapshot) */
  entryList(): Array<[number, V]> {
    const out: Array<[number, V]> = [];
    if (this.count === 0) return out;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== FREE) out.push([this.keys[i]!, this.vals[i] as V]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  clear(): void {
    if (this.count === 0) return;
    this.keys = new Float64Array(MIN_CAPACITY).fill(FREE);
    this.vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  private find(id: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = id & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === id) return i;
      if (k === FREE) return -1;
      i = (i + 1) & mask;
    }
  }

  private resize(capacity: number): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.keys = new Float64Array(capacity).fill(FREE);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k === FREE) continue;
      let j = k & this.mask;
      while (this.keys[j] !== FREE) j = (j + 1) & this.mask;
      this.keys[j] = k;
      this.vals[j] = oldVals[i];
    }
  }
}

/** A set of objects that each carry a unique integer id (`idOf`), with Set's names. */
export class IdSet<T> {
  private readonly table = new IdTable<T>();

  constructor(private readonly idOf: (item: T) => number) {}

  get size(): number {
    return this.table.size;
  }

  /** a second object with a member's id is a bug of the caller (ids are unique): refused */
  add(item: T): this {
    const id = this.idOf(item);
    const held = this.table.get(id);
    if (held === undefined) this.table.set(id, item);
    else if (held !== item) throw new Error(`IdSet: id ${id} is held by another member`);
    return this;
  }

  has(item: T): boolean {
    return this.table.get(this.idOf(item)) === item;
  }

  delete(item: T): boolean {
    const id = this.idOf(item);
    if (this.table.get(id) !== item) return false;
    return this.table.delete(id);
  }

  clear(): void {
    this.table.clear();
  }

  /** the members in ascending id order, over a snapshot */
  [Symbol.iterator](): IterableIterator<T> {
    return this.table.values()[Symbol.iterator]();
  }
}
