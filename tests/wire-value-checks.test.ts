// What both writers (the hot-path FastWriter and the ThriftWriter over thrift's own protocol) refuse,
// and what they say: a value outside its wire type is a ProtocolError of kind 'encode' naming the
// type and the value, never a silent truncation, a wrap-around or a RangeError. The bounds are the
// wire types' own (docs/PROTOCOL.md 3): i8, i16, u32 (a length patched in), 64-bit (signed or
// unsigned bit patterns), booleans, strings and byte arrays. Each pinned because a Stryker mutant of
// core/wire/value-checks.ts survived the wire tests without it (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastWriter } from '../core/wire/fast-writer.ts';
import { ProtocolError } from '../core/wire/protocol-error.ts';
import { ThriftWriter } from '../core/wire/thrift-io.ts';
import type { WireWriter } from '../core/wire/wire-io.ts';

const WRITERS: [string, () => WireWriter][] = [
  ['FastWriter', () => new FastWriter()],
  ['ThriftWriter', () => new ThriftWriter()],
];

function refuses(label: string, fn: () => void, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `${label}: a ProtocolError, got ${String(e)}`);
    assert.equal(e.kind, 'encode', label);
    assert.equal(e.message, message, label);
    return true;
  });
}

/** the bytes a writer holds after `fn` */
function written(make: () => WireWriter, fn: (w: WireWriter) => void): Buffer {
  const w = make();
  fn(w);
  return w.finish();
}

describe('both writers refuse values outside their wire type, and say which', () => {
  for (const [label, make] of WRITERS) {
    it(`${label}: i8 is -128..127`, () => {
      assert.deepEqual([...written(make, (w) => w.writeByte(-128))], [0x80]);
      assert.deepEqual([...written(make, (w) => w.writeByte(127))], [0x7f]);
      refuses(label, () => make().writeByte(128), 'expected an i8, got 128');
      refuses(label, () => make().writeByte(-129), 'expected an i8, got -129');
      refuses(label, () => make().writeByte(1.5), 'expected an i8, got 1.5');
    });

    it(`${label}: i16 is -32768..32767, a field id too`, () => {
      assert.deepEqual([...written(make, (w) => w.writeI16(-32768))], [0x80, 0]);
      assert.deepEqual([...written(make, (w) => w.writeI16(32767))], [0x7f, 0xff]);
      refuses(label, () => make().writeI16(32768), 'expected an i16, got 32768');
      refuses(label, () => make().writeI16(-32769), 'expected an i16, got -32769');
      refuses(label, () => make().writeFieldBegin(8, 40000), 'expected an i16, got 40000');
    });

    it(`${label}: a patched length is a u32`, () => {
      const w = make();
      const at = w.reserveU32();
      w.patchU32(at, 0xffffffff);
      assert.deepEqual([...w.finish()], [0xff, 0xff, 0xff, 0xff]);
      const v = make();
      const at2 = v.reserveU32();
      refuses(label, () => v.patchU32(at2, -1), 'expected a u32, got -1');
      refuses(label, () => v.patchU32(at2, 2 ** 32), 'expected a u32, got 4294967296');
    });

    it(`${label}: a 64-bit value is a bigint from -2^63 up to 2^64 - 1 (both bit patterns)`, () => {
      const min = -(1n << 63n);
      const max = (1n << 64n) - 1n;
      assert.deepEqual([...written(make, (w) => w.writeI64(min))], [0x80, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual([...written(make, (w) => w.writeI64(max))], Array(8).fill(0xff));
      refuses(label, () => make().writeI64(min - 1n), 'expected a 64-bit bigint, got -9223372036854775809n');
      refuses(label, () => make().writeI64(max + 1n), 'expected a 64-bit bigint, got 18446744073709551616n');
      refuses(label, () => make().writeI64(5 as never), 'expected a 64-bit bigint, got 5');
    });

    it(`${label}: a bool is a boolean, a string a string, a binary a Uint8Array`, () => {
      assert.deepEqual([...written(make, (w) => w.writeBool(true))], [1]);
      refuses(label, () => make().writeBool(1 as never), 'expected a boolean, got 1');
      refuses(label, () => make().writeBool('true' as never), 'expected a boolean, got "true"');
      refuses(label, () => make().writeString(7 as never), 'expected a string, got 7');
      refuses(label, () => make().writeString(7n as never), 'expected a string, got 7n');
      refuses(label, () => make().writeBinary('ab' as never), 'expected a Uint8Array, got "ab"');
      refuses(label, () => make().writeBinary(null as never), 'expected a Uint8Array, got null');
    });
  }
});
