// The size of a request's body (the Thrift message the server measures against its write limit,
// docs/PROTOCOL.md 10.2), counted without encoding it: the codec writes into a writer that only adds
// up lengths. No buffer is allocated and no byte copied, so checking a 100 MB value costs the same as
// checking a 10-byte one. Values are not validated here; the real encode does that.
import { lookupRpc } from './request-codec.ts';
import type { RpcArgs, RpcName } from './types.ts';
import type { WireWriter } from './wire-io.ts';

/** UTF-8 length without a call into the runtime for the usual short ASCII string */
function utf8Bytes(s: string): number {
  if (s.length > 64) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

class CountingWriter implements WireWriter {
  length = 0;
  writeRaw(bytes: Uint8Array): void {
    this.length += bytes.length;
  }
  writeBool(): void {
    this.length += 1;
  }
  writeByte(): void {
    this.length += 1;
  }
  writeI16(): void {
    this.length += 2;
  }
  writeI32(): void {
    this.length += 4;
  }
  writeI64(): void {
    this.length += 8;
  }
  writeString(s: string): void {
    this.length += 4 + utf8Bytes(s);
  }
  writeBinary(b: Uint8Array): void {
    this.length += 4 + b.length;
  }
  writeFieldBegin(): void {
    this.length += 3;
  }
  writeFieldStop(): void {
    this.length += 1;
  }
  writeListBegin(): void {
    this.length += 5;
  }
  writeMapBegin(): void {
    this.length += 6;
  }
  writeMessageBegin(name: string): void {
    // version word, name length, name (RPC names are ASCII), seqid
    this.length += 12 + name.length;
  }
  reserveU32(): number {
    const at = this.length;
    this.length += 4;
    return at;
  }
  patchU32(): void {}
  finish(): Buffer {
    throw new Error('a counting writer has no bytes');
  }
}

const counter = new CountingWriter();

/**
 * Bytes of the request body `name` with `args` would have on the wire: the Thrift CALL message
 * (message begin, args wrapper, request struct), without the frame header. Throws as the encoder
 * would for an unknown RPC.
 */
export function requestBodyBytes<N extends RpcName>(name: N, args: RpcArgs<N>): number {
  const info = lookupRpc(name);
  counter.length = 0;
  counter.writeMessageBegin(name);
  counter.writeFieldBegin();
  info.args.write(counter, args);
  counter.writeFieldStop();
  return counter.length;
}

/** more than the fixed part of any write request's body (message begin, wrappers, ints, stops) */
const FIXED_BOUND = 160;
/** more than the framing of one entry of a list (field headers, length prefixes, ints, stop) */
const ENTRY_BOUND = 48;

type Blobs = { length: number }[];
function sumLengths(list: Blobs): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) n += list[i]!.length;
  return n;
}

/**
 * An upper bound of requestBodyBytes for the write RPCs, from the lengths of their keys and values
 * alone (no walk through the codec): what the hot path checks first. null for other RPCs.
 * Property (properties/request-size.test.ts): bound >= requestBodyBytes for every write request.
 */
export function writeBodyBytesAtMost<N extends RpcName>(name: N, args: RpcArgs<N>): number | null {
  const a = args as unknown as Record<string, unknown>;
  switch (name) {
    case 'RPC_RRDB_RRDB_PUT': {
      const u = a as { key: Uint8Array; value: Uint8Array; check_value?: Uint8Array };
      return FIXED_BOUND + u.key.length + u.value.length + (u.check_value?.length ?? 0);
    }
    case 'RPC_RRDB_RRDB_REMOVE':
      return FIXED_BOUND + (a as unknown as Uint8Array).length;
    case 'RPC_RRDB_RRDB_INCR':
      return FIXED_BOUND + (a.key as Uint8Array).length;
    case 'RPC_RRDB_RRDB_MULTI_PUT': {
      const kvs = a.kvs as Array<{ key: Uint8Array; value: Uint8Array }>;
      let n = FIXED_BOUND + (a.hash_key as Uint8Array).length + ENTRY_BOUND * kvs.length;
      for (let i = 0; i < kvs.length; i++) n += kvs[i]!.key.length + kvs[i]!.value.length;
      return n;
    }
    case 'RPC_RRDB_RRDB_MULTI_REMOVE': {
      const keys = a.sort_keys as Blobs;
      return FIXED_BOUND + (a.hash_key as Uint8Array).length + ENTRY_BOUND * keys.length + sumLengths(keys);
    }
    case 'RPC_RRDB_RRDB_CHECK_AND_SET':
      return (
        FIXED_BOUND +
        (a.hash_key as Uint8Array).length +
        (a.check_sort_key as Uint8Array).length +
        (a.check_operand as Uint8Array).length +
        (a.set_sort_key as Uint8Array).length +
        (a.set_value as Uint8Array).length
      );
    case 'RPC_RRDB_RRDB_CHECK_AND_MUTATE': {
      const list = a.mutate_list as Array<{ sort_key: Uint8Array; value: Uint8Array }>;
      let n =
        FIXED_BOUND +
        (a.hash_key as Uint8Array).length +
        (a.check_sort_key as Uint8Array).length +
        (a.check_operand as Uint8Array).length +
        ENTRY_BOUND * list.length;
      for (let i = 0; i < list.length; i++) n += list[i]!.sort_key.length + list[i]!.value.length;
      return n;
    }
    default:
      return null;
  }
}

/**
 * The body size of a write request when it exceeds `limitBytes`, else -1: the cheap bound first,
 * the exact count only when the bound is over the limit. -1 for RPCs that are not writes.
 */
export function writeBodyBytesOver<N extends RpcName>(name: N, args: RpcArgs<N>, limitBytes: number): number {
  const bound = writeBodyBytesAtMost(name, args);
  if (bound === null || bound <= limitBytes) return -1;
  const exact = requestBodyBytes(name, args);
  return exact > limitBytes ? exact : -1;
}
