// Hot-path reader over one Buffer region. Every read is bounds-checked against the region end and
// fails with ProtocolError('truncated'); binary reads return views, not copies.
import { ProtocolError } from './protocol-error.ts';
import { T_STOP } from './ttype.ts';
import type { WireReader } from './wire-io.ts';

export class FastReader implements WireReader {
  private readonly buf: Buffer;
  private readonly start: number;
  private readonly end: number;
  private pos: number;
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  valueType = 0;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get offset(): number {
    return this.pos - this.start;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) {
      throw new ProtocolError(
        'truncated',
        `need ${n} bytes at offset ${this.pos - this.start}, only ${this.end - this.pos} left`,
      );
    }
  }

  readBool(): boolean {
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  readByte(): number {
    this.need(1);
    return (this.buf[this.pos++]! << 24) >> 24;
  }

  readI16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p]! << 24) >> 16) | b[p + 1]!;
  }

  readI32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  readI64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  private readLength(): number {
    const at = this.pos - this.start;
    const n = this.readI32();
    if (n < 0) throw new ProtocolError('bad-length', `negative length ${n} at offset ${at}`);
    this.need(n);
    return n;
  }

  readString(): string {
    const n = this.readLength();
    const p = this.pos;
    this.pos = p + n;
    return this.buf.toString('utf8', p, p + n);
  }

  readBinary(): Buffer {
    const n = this.readLength();
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  readFieldBegin(): number {
    const t = this.readByte();
    if (t !== T_STOP) this.fieldId = this.readI16();
    return t;
  }

  readListBegin(): number {
    this.elemType = this.readByte();
    return this.readCount();
  }

  readMapBegin(): number {
    this.keyType = this.readByte();
    this.valueType = this.readByte();
    return this.readCount();
  }

  private readCount(): number {
    const at = this.pos - this.start;
    const n = this.readI32();
    if (n < 0) throw new ProtocolError('bad-length', `negative element count ${n} at offset ${at}`);
    return n;
  }
}
