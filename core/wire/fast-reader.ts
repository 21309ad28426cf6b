// Hot-path reader over one Buffer region. Every read is bounds-checked against the region end and
// fails with ProtocolError('truncated'); binary reads return views, not copies.
import { ProtocolError } from './protocol-error.ts';
import { T_STOP } from './ttype.ts';
import type { WireReader } from './wire-io.ts';

// Short strings repeat in every reply (the error name 'ERR_OK', the reply's method name, server
// addresses): the few most recent of each length are kept and returned when the bytes match, so a
// reply decodes without a native call and a new string per field. Equal bytes decode to the same
// string, so this never changes a result (tests/wire-string-intern.test.ts).
const INTERN_MAX_BYTES = 48;
const INTERN_PER_LENGTH = 4;
interface Interned {
  readonly bytes: Uint8Array;
  readonly value: string;
}
/** per byte length: the most recent distinct strings, newest last */
const internTable: Interned[][] = Array.from({ length: INTERN_MAX_BYTES + 1 }, () => []);

function interned(buf: Buffer, p: number, n: number): string {
  const list = internTable[n]!;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    const b = e.bytes;
    let j = 0;
    while (j < n && b[j] === buf[p + j]) j++;
    if (j === n) return e.value;
  }
  const value = buf.toString('utf8', p, p + n);
  if (list.length === INTERN_PER_LENGTH) list.shift();
  // a copy: the reply's bytes are not kept alive by the table
  list.push({ bytes: Uint8Array.prototype.slice.call(buf, p, p + n), value });
  return value;
}

const I64_BYTES = new Uint8Array(8);
const I64_SCRATCH = new DataView(I64_BYTES.buffer);

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
    // one BigInt through a DataView (Buffer.readBigInt64BE assembles it from several)
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) I64_BYTES[i] = b[p + i]!;
    this.pos = p + 8;
    return I64_SCRATCH.getBigInt64(0);
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
    if (n === 0) return '';
    if (n <= INTERN_MAX_BYTES) return interned(this.buf, p, n);
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
