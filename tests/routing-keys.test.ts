// Key layout and next-key of docs/PROTOCOL.md 7.1 (vector V3, Java TestBasic cases).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKey, encodeKey, nextKey, nextKeyOf } from '../core/routing/index.ts';
import { hex } from './wire-hex.ts';

const E = Buffer.alloc(0);

describe('encodeKey / decodeKey (V3)', () => {
  const cases: [string, Buffer, Buffer, string][] = [
    ['hash "" + sort ""', E, E, '00 00'],
    ['hash 44', hex('44'), E, '00 01 44'],
    ['sort 55 only', E, hex('55'), '00 00 55'],
    ['hash 44 + sort 55', hex('44'), hex('55'), '00 01 44 55'],
    ['hash "a" + sort "b"', Buffer.from('a'), Buffer.from('b'), '00 01 61 62'],
  ];
  for (const [label, h, s, bytes] of cases) {
    it(`${label} <-> ${bytes}`, () => {
      assert.deepEqual(encodeKey(h, s), hex(bytes));
      assert.deepEqual(decodeKey(hex(bytes)), { hashKey: h, sortKey: s });
    });
  }
  it('accepts a 65534-byte hash key and rejects 65535 with a RangeError', () => {
    const ok = encodeKey(Buffer.alloc(0xfffe, 1), E);
    assert.deepEqual(ok.subarray(0, 2), hex('ff fe'));
    assert.throws(() => encodeKey(Buffer.alloc(0xffff), E), RangeError);
  });
  it('decodeKey rejects keys shorter than their prefix says', () => {
    assert.throws(() => decodeKey(hex('00')), RangeError);
    assert.throws(() => decodeKey(hex('00 02 61')), RangeError);
  });
  it('decodeKey returns views of the input', () => {
    const full = hex('00 01 61 62');
    const { hashKey } = decodeKey(full);
    full[2] = 0x7a;
    assert.equal(hashKey.toString(), 'z');
  });
});

describe('nextKey (Java behaviour, length prefix included)', () => {
  const cases: [string, Buffer, Buffer, string][] = [
    ['hash 0a', hex('0a'), E, '00 01 0b'],
    ['hash ff', hex('ff'), E, '00 02'],
    ['hash ff ff', hex('ff ff'), E, '00 03'],
    ['hash 44 + sort 55', hex('44'), hex('55'), '00 01 44 56'],
    ['hash 44 + sort ff', hex('44'), hex('ff'), '00 01 45'],
  ];
  for (const [label, h, s, bytes] of cases) {
    it(`next(${label}) = ${bytes}`, () => {
      assert.deepEqual(nextKeyOf(h, s), hex(bytes));
      assert.deepEqual(nextKey(encodeKey(h, s)), hex(bytes));
    });
  }
  it('does not modify its input', () => {
    const k = hex('00 01 44 55');
    nextKey(k);
    assert.deepEqual(k, hex('00 01 44 55'));
  });
  it('refuses an all-0xFF key', () => {
    assert.throws(() => nextKey(hex('ff ff')), RangeError);
    assert.throws(() => nextKey(E), RangeError);
  });
});
