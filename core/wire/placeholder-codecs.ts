// The IDL's empty-struct placeholders (docs/PROTOCOL.md 3.4, 5.1): tag 12 in every field and list header, but a
// raw payload with no field headers and no STOP. Written by hand because no generic codec can know.
import type { Codec } from './codec.ts';
import { ProtocolError } from './protocol-error.ts';
import { T_STRUCT } from './ttype.ts';
import type { Blob, ErrorName, Gpid, HostPort, RpcAddress } from './types.ts';
import { checkI32, encodeError } from './value-checks.ts';

const EMPTY = Buffer.alloc(0);

/** dsn.blob: i32 length + bytes. Decoded blobs are views into the frame; copy them to keep them long. */
export const blobCodec: Codec<Blob> = {
  tag: T_STRUCT,
  minBytes: 4,
  name: 'blob',
  write: (w, v) => w.writeBinary(v),
  read: (r) => r.readBinary(),
  zero: () => EMPTY,
};

/** dsn.error_code: the error name as a Thrift string. Absent reads as ERR_OK, the C++ default. */
export const errorCodeCodec: Codec<ErrorName> = {
  tag: T_STRUCT,
  minBytes: 4,
  name: 'error_code',
  write: (w, v) => w.writeString(v),
  read: (r) => r.readString(),
  zero: () => 'ERR_OK',
};

/** dsn.gpid: one i64 with app_id in the low 32 bits; written as its two big-endian halves. */
export const gpidCodec: Codec<Gpid> = {
  tag: T_STRUCT,
  minBytes: 8,
  name: 'gpid',
  write(w, v) {
    if (typeof v !== 'object' || v === null) throw encodeError('a gpid', v);
    checkI32(v.app_id);
    w.writeI32(v.partition_index);
    w.writeI32(v.app_id);
  },
  read(r) {
    const partition_index = r.readI32();
    const app_id = r.readI32();
    return { app_id, partition_index };
  },
  zero: () => ({ app_id: 0, partition_index: 0 }),
};

const IPV4_PORT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

/** Parse 'a.b.c.d:port' into the packed IPv4 (u32) and port; '' is the invalid address. */
export function parseRpcAddress(s: RpcAddress): { ip: number; port: number } | null {
  if (s === '') return null;
  const m = typeof s === 'string' ? IPV4_PORT.exec(s) : null;
  if (m === null) throw encodeError("an rpc_address 'a.b.c.d:port' or ''", s);
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  const port = Number(m[5]);
  if (parts.some((p) => p > 255) || port > 65535) throw encodeError('an IPv4 address and port', s);
  const [a, b, c, d] = parts as [number, number, number, number];
  return { ip: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, port };
}

/**
 * dsn.rpc_address: one u64 = ip(32) | port(16) | padding | type(2). On the wire: ip(4) port(2) 00 01
 * for IPv4, eight zero bytes for the invalid address. Type 2 (group) never reaches clients.
 */
export const rpcAddressCodec: Codec<RpcAddress> = {
  tag: T_STRUCT,
  minBytes: 8,
  name: 'rpc_address',
  write(w, v) {
    const a = parseRpcAddress(v);
    if (a === null) {
      w.writeI32(0);
      w.writeI32(0);
      return;
    }
    w.writeI32(a.ip | 0);
    w.writeI32((a.port << 16) | 1 | 0);
  },
  read(r) {
    const at = r.offset;
    const ip = r.readI32() >>> 0;
    const low = r.readI32() >>> 0;
    const type = low & 3;
    if (type === 0) return '';
    if (type !== 1) throw new ProtocolError('bad-value', `rpc_address of type ${type} at offset ${at}`);
    return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}:${low >>> 16}`;
  },
  zero: () => '',
};

/** dsn.host_port: string host, i16 port (unsigned in practice), i8 type; no headers, no STOP. */
export const hostPortCodec: Codec<HostPort> = {
  tag: T_STRUCT,
  minBytes: 7,
  name: 'host_port',
  write(w, v) {
    if (typeof v !== 'object' || v === null) throw encodeError('a host_port', v);
    const { host, port, type } = v;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw encodeError('a port 0..65535', port);
    if (type !== 0 && type !== 1) throw encodeError('host_port type 0 or 1', type);
    w.writeString(host);
    w.writeI16((port << 16) >> 16);
    w.writeByte(type);
  },
  read(r) {
    const host = r.readString();
    const port = r.readI16() & 0xffff;
    const at = r.offset;
    const type = r.readByte();
    if (type !== 0 && type !== 1)
      throw new ProtocolError('bad-value', `host_port type ${type} at offset ${at}`);
    return { host, port, type };
  },
  zero: () => ({ host: '', port: 0, type: 0 }),
};
