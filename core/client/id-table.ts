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
// An object's integer-keyed elements are rebuilt without such a link. Iteration is in ascending id
// order (Map's was insertion order), over a snapshot: entries removed during a loop are still visited.

/** A map from integer ids to values, with Map's names for what the core uses. */
export class IdTable<V> {
  private entries: Record<number, V> = Object.create(null) as Record<number, V>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    return this.entries[id];
  }

  has(id: number): boolean {
    return this.entries[id] !== undefined;
  }

  /** `value` must not be undefined (undefined means absent) */
  set(id: number, value: V): this {
    if (this.entries[id] === undefined) this.count++;
    this.entries[id] = value;
    return this;
  }

  delete(id: number): boolean {
    if (this.entries[id] === undefined) return false;
    delete this.entries[id];
    this.count--;
    return true;
  }

  /** the values, in ascending id order (a snapshot) */
  values(): V[] {
    return this.count === 0 ? [] : Object.values(this.entries);
  }

  /** [id, value] pairs, in ascending id order (a snapshot) */
  entryList(): Array<[number, V]> {
    const out: Array<[number, V]> = [];
    if (this.count === 0) return out;
    for (const [k, v] of Object.entries(this.entries)) out.push([Number(k), v]);
    return out;
  }

  clear(): void {
    if (this.count === 0) return;
    this.entries = Object.create(null) as Record<number, V>;
    this.count = 0;
  }
}

/** A set of objects that each carry a unique integer id (`idOf`), with Set's names. */
export class IdSet<T> {
  private readonly table = new IdTable<T>();

  constructor(private readonly idOf: (item: T) => number) {}

  get size(): number {
    return this.table.size;
  }

  add(item: T): this {
    this.table.set(this.idOf(item), item);
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
