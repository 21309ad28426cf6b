// Edges of the routing math (core/routing: key.ts, partition.ts, crc64.ts), each pinned because a
// Stryker mutant survived the routing tests without it (docs/MUTANTS.md): the bounds a partition
// count, a table index and a key are checked against, the messages that say what was wrong, the
// next key of a key ending in 0xFF, and split-parent redirection only where a split can be.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crc64TableEntry,
  decodeKey,
  encodeKey,
  nextKey,
  partitionIndex,
  resolvePartition,
} from '../core/routing/index.ts';

describe('routing bounds and their messages', () => {
  it('a CRC table index is an integer in 0..255', () => {
    assert.equal(typeof crc64TableEntry(255), 'bigint');
    for (const i of [256, -1, 0.5, 1000])
      assert.throws(() => crc64TableEntry(i), {
        name: 'RangeError',
        message: `table index ${i} outside 0..255`,
      });
  });

  it('a partition count is a positive i32: the largest i32 is one, 0 is not', () => {
    assert.equal(partitionIndex(5n, 0x7fffffff), 5);
    for (const n of [0, -1, 0x80000000])
      assert.throws(() => partitionIndex(5n, n), {
        name: 'RangeError',
        message: `partition count must be a positive i32, got ${n}`,
      });
  });

  it('keys: too long a hash key, too short a full key, a length past the end, all 0xFF', () => {
    assert.throws(() => encodeKey(new Uint8Array(0xffff), new Uint8Array(0)), {
      message: 'hash key length 65535 must be below 65535',
    });
    assert.throws(() => decodeKey(Buffer.from([0])), { message: 'a full key has at least 2 bytes, got 1' });
    assert.throws(() => decodeKey(Buffer.from([0, 5, 1])), {
      message: 'hash key length 5 exceeds the 1 bytes after the prefix',
    });
    assert.throws(() => nextKey(Buffer.from([0xff, 0xff])), {
      name: 'RangeError',
      message: 'no key follows a key made only of 0xFF bytes',
    });
  });

  it('the next key of a key whose only byte below 0xFF is its first', () => {
    assert.deepEqual(nextKey(Buffer.from([0x05, 0xff])), Buffer.from([0x06]));
  });
});

describe('split-parent redirection', () => {
  const minusOne = () => -1n;
  it('only a child (upper half of an even count) whose ballot is negative goes to its parent', () => {
    // hash 3 and 1 under count 4: child 3 (parent 1) and parent 1
    assert.equal(resolvePartition(3n, 4, minusOne), 1);
    assert.equal(resolvePartition(1n, 4, minusOne), 1, 'a parent is never redirected');
    assert.equal(resolvePartition(2n, 3, minusOne), 2, 'an odd count has no split in progress');
    assert.equal(
      resolvePartition(3n, 4, () => undefined),
      3,
      'an unknown child is not redirected',
    );
    assert.equal(
      resolvePartition(3n, 4, () => 0n),
      3,
      'ballot 0 is a real ballot',
    );
  });
});
