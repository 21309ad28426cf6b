// WireWriter / WireReader backed by thrift's own TBinaryProtocol, over two small transports of ours.
// This is the reference implementation: differential tests check that the fast path produces and
// accepts exactly the same bytes, and the benchmark measures what using it on the hot path would cost.
import TBinaryProtocol, {
  type ThriftReadTransport,
  type ThriftWriteTransport,
} from 'thrift/lib/nodejs/lib/thrift/binary_protocol.js';
import { asProtocolError, ProtocolError } from './protocol-error.ts';
import { T_STOP } from './ttype.ts';
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
import type { WireReader, WireWriter } from './wire-io.ts';

/** Appends whatever TBinaryProtocol hands over (it allocates a small Buffer per primitive). */
class GrowableWriteTransport implements ThriftWriteTransport {
  buf = Buffer.allocUnsafe(256);
  len = 0;

  write(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + b.length) cap *= 2;
      const next = Buffer.allocUnsafe(cap);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  setCurrSeqId(_seqid: number): void {}

  flush(): void {}
}

export class ThriftWriter implements WireWriter {
  private readonly t = new GrowableWriteTransport();
  private readonly p = new TBinaryProtocol(this.t, false, true);

  get length(): number {
    return this.t.len;
  }

  writeRaw(bytes: Uint8Array): void {
    this.t.write(bytes);
  }

  writeBool(v: boolean): void {
    checkBool(v);
    this.p.writeBool(v);
  }

  writeByte(v: number): void {
    checkI8(v);
    this.p.writeByte(v);
  }

  writeI16(v: number): void {
    checkI16(v);
    this.p.writeI16(v);
  }

  writeI32(v: number): void {
    checkI32(v);
    this.p.writeI32(v);
  }

  writeI64(v: bigint): void {
    checkI64(v);
    // node-int64's writer only reads `.buffer`; give it the 8 big-endian bytes directly
    const b = Buffer.allocUnsafe(8);
    b.writeBigUInt64BE(BigInt.asUintN(64, v));
    this.p.writeI64({ buffer: b, offset: 0 });
  }

  writeString(s: string): void {
    checkString(s);
    this.p.writeString(s);
  }

  writeBinary(b: Uint8Array): void {
    checkBytes(b);
    this.p.writeBinary(b);
  }

  writeFieldBegin(type: number, id: number): void {
    checkI16(id);
    this.p.writeFieldBegin(null, type, id);
  }

  writeFieldStop(): void {
    this.p.writeFieldStop();
  }

  writeListBegin(elemType: number, size: number): void {
    checkI32(size);
    this.p.writeListBegin(elemType, size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    checkI32(size);
    this.p.writeMapBegin(keyType, valueType, size);
  }

  writeMessageBegin(name: string, type: number, seqid: number): void {
    checkString(name);
    checkI32(seqid);
    this.p.writeMessageBegin(name, type, seqid);
    // binary protocol writes nothing at message end; calling it resets thrift's seqid bookkeeping
    this.p.writeMessageEnd();
  }

  reserveU32(): number {
    const at = this.t.len;
    this.p.writeI32(0);
    return at;
  }

  patchU32(at: number, v: number): void {
    checkU32(v);
    this.t.buf.writeUInt32BE(v, at);
  }

  finish(): Buffer {
    return Buffer.from(this.t.buf.subarray(0, this.t.len));
  }
}

/** Bounds-checked reads over one Buffer region, in the shape TBinaryProtocol expects. */
class BufferReadTransport implements ThriftReadTransport {
  constructor(
    private readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  pos: number;

  private need(n: number): number {
    if (n < 0 || n > this.end - this.pos) {
      throw new ProtocolError(
        'truncated',
        `need ${n} bytes at offset ${this.pos - this.start}, only ${this.end - this.pos} left`,
      );
    }
    const p = this.pos;
    this.pos = p + n;
    return p;
  }

  readByte(): number {
    return this.buf.readInt8(this.need(1));
  }

  readI16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  readI32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  readDouble(): number {
    return this.buf.readDoubleBE(this.need(8));
  }

  read(len: number): Buffer {
    const p = this.need(len);
    return this.buf.subarray(p, p + len);
  }

  readString(len: number): string {
    const p = this.need(len);
    return this.buf.toString('utf8', p, p + len);
  }
}

export class ThriftReader implements WireReader {
  private readonly t: BufferReadTransport;
  private readonly p: TBinaryProtocol;
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.t = new BufferReadTransport(buf, start, end);
    this.p = new TBinaryProtocol(this.t);
  }

  get remaining(): number {
    return this.t.end - this.t.pos;
  }

  get offset(): number {
    return this.t.pos - this.t.start;
  }

  /** thrift throws its own TProtocolException (e.g. negative sizes); callers only ever see ProtocolError */
  private guard<T>(what: string, fn: () => T): T {
    const at = this.offset;
    try {
      return fn();
    } catch (e) {
      if (e instanceof ProtocolError) throw e;
      throw new ProtocolError('bad-length', asProtocolError(e, `${what} at offset ${at}`).message);
    }
  }

  readBool(): boolean {
    return this.p.readBool();
  }

  readByte(): number {
    return this.p.readByte();
  }

  readI16(): number {
    return this.p.readI16();
  }

  readI32(): number {
    return this.p.readI32();
  }

  readI64(): bigint {
    const v = this.p.readI64();
    return new DataView(v.buffer.buffer, v.buffer.byteOffset + v.offset, 8).getBigInt64(0);
  }

  readDouble(): number {
    return this.t.readDouble();
  }

  readString(): string {
    return this.guard('string', () => this.p.readString());
  }

  readBinary(): Buffer {
    return this.guard('binary', () => this.p.readBinary());
  }

  readFieldBegin(): number {
    const f = this.p.readFieldBegin();
    if (f.ftype !== T_STOP) this.fieldId = f.fid;
    return f.ftype;
  }

  readListBegin(): number {
    const at = this.offset;
    const l = this.p.readListBegin();
    if (l.size < 0) throw new ProtocolError('bad-length', `negative element count ${l.size} at offset ${at}`);
    this.elemType = l.etype;
    return l.size;
  }

  readMapBegin(): number {
    const at = this.offset;
    const m = this.p.readMapBegin();
    if (m.size < 0) throw new ProtocolError('bad-length', `negative element count ${m.size} at offset ${at}`);
    this.keyType = m.ktype;
    this.valueType = m.vtype;
    return m.size;
  }
}
