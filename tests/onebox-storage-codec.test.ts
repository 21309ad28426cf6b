import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc64 } from '../core/routing/index.ts';
import { matchesFilter } from '../onebox/storage/filters.ts';
import { parseInt64Text } from '../onebox/storage/int64-text.ts';
import { decodeKey, encodeKey, hashKeyStop, nextKey } from '../onebox/storage/key-codec.ts';
import { b } from './onebox-storage-helpers.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('onebox storage: local key codec (docs/PROTOCOL.md 7.1)', () => {
  it('encodes the TestBasic.java examples', () => {
    assert.equal(hex(encodeKey(b(''), b(''))), '0000');
    assert.equal(hex(encodeKey(Buffer.from([0x44]), b(''))), '000144');
    assert.equal(hex(encodeKey(b(''), Buffer.from([0x55]))), '000055');
    assert.equal(hex(encodeKey(Buffer.from([0x44]), Buffer.from([0x55]))), '00014455');
  });

  it('decodes and rejects truncated keys', () => {
    const parts = decodeKey(Buffer.from('0002414243', 'hex'));
    assert.ok(parts);
    assert.equal(parts.hashKey.toString(), 'AB');
    assert.equal(parts.sortKey.toString(), 'C');
    assert.equal(decodeKey(Buffer.from('00', 'hex')), undefined);
    assert.equal(decodeKey(Buffer.from('000341', 'hex')), undefined);
  });

  it('computes next keys like the Java client', () => {
    assert.equal(hex(hashKeyStop(Buffer.from([0x0a]))), '00010b');
    assert.equal(hex(hashKeyStop(Buffer.from([0xff]))), '0002');
    assert.equal(hex(hashKeyStop(Buffer.from([0xff, 0xff]))), '0003');
    assert.equal(hex(nextKey(encodeKey(Buffer.from([0x44]), Buffer.from([0x55])))), '00014456');
    assert.equal(hex(nextKey(encodeKey(Buffer.from([0x44]), Buffer.from([0xff])))), '000145');
  });
});

describe('onebox storage: local crc64 (docs/PROTOCOL.md 7.2)', () => {
  it('matches the worked values', () => {
    assert.equal(crc64(b('')), 0n);
    assert.equal(crc64(b('a')), 0x8c2f8445b4cbfc3cn);
    assert.equal(crc64(b('123456789')), 0xae8b14860a799888n);
    assert.equal(crc64(b('pegasus')), 0xce8709cfbd3973c4n);
    assert.equal(crc64(Buffer.from([0])), 0xd5da5047efec8728n);
    assert.equal(crc64(Buffer.from([0xff, 0xff, 0xff, 0xff])), 0xffffffff00000000n);
    assert.equal(Number(crc64(b('a')) % 8n), 4);
  });
});

describe('onebox storage: int64 text like the server (strtoll base 0, whole buffer)', () => {
  const cases: Array<[string, bigint | undefined]> = [
    ['0', 0n],
    ['42', 42n],
    ['-17', -17n],
    ['+5', 5n],
    ['  12', 12n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', undefined],
    ['-9223372036854775809', undefined],
    ['0x1f', 31n],
    ['017', 15n],
    ['08', undefined],
    ['', undefined],
    [' ', undefined],
    ['-', undefined],
    ['12 ', undefined],
    ['1.5', undefined],
    ['abc', undefined],
    ['0x', undefined],
    ['1\u00002', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => assert.equal(parseInt64Text(b(text)), expected));
  }
});

describe('onebox storage: filters', () => {
  it('anywhere / prefix / postfix / empty pattern', () => {
    assert.equal(matchesFilter(0, b('zz'), b('abc')), true);
    assert.equal(matchesFilter(1, b('bc'), b('abcd')), true);
    assert.equal(matchesFilter(1, b('x'), b('abcd')), false);
    assert.equal(matchesFilter(2, b('ab'), b('abcd')), true);
    assert.equal(matchesFilter(2, b('bc'), b('abcd')), false);
    assert.equal(matchesFilter(3, b('cd'), b('abcd')), true);
    assert.equal(matchesFilter(3, b('bc'), b('abcd')), false);
    assert.equal(matchesFilter(2, b(''), b('')), true);
    assert.equal(matchesFilter(2, b('abcde'), b('abcd')), false);
  });
});
