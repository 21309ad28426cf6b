// Partition index (unsigned 64-bit modulo) and split-parent redirection (docs/PROTOCOL.md 7.3, 7.4, vector V4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc64, partitionIndex, resolvePartition } from '../core/routing/index.ts';

const HASH_A = crc64(Buffer.from('a'));

describe('partitionIndex', () => {
  it('V4: hash key "a" -> 4 of 8, 12 of 16', () => {
    assert.equal(partitionIndex(HASH_A, 8), 4);
    assert.equal(partitionIndex(HASH_A, 16), 12);
  });
  it('is an unsigned modulo: a hash with the top bit set is not negative', () => {
    assert.equal(partitionIndex(0xffffffffffffffffn, 10), Number(0xffffffffffffffffn % 10n));
    // the same bits given as a signed value route identically
    assert.equal(partitionIndex(-1n, 10), 5);
    assert.equal(partitionIndex(-1n, 3), Number(0xffffffffffffffffn % 3n));
  });
  it('accepts non-power-of-two counts', () => {
    assert.equal(partitionIndex(HASH_A, 7), Number(HASH_A % 7n));
    assert.equal(partitionIndex(HASH_A, 1), 0);
  });
  it('equals the BigInt modulo for hashes and counts across their ranges (the double arithmetic is exact)', () => {
    // a fixed xorshift sequence: hashes over all 64 bits, counts up to 2^31 - 1 and small ones
    let x = 0x9e3779b97f4a7c15n;
    const next = () => {
      x ^= (x << 13n) & 0xffffffffffffffffn;
      x ^= x >> 7n;
      x ^= (x << 17n) & 0xffffffffffffffffn;
      return x;
    };
    for (let i = 0; i < 3000; i++) {
      const hash = next();
      const count =
        i % 3 === 0 ? 0x7fffffff - (i % 7) : i % 3 === 1 ? 1 + Number(next() % 0x7fffffffn) : 1 + (i % 64);
      assert.equal(partitionIndex(hash, count), Number(hash % BigInt(count)), `${hash} mod ${count}`);
    }
  });
  it('rejects counts that are not positive integers', () => {
    for (const c of [0, -8, 2.5, Number.NaN, 2 ** 31])
      assert.throws(() => partitionIndex(HASH_A, c), RangeError);
  });
});

describe('resolvePartition', () => {
  const ballots = (child: bigint) => (i: number) => (i >= 8 ? child : 5n);
  it('V4: with partitions 8-15 at ballot -1, "a" in a 16-partition table goes to parent 4', () => {
    assert.equal(resolvePartition(HASH_A, 16, ballots(-1n)), 4);
  });
  it('keeps the child once registered (ballot >= 0, including 0)', () => {
    assert.equal(resolvePartition(HASH_A, 16, ballots(7n)), 12);
    assert.equal(resolvePartition(HASH_A, 16, ballots(0n)), 12);
  });
  it('keeps the index when the ballot is unknown', () => {
    assert.equal(
      resolvePartition(HASH_A, 16, () => undefined),
      12,
    );
  });
  it('redirects any upper-half child with ballot < 0 to index - count/2', () => {
    assert.equal(
      resolvePartition(HASH_A, 8, () => -1n),
      0,
    );
    assert.equal(
      resolvePartition(crc64(Buffer.from('s')), 16, () => -1n),
      7,
    );
    assert.equal(
      resolvePartition(crc64(Buffer.from('123456789')), 16, () => -1n),
      0,
    );
  });
  it('never redirects a lower-half partition, nor in a table with an odd count', () => {
    assert.equal(
      resolvePartition(crc64(Buffer.from('hashkey')), 8, () => -1n),
      2,
    );
    assert.equal(
      resolvePartition(HASH_A, 7, () => -1n),
      Number(HASH_A % 7n),
    );
  });
});
