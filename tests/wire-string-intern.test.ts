// FastReader returns a recent equal string instead of decoding short strings again: it must never
// return a string whose bytes differ (same length, one byte apart, at either end or in the middle),
// whatever came before it, and must keep working past its per-length capacity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastReader } from '../core/wire/index.ts';

/** a Thrift string: i32 length, then the UTF-8 bytes */
function thriftString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(4 + b.length);
  out.writeInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
}

const read = (s: string) => new FastReader(thriftString(s)).readString();

describe('FastReader: short strings', () => {
  it('equal lengths, different bytes: each decodes to itself, repeatedly', () => {
    const same = ['ERR_OK', 'ERR_OX', 'XRR_OK', 'ERR_AK', 'ERROOK', 'ERR_OK'];
    for (let round = 0; round < 3; round++) for (const s of same) assert.equal(read(s), s);
  });

  it('more distinct strings of one length than are kept, then the first again', () => {
    const many = Array.from({ length: 12 }, (_, i) => `RPC_RRDB_RRDB_${String.fromCharCode(65 + i)}ET_ACK`);
    for (const s of many) assert.equal(read(s), s);
    for (const s of [...many].reverse()) assert.equal(read(s), s);
  });

  it('multi-byte UTF-8, the empty string, and strings past the interned length', () => {
    for (const s of ['é', 'ée', 'eé', '', '日本', 'x'.repeat(48), 'y'.repeat(49), `${'x'.repeat(47)}z`])
      assert.equal(read(s), s);
    assert.equal(read('x'.repeat(48)), 'x'.repeat(48));
  });

  it('a string read from the middle of a larger buffer', () => {
    const buf = Buffer.concat([thriftString('ERR_OK'), thriftString('ERR_NO'), thriftString('ERR_OK')]);
    const r = new FastReader(buf);
    assert.deepEqual([r.readString(), r.readString(), r.readString()], ['ERR_OK', 'ERR_NO', 'ERR_OK']);
  });
});
