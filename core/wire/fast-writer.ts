// Hot-path writer: writes straight into a growable scratch Buffer. Large blobs are not copied into
// the scratch; they are kept as separate segments and copied exactly once, into the final Buffer.

import { STRICT_VERSION_1, T_STOP } from './ttype.ts';
import {
  checkBool,
  checkBytes,
  checkI8,
  checkI16,
  checkI32,
  checkI64,
  checkString,
  checkU32,
} from './value-checks.ts';
import type { WireWriter } from './wire-io.ts';

/** Blobs at least this long become their own segment instead of being copied into the scratch. */
const EXTERNAL_MIN = 2048;
/** A scratch that grew past this is dropped on reset, so one huge message does not pin memory. */
const MAX_RETAINED_SCRATCH = 256 * 1024;

/** Encoded method names, cached: every request repeats one of ~20 names. */
const nameCache = new Map<string, Buffer>();

function encodedName(name: string): Buffer {
  let b = nameCache.get(name);
  if (b === undefined) {
    b = Buffer.from(name, 'utf8');
    if (nameCache.size < 256) nameCache.set(name, b);
  }
  return b;
}

const I64_BYTES = new Uint8Array(8);
const I64_SCRATCH = new DataView(I64_BYTES.buffer);

export class FastWriter implements WireWriter {
  private buf: Buffer;
  private pos = 0;
  /** start of the live (not yet cut) scratch region */
  private segStart = 0;
  private segments: Uint8Array[] = [];
  /** per segment: a caller's blob (not copied) rather than a slice of the scratch */
  private external: boolean[] = [];
  private segmentBytes = 0;

  constructor(initialCapacity = 512) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.segmentBytes + this.pos - this.segStart;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const live = this.pos - this.segStart;
    let cap = this.buf.length * 2;
    while (cap < live + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    // earlier segments keep pointing into the old buffer, which stays intact
    this.buf.copy(next, 0, this.segStart, this.pos);
    this.buf = next;
    this.segStart = 0;
    this.pos = live;
  }

  private cut(): void {
    if (this.pos > this.segStart) {
      this.segments.push(this.buf.subarray(this.segStart, this.pos));
      this.external.push(false);
      this.segmentBytes += this.pos - this.segStart;
    }
    this.segStart = this.pos;
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeBool(v: boolean): void {
    checkBool(v);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeByte(v: number): void {
    checkI8(v);
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  writeI16(v: number): void {
    checkI16(v);
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 8) & 0xff;
    b[p + 1] = v & 0xff;
    this.pos = p + 2;
  }

  writeI32(v: number): void {
    checkI32(v);
    this.putU32(v);
  }

  private putU32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
  }

  writeI64(v: bigint): void {
    checkI64(v);
    this.ensure(8);
    // through a DataView: it takes v modulo 2^64 (as asUintN did) without the intermediate BigInts
    // Buffer.writeBigUInt64BE makes; every request header carries one
    I64_SCRATCH.setBigUint64(0, v);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) b[p + i] = I64_BYTES[i]!;
    this.pos = p + 8;
  }

  writeString(s: string): void {
    checkString(s);
    // UTF-8 needs at most 3 bytes per UTF-16 unit: write first, patch the length after
    this.ensure(4 + 3 * s.length);
    const at = this.pos;
    const n = this.buf.write(s, at + 4, 'utf8');
    this.pos = at + 4;
    this.patchAt(at, n);
    this.pos += n;
  }

