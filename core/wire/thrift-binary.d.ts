// Minimal types for the two thrift modules we deep-import. The package root is never imported: it pulls
// in http, net and ws. Only what pegasus-ts uses is declared.

declare module 'thrift/lib/nodejs/lib/thrift/thrift.js' {
  const thrift: {
    readonly Type: {
      readonly STOP: 0;
      readonly VOID: 1;
      readonly BOOL: 2;
      readonly BYTE: 3;
      readonly DOUBLE: 4;
      readonly I16: 6;
      readonly I32: 8;
      readonly I64: 10;
      readonly STRING: 11;
      readonly STRUCT: 12;
      readonly MAP: 13;
      readonly SET: 14;
      readonly LIST: 15;
      readonly UUID: 16;
    };
    readonly MessageType: { readonly CALL: 1; readonly REPLY: 2; readonly EXCEPTION: 3; readonly ONEWAY: 4 };
  };
  export default thrift;
}

declare module 'thrift/lib/nodejs/lib/thrift/binary_protocol.js' {
  /** node-int64 object as returned by readI64; writeI64 writes `buffer` whole (offset ignored). */
  export interface ThriftInt64 {
    readonly buffer: Uint8Array;
    readonly offset: number;
  }
  /** What TBinaryProtocol calls on its transport when writing. */
  export interface ThriftWriteTransport {
    write(buf: Uint8Array): void;
    setCurrSeqId(seqid: number): void;
    flush(): void;
  }
  /** What TBinaryProtocol calls on its transport when reading. */
  export interface ThriftReadTransport {
    readByte(): number;
    readI16(): number;
    readI32(): number;
    readDouble(): number;
    read(len: number): Buffer;
    readString(len: number): string;
  }
  class TBinaryProtocol {
    constructor(
      trans: ThriftWriteTransport | ThriftReadTransport,
      strictRead?: boolean,
      strictWrite?: boolean,
    );
    writeMessageBegin(name: string, type: number, seqid: number): void;
    writeMessageEnd(): void;
    writeFieldBegin(name: string | null, type: number, id: number): void;
    writeFieldStop(): void;
    writeMapBegin(ktype: number, vtype: number, size: number): void;
    writeListBegin(etype: number, size: number): void;
    writeBool(b: boolean): void;
    writeByte(b: number): void;
    writeI16(v: number): void;
    writeI32(v: number): void;
    writeI64(v: ThriftInt64 | number): void;
    writeString(s: string): void;
    writeBinary(b: Uint8Array): void;
    readMessageBegin(): { fname: string; mtype: number; rseqid: number };
    readFieldBegin(): { fname: null; ftype: number; fid: number };
    readMapBegin(): { ktype: number; vtype: number; size: number };
    readListBegin(): { etype: number; size: number };
    readBool(): boolean;
    readByte(): number;
    readI16(): number;
    readI32(): number;
    readI64(): ThriftInt64;
    readString(): string;
    readBinary(): Buffer;
  }
  export default TBinaryProtocol;
}
