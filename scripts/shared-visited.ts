// A set of 128-bit state fingerprints in shared memory, for the explorer's worker threads
// (scripts/explore-parallel.ts): open addressing with linear probing over a SharedArrayBuffer.
// A slot is 5 words: a state word (0 empty, 1 being written, 2 ready) and the fingerprint's four
// 32-bit words. add() claims an empty slot with a compare-and-exchange on its state word, so two
// threads adding the same fingerprint at once cannot both succeed; a thread that meets a slot being
// written waits for it to be ready before comparing. Nothing is ever removed.
import type { VisitedSet } from '../sim/explore/explorer.ts';

const WORDS = 5;
const EMPTY = 0;
const WRITING = 1;
const READY = 2;

export interface SharedVisited extends VisitedSet {
  readonly buffer: SharedArrayBuffer;
  /** fingerprints added so far */
  size(): number;
}

/** a new set with room for `capacity` fingerprints (it refuses to fill past three quarters) */
export function createSharedVisited(capacity: number): SharedVisited {
  const slots = 2 ** Math.ceil(Math.log2(Math.max(16, Math.ceil(capacity / 0.75))));
  // one extra word at the start: the count
  return attachSharedVisited(new SharedArrayBuffer((1 + slots * WORDS) * 4));
}

/** the same set, seen from another thread */
export function attachSharedVisited(buffer: SharedArrayBuffer): SharedVisited {
  const a = new Int32Array(buffer);
  const slots = (a.length - 1) / WORDS;
  const mask = slots - 1;
  const limit = Math.floor(slots * 0.75);
  const words = (fp: string): [number, number, number, number] => {
    if (fp.length !== 8)
      throw new Error(`shared visited set: a fingerprint is 8 UTF-16 units, got ${fp.length}`);
    const w = (i: number) => fp.charCodeAt(i) | (fp.charCodeAt(i + 1) << 16) | 0;
    return [w(0), w(2), w(4), w(6)];
  };
  /** the slot holding fp, or the empty slot where it would go (-1 - index) */
  const probe = (fp: [number, number, number, number], insert: boolean): number => {
    for (let n = 0, i = fp[1] & mask; n < slots; n++, i = (i + 1) & mask) {
      const base = 1 + i * WORDS;
      let state = Atomics.load(a, base);
      if (state === EMPTY) {
        if (!insert) return -1 - i;
        state = Atomics.compareExchange(a, base, EMPTY, WRITING);
        if (state === EMPTY) return -1 - i;
      }
      while (state === WRITING) state = Atomics.load(a, base);
      if (a[base + 1] === fp[0] && a[base + 2] === fp[1] && a[base + 3] === fp[2] && a[base + 4] === fp[3])
        return i;
    }
    throw new Error('shared visited set: full');
  };
  return {
    buffer,
    size: () => Atomics.load(a, 0),
    has: (fp) => probe(words(fp), false) >= 0,
    add: (fp) => {
      const w = words(fp);
      const i = probe(w, true);
      if (i >= 0) return false;
      const base = 1 + (-1 - i) * WORDS;
      a[base + 1] = w[0];
      a[base + 2] = w[1];
      a[base + 3] = w[2];
      a[base + 4] = w[3];
      Atomics.store(a, base, READY);
      if (Atomics.add(a, 0, 1) + 1 > limit)
        throw new Error(`shared visited set: over ${limit} states, make it larger`);
      return true;
    },
  };
}
