// The primitive read/write surface the schema codecs are written against. Two implementations exist:
// the fast hand-written one (fast-writer.ts / fast-reader.ts, the hot path) and one backed by thrift's
// TBinaryProtocol (thrift-io.ts, the reference used by differential tests and the benchmark).
// Both must produce/consume identical bytes.

export interface WireWriter {
  /** bytes written so far */
  readonly length: number;
  writeRaw(bytes: Uint8Array): void;
  writeBool(v: boolean): void;
  writeByte(v: number): void;
  writeI16(v: number): void;
  writeI32(v: number): void;
  /** accepts signed or unsigned 64-bit values; writes the two's-complement bits */
  writeI64(v: bigint): void;
  writeString(s: string): void;
  writeBinary(b: Uint8Array): void;
  writeFieldBegin(type: number, id: number): void;
  writeFieldStop(): void;
  writeListBegin(elemType: number, size: number): void;
  writeMapBegin(keyType: number, valueType: number, size: number): void;
  /** strict form: u32 0x80010000|type, name, seqid */
  writeMessageBegin(name: string, type: number, seqid: number): void;
  /** writes a u32 placeholder and returns its position, for lengths known only later */
  reserveU32(): number;
  patchU32(at: number, v: number): void;
  /** the finished bytes; the writer must not be used afterwards (except reset, where offered) */
  finish(): Buffer;
}

export interface WireReader {
  /** bytes left before the end of the region being read */
  readonly remaining: number;
  /** position relative to the start of the region, for error messages */
  readonly offset: number;
  /** id of the field whose header readFieldBegin just read */
  readonly fieldId: number;
  /** element type of the list readListBegin just read */
  readonly elemType: number;
  /** key / value types of the map readMapBegin just read */
  readonly keyType: number;
  readonly valueType: number;
  readBool(): boolean;
  /** signed i8 */
  readByte(): number;
  readI16(): number;
  readI32(): number;
  readI64(): bigint;
  readDouble(): number;
  readString(): string;
  /** a view into the underlying bytes when the implementation allows it */
  readBinary(): Buffer;
  /** returns the type id; STOP (0) ends the struct, otherwise fieldId is set */
  readFieldBegin(): number;
  /** returns the element count; elemType is set */
  readListBegin(): number;
  /** returns the entry count; keyType / valueType are set */
  readMapBegin(): number;
}
