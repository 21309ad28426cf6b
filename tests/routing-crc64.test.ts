// CRC64 of docs/PROTOCOL.md 7.2: table entries matching the server's static table, and the worked values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc64, crc64TableEntry, partitionHash, partitionIndex } from '../core/routing/index.ts';

describe('crc64 table', () => {
  it('T[0], T[1], T[2], T[128] match the server table', () => {
    assert.equal(crc64TableEntry(0), 0n);
    assert.equal(crc64TableEntry(1), 0x7f6ef0c830358979n);
    assert.equal(crc64TableEntry(2), 0xfedde190606b12f2n);
    assert.equal(crc64TableEntry(128), 0x9a6c9329ac4bc9b5n);
  });
  it('every entry equals the bitwise definition', () => {
    for (let i = 0; i < 256; i++) {
      let c = BigInt(i);
      for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n;
      assert.equal(crc64TableEntry(i), c, `T[${i}]`);
    }
  });
  it('rejects indices outside 0..255', () => {
    assert.throws(() => crc64TableEntry(256), RangeError);
  });
});

describe('crc64 worked values', () => {
  const cases: [string, Uint8Array, bigint, bigint, number, number][] = [
    ['""', Buffer.alloc(0), 0x0000000000000000n, 0n, 0, 0],
    ['"a"', Buffer.from('a'), 0x8c2f8445b4cbfc3cn, 10101437924136188988n, 4, 12],
    ['"s"', Buffer.from('s'), 0x0a129aee5c1e814fn, 725812838498468175n, 7, 15],
    ['"123456789"', Buffer.from('123456789'), 0xae8b14860a799888n, 12577168950296156296n, 0, 8],
    ['"hashkey"', Buffer.from('hashkey'), 0x1299d9b06672773an, 1340341715775682362n, 2, 10],
    ['"pegasus"', Buffer.from('pegasus'), 0xce8709cfbd3973c4n, 14881874281506632644n, 4, 4],
    ['"user_0001"', Buffer.from('user_0001'), 0xf8f4662a0063ca1an, 17939075546304727578n, 2, 10],
    ['00', Buffer.from([0]), 0xd5da5047efec8728n, 15409717344899729192n, 0, 8],
    ['ff ff ff ff', Buffer.from([0xff, 0xff, 0xff, 0xff]), 0xffffffff00000000n, 18446744069414584320n, 0, 0],
  ];
  for (const [label, input, hexValue, decimal, mod8, mod16] of cases) {
    it(`${label} -> ${hexValue.toString(16).padStart(16, '0')}, mod 8 = ${mod8}, mod 16 = ${mod16}`, () => {
      const h = crc64(input);
      assert.equal(h, hexValue);
      assert.equal(h, decimal);
      assert.equal(partitionIndex(h, 8), mod8);
      assert.equal(partitionIndex(h, 16), mod16);
    });
  }
  it('accepts any Uint8Array view (offset into a larger buffer)', () => {
    const big = Buffer.from('xx123456789yy');
    assert.equal(crc64(new Uint8Array(big.buffer, big.byteOffset + 2, 9)), 0xae8b14860a799888n);
  });
});

describe('partitionHash', () => {
  it('hashes the hash key', () => {
    assert.equal(partitionHash(Buffer.from('a'), Buffer.from('b')), 0x8c2f8445b4cbfc3cn);
  });
  it('hashes the sort key when the hash key is empty', () => {
    assert.equal(partitionHash(Buffer.alloc(0), Buffer.from('s')), 0x0a129aee5c1e814fn);
    assert.equal(partitionHash(Buffer.alloc(0), Buffer.alloc(0)), 0n);
  });
});