  writeBinary(b: Uint8Array): void {
    checkBytes(b);
    this.putU32(b.length);
    if (b.length >= EXTERNAL_MIN) {
      this.cut();
      this.segments.push(b);
      this.external.push(true);
      this.segmentBytes += b.length;
      return;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  writeFieldBegin(type: number, id: number): void {
    checkI16(id);
    this.ensure(3);
    const b = this.buf;
    const p = this.pos;
    b[p] = type;
    b[p + 1] = (id >>> 8) & 0xff;
    b[p + 2] = id & 0xff;
    this.pos = p + 3;
  }

  writeFieldStop(): void {
    this.ensure(1);
    this.buf[this.pos++] = T_STOP;
  }

  writeListBegin(elemType: number, size: number): void {
    this.ensure(1);
    this.buf[this.pos++] = elemType;
    this.writeI32(size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    this.ensure(2);
    this.buf[this.pos++] = keyType;
    this.buf[this.pos++] = valueType;
    this.writeI32(size);
  }

  writeMessageBegin(name: string, type: number, seqid: number): void {
    checkString(name);
    checkI32(seqid);
    this.putU32((STRICT_VERSION_1 | type) >>> 0);
    const nb = encodedName(name);
    this.putU32(nb.length);
    this.writeRaw(nb);
    this.putU32(seqid);
  }

  reserveU32(): number {
    const at = this.length;
    this.putU32(0);
    return at;
  }

  patchU32(at: number, v: number): void {
    checkU32(v);
    const live = at - this.segmentBytes;
    if (live >= 0) {
      this.patchAt(this.segStart + live, v);
      return;
    }
    // the placeholder was cut into an earlier scratch segment: patch through that view
    let base = 0;
    for (const seg of this.segments) {
      if (at < base + seg.length) {
        const o = at - base;
        seg[o] = (v >>> 24) & 0xff;
        seg[o + 1] = (v >>> 16) & 0xff;
        seg[o + 2] = (v >>> 8) & 0xff;
        seg[o + 3] = v & 0xff;
        return;
      }
      base += seg.length;
    }
  }

  private patchAt(p: number, v: number): void {
    const b = this.buf;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    if (this.segments.length === 0) {
      this.buf.copy(out, 0, this.segStart, this.pos);
    } else {
      this.cut();
      let o = 0;
      for (const seg of this.segments) {
        out.set(seg, o);
        o += seg.length;
      }
    }
    this.reset();
    return out;
  }

  /**
   * The finished bytes as consecutive parts: one Buffer, like finish(), below `splitFromBytes`;
   * from there on the caller's large blobs are not copied but referenced as parts of their own (a
   * 64 MiB value costs no 64 MiB copy on the event loop), and the writer's own bytes between them are
   * copied out of the scratch.
   */
  finishParts(splitFromBytes: number): Buffer[] {
    if (this.length < splitFromBytes || this.segments.length === 0) return [this.finish()];
    this.cut();
    const parts: Buffer[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      parts.push(
        this.external[i] === true
          ? Buffer.from(seg.buffer, seg.byteOffset, seg.byteLength)
          : Buffer.from(seg),
      );
    }
    this.reset();
    return parts;
  }

  /** Forget everything written (finish() already does this); keeps the scratch unless it grew huge. */
  reset(): void {
    this.pos = 0;
    this.segStart = 0;
    // emptied in place (no new arrays per message: most never had a segment)
    if (this.segments.length > 0) {
      this.segments.length = 0;
      this.external.length = 0;
    }
    this.segmentBytes = 0;
    if (this.buf.length > MAX_RETAINED_SCRATCH) this.buf = Buffer.allocUnsafe(512);
  }
}

let shared: FastWriter | null = new FastWriter(4096);

/**
 * Run `fn` with a reusable writer and return its finished bytes. Encoding is synchronous, so one
 * shared writer suffices; a nested call (not expected) gets a private one.
 */
export function withFastWriter(fn: (w: FastWriter) => void): Buffer {
  const w = shared ?? new FastWriter();
  shared = null;
  try {
    fn(w);
    return w.finish();
  } finally {
    w.reset();
    shared = w;
  }
}

/**
 * The shared writer, to be handed back with releaseFastWriter in a finally: the hot path's form of
 * withFastWriter, without a closure per message.
 */
export function acquireFastWriter(): FastWriter {
  const w = shared ?? new FastWriter();
  shared = null;
  return w;
}

export function releaseFastWriter(w: FastWriter): void {
  w.reset();
  shared = w;
}
