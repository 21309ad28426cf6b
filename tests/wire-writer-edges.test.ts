// Edges of the hot-path writer (core/wire/fast-writer.ts), each pinned because a Stryker mutant
// survived the wire tests without it (docs/MUTANTS.md): the scratch growing while an earlier part is
// cut off, large blobs kept as parts of their own (from exactly 2048 bytes), a length patched into a
// part cut off earlier, the parts finishParts hands out (whose own bytes are copies), and the shared
// writer handed out once at a time. Every byte is compared with thrift's own TBinaryProtocol writer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acquireFastWriter,
  FastWriter,
  releaseFastWriter,
  withFastWriter,
} from '../core/wire/fast-writer.ts';
import { ThriftWriter } from '../core/wire/thrift-io.ts';
import { T_I32, T_LIST, T_STRING } from '../core/wire/ttype.ts';
import type { WireWriter } from '../core/wire/wire-io.ts';

function blob(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A message with two length placeholders, one patched after large blobs cut the scratch. */
function script(w: WireWriter): void {
  w.writeMessageBegin('RPC_RRDB_RRDB_PUT', 1, 77);
  const outer = w.reserveU32();
  w.writeFieldBegin(T_LIST, 1);
  w.writeListBegin(T_STRING, 3);
  w.writeBinary(blob(2048, 1)); // a part of its own
  w.writeString('€'.repeat(300)); // 900 UTF-8 bytes from 300 UTF-16 units
  const inner = w.reserveU32();
  w.writeBinary(blob(2047, 2)); // copied into the scratch
  w.writeBinary(blob(5000, 3));
  w.patchU32(inner, 0xfedcba98);
  w.writeMapBegin(T_I32, T_STRING, 1);
  w.writeI32(-2);
  w.writeString('ß');
  w.writeBool(true);
  w.writeBool(false);
  w.writeByte(-1);
  w.writeI16(-2);
  w.writeI16(0x1234);
  w.writeI32(-0x12345678);
  w.writeI64(-2n);
  w.writeI64(0xfedcba9876543210n);
  w.writeRaw(blob(700, 4));
  // a placeholder right after a blob part starts the next part once another blob cuts it off
  w.writeBinary(blob(2100, 5));
  const afterBlob = w.reserveU32();
  w.writeBinary(blob(2200, 6));
  w.patchU32(afterBlob, 0x01020304);
  w.writeFieldStop();
  w.patchU32(outer, w.length);
}

function reference(): Buffer {
  const t = new ThriftWriter();
  script(t);
  return t.finish();
}

describe('FastWriter writes what thrift writes', () => {
  it('from a small scratch, through growth, cut parts and patches into them', () => {
    const want = reference();
    for (const capacity of [1, 7, 64, 512, 4096]) {
      const w = new FastWriter(capacity);
      script(w);
      assert.equal(w.length, want.length, `length, capacity ${capacity}`);
      assert.deepEqual(w.finish(), want, `capacity ${capacity}`);
      // finish() forgot everything: the same writer writes the same message again
      script(w);
      assert.deepEqual(w.finish(), want, `again, capacity ${capacity}`);
    }
  });

  it('one write larger than twice the scratch, after a part was cut', () => {
    const t = new ThriftWriter();
    const w = new FastWriter(8);
    for (const x of [t, w] as WireWriter[]) {
      x.writeI32(5);
      x.writeBinary(blob(3000, 9));
      x.writeI32(6);
      x.writeRaw(blob(1000, 10));
    }
    assert.deepEqual(w.finish(), t.finish());
  });

  it('finishParts: one Buffer below the split size, else the large blobs as parts of their own', () => {
    const want = reference();
    const w = new FastWriter(64);
    script(w);
    const one = w.finishParts(want.length + 1);
    assert.equal(one.length, 1);
    assert.deepEqual(one[0], want);

    script(w);
    const parts = w.finishParts(want.length);
    assert.deepEqual(Buffer.concat(parts), want);
    // the blobs of 2048 bytes and more are parts; the 2047-byte one was copied into the scratch
    const at2048 = want.indexOf(blob(2048, 1));
    const at5000 = want.indexOf(blob(5000, 3), at2048 + 2048);
    const at2100 = want.indexOf(blob(2100, 5), at5000 + 5000);
    assert.deepEqual(
      parts.map((p) => p.length),
      [at2048, 2048, at5000 - at2048 - 2048, 5000, at2100 - at5000 - 5000, 2100, 8, 2200, 1],
    );
    // the writer's own bytes are copies: writing the next message does not change them
    const before = parts.map((p) => Buffer.from(p));
    // byte by byte, so the scratch is overwritten in place before it grows
    for (let i = 0; i < 20000; i++) w.writeByte(-18);
    w.finish();
    assert.deepEqual(parts, before);
  });

  it("a blob part is the caller's own bytes, not a copy", () => {
    const big = blob(4096, 5);
    const w = new FastWriter();
    w.writeI32(1);
    w.writeBinary(big);
    const parts = w.finishParts(0);
    assert.equal(parts.length, 2);
    assert.equal(parts[1]!.buffer, big.buffer);
    // finish() copies it exactly once
    w.writeBinary(big);
    const out = w.finish();
    big[0] = big[0]! ^ 0xff;
    assert.notEqual(out[4], big[0]);
  });

  it('finishParts of a message without a large blob is one Buffer, whatever the split size', () => {
    const w = new FastWriter(4);
    w.writeRaw(blob(3000, 6));
    const parts = w.finishParts(0);
    assert.equal(parts.length, 1);
    assert.deepEqual(parts[0], blob(3000, 6));
    assert.deepEqual(w.finishParts(0), [Buffer.alloc(0)], 'an empty message is one empty Buffer');
  });
});

describe('the shared writer', () => {
  it('a nested withFastWriter gets a writer of its own', () => {
    const out = withFastWriter((w) => {
      w.writeI32(1);
      const inner = withFastWriter((v) => v.writeI32(2));
      w.writeRaw(inner);
      w.writeI32(3);
    });
    assert.deepEqual(out, Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]));
  });

  it('withFastWriter hands its writer back: the next acquire gets it, empty', () => {
    let used: FastWriter | undefined;
    withFastWriter((w) => {
      used = w;
      w.writeI32(1);
    });
    const next = acquireFastWriter();
    assert.equal(next, used);
    assert.equal(next.length, 0);
    releaseFastWriter(next);
  });

  it('a writer handed back after a throw starts empty', () => {
    assert.throws(
      () =>
        withFastWriter((w) => {
          w.writeI32(9);
          throw new Error('boom');
        }),
      { message: 'boom' },
    );
    assert.deepEqual(
      withFastWriter((w) => w.writeByte(1)),
      Buffer.from([1]),
    );
    const a = acquireFastWriter();
    a.writeI32(4);
    const b = acquireFastWriter(); // while a is out: another writer
    assert.notEqual(a, b);
    b.writeI32(5);
    assert.deepEqual(b.finish(), Buffer.from([0, 0, 0, 5]));
    releaseFastWriter(a);
    const c = acquireFastWriter();
    assert.equal(c, a);
    assert.equal(c.length, 0);
    releaseFastWriter(c);
  });
});
