// Client -> server: THFT frames with header v0 (fixed 48 bytes) or v1 (16 bytes + request meta struct),
// then one strict Thrift CALL message whose args wrapper holds the request value in field 1
// (docs/PROTOCOL.md 2, 3.2, 3.3). The decoding half is used by the onebox test cluster.
import { skipValue } from './codec.ts';
import { FastReader } from './fast-reader.ts';
import { acquireFastWriter, releaseFastWriter, withFastWriter } from './fast-writer.ts';
import { DEFAULT_MAX_FRAME_BYTES, FrameSplitter, type PushResult } from './frame-splitter.ts';
import { readMessageBegin } from './message-begin.ts';
import { asProtocolError, ProtocolError } from './protocol-error.ts';
import { isMetaRpc, isRpcName, rpcInfo } from './rpc-registry.ts';
import { requestMetaCodec } from './structs-meta.ts';
import { MSG_CALL, MSG_ONEWAY, T_STOP } from './ttype.ts';
import type { RequestHeader, RpcArgs, RpcName } from './types.ts';
import type { WireReader, WireWriter } from './wire-io.ts';

const MAGIC = Buffer.from('THFT', 'latin1');
const V0_HEADER_BYTES = 48;
const V1_FIXED_BYTES = 16;
/** strict message begin (4) + empty name (4) + seqid (4) + an args wrapper of at least STOP (1) */
const MIN_BODY_BYTES = 13;
/** a meta struct is at least its STOP byte */
const MIN_META_BYTES = 1;
/** docs/PROTOCOL.md 2.1: the server picks the replica's worker thread with this multiplier */
const THREAD_HASH_MULTIPLIER = 7919;

export interface EncodeRequestOptions {
  /** 1 (default) carries the backup flag and lets the server compute the thread hash; 0 for old clusters */
  headerVersion?: 0 | 1;
}

export interface RequestFrame {
  headerVersion: 0 | 1;
  header: RequestHeader;
  /** v0 only: the thread hash the client wrote */
  threadHash?: number;
  messageType: number;
  name: string;
  seqid: number;
  /** the args struct bytes */
  body: Buffer;
}

export function lookupRpc<N extends RpcName>(name: N) {
  if (!isRpcName(name)) throw new ProtocolError('unknown-rpc', `unknown RPC name ${JSON.stringify(name)}`);
  return rpcInfo(name);
}

/** v0 thread hash: app_id * 7919 + partition_index in i32 arithmetic; 0 for meta RPCs. */
export function threadHashOf(name: string, header: RequestHeader): number {
  if (isMetaRpc(name)) return 0;
  return (Math.imul(header.app_id, THREAD_HASH_MULTIPLIER) + header.partition_index) | 0;
}

/** Writes one whole request frame with any WireWriter (the fast one, or thrift's for reference). */
export function writeRequest<N extends RpcName>(
  w: WireWriter,
  name: N,
  seqid: number,
  args: RpcArgs<N>,
  header: RequestHeader,
  headerVersion: 0 | 1,
): void {
  const info = lookupRpc(name);
  if (typeof header !== 'object' || header === null) {
    throw new ProtocolError('encode', 'request header must be an object');
  }
  w.writeRaw(MAGIC);
  let lengthAt: number;
  let bodyStart: number;
  if (headerVersion === 1) {
    w.writeI32(1);
    const metaAt = w.reserveU32();
    lengthAt = w.reserveU32();
    const metaStart = w.length;
    requestMetaCodec.write(w, header);
    bodyStart = w.length;
    w.patchU32(metaAt, bodyStart - metaStart);
  } else if (headerVersion === 0) {
    if (header.is_backup_request) {
      throw new ProtocolError('encode', 'header v0 cannot carry is_backup_request; use header v1');
    }
    w.writeI32(0);
    w.writeI32(V0_HEADER_BYTES);
    w.writeI32(0); // hdr_crc32: not checked
    lengthAt = w.reserveU32();
    w.writeI32(0); // body_crc32: not checked
    w.writeI32(header.app_id);
    w.writeI32(header.partition_index);
    w.writeI32(header.client_timeout_ms);
    w.writeI32(threadHashOf(name, header));
    w.writeI64(header.partition_hash);
    bodyStart = w.length;
  } else {
    throw new ProtocolError('encode', `header version must be 0 or 1, got ${String(headerVersion)}`);
  }
  w.writeMessageBegin(name, MSG_CALL, seqid);
  w.writeFieldBegin(info.args.tag, 1);
  info.args.write(w, args);
  w.writeFieldStop();
  w.patchU32(lengthAt, w.length - bodyStart);
}

/** One request frame, ready for the socket. Throws ProtocolError('encode' / 'unknown-rpc'). */
export function encodeRequest<N extends RpcName>(
  name: N,
  seqid: number,
  args: RpcArgs<N>,
  header: RequestHeader,
  opts?: EncodeRequestOptions,
): Buffer {
  try {
    return withFastWriter((w) => writeRequest(w, name, seqid, args, header, opts?.headerVersion ?? 1));
  } catch (e) {
    throw asProtocolError(e, `encodeRequest(${String(name)})`);
  }
}

/**
 * encodeRequest, as consecutive parts to write in order: one Buffer below `splitFromBytes`; from
 * there on, large blobs (a big value) are referenced, not copied (FastWriter.finishParts).
 */
export function encodeRequestParts<N extends RpcName>(
  name: N,
  seqid: number,
  args: RpcArgs<N>,
  header: RequestHeader,
  splitFromBytes: number,
  opts?: EncodeRequestOptions,
): Buffer[] {
  // the shared writer without a closure: this runs for every attempt
  const w = acquireFastWriter();
  try {
    writeRequest(w, name, seqid, args, header, opts?.headerVersion ?? 1);
    return w.finishParts(splitFromBytes);
  } catch (e) {
    throw asProtocolError(e, `encodeRequest(${String(name)})`);
  } finally {
    releaseFastWriter(w);
  }
}

// ---- decoding (server side) ----

function measureRequest(maxFrameBytes: number) {
  return (b: Buffer, off: number, avail: number): number => {
    for (let i = 0; i < 4 && i < avail; i++) {
      if (b[off + i] !== MAGIC[i])
        throw new ProtocolError('bad-magic', 'request frame does not start with THFT');
    }
    if (avail < 8) return -8;
    const version = b.readUInt32BE(off + 4);
    let total: number;
    if (version === 0) {
      if (avail < 12) return -12;
      const hdrLength = b.readUInt32BE(off + 8);
      if (hdrLength !== V0_HEADER_BYTES) {
        throw new ProtocolError('bad-header-length', `v0 hdr_length must be 48, got ${hdrLength}`);
      }
      if (avail < 20) return -20;
      const bodyLength = b.readUInt32BE(off + 16);
      if (bodyLength < MIN_BODY_BYTES)
        throw new ProtocolError('bad-length', `body_length ${bodyLength} too small`);
      total = V0_HEADER_BYTES + bodyLength;
    } else if (version === 1) {
      if (avail < V1_FIXED_BYTES) return -V1_FIXED_BYTES;
      const metaLength = b.readUInt32BE(off + 8);
      const bodyLength = b.readUInt32BE(off + 12);
      if (metaLength < MIN_META_BYTES)
        throw new ProtocolError('bad-length', `meta_length ${metaLength} too small`);
      if (bodyLength < MIN_BODY_BYTES)
        throw new ProtocolError('bad-length', `body_length ${bodyLength} too small`);
      total = V1_FIXED_BYTES + metaLength + bodyLength;
    } else {
      throw new ProtocolError('bad-header-version', `header version must be 0 or 1, got ${version}`);
    }
    if (total > maxFrameBytes) {
      throw new ProtocolError('frame-too-large', `request frame of ${total} bytes exceeds ${maxFrameBytes}`);
    }
    return total;
  };
}

function parseRequestFrame(f: Buffer): RequestFrame {
  const version = f.readUInt32BE(4);
  let header: RequestHeader;
  let bodyStart: number;
  let threadHash: number | undefined;
  if (version === 0) {
    header = {
      app_id: f.readInt32BE(24),
      partition_index: f.readInt32BE(28),
      client_timeout_ms: f.readInt32BE(32),
      partition_hash: f.readBigUInt64BE(40),
      is_backup_request: false,
    };
    threadHash = f.readInt32BE(36);
    bodyStart = V0_HEADER_BYTES;
  } else {
    const metaEnd = V1_FIXED_BYTES + f.readUInt32BE(8);
    const mr = new FastReader(f, V1_FIXED_BYTES, metaEnd);
    header = requestMetaCodec.read(mr);
    if (mr.remaining !== 0) {
      throw new ProtocolError('trailing-bytes', `${mr.remaining} bytes after the request meta struct`);
    }
    header.partition_hash = BigInt.asUintN(64, header.partition_hash);
    bodyStart = metaEnd;
  }
  const r = new FastReader(f, bodyStart, f.length);
  const [messageType, name, seqid] = readMessageBegin(r, (t) => t === MSG_CALL || t === MSG_ONEWAY);
  const body = f.subarray(f.length - r.remaining);
  const frame: RequestFrame = {
    headerVersion: version === 0 ? 0 : 1,
    header,
    messageType,
    name,
    seqid,
    body,
  };
  if (threadHash !== undefined) frame.threadHash = threadHash;
  return frame;
}

/** Server-side stream decoder for request frames. push() never throws; see FrameSplitter. */
export class RequestDecoder {
  private readonly splitter: FrameSplitter<RequestFrame>;

  constructor(opts?: { maxFrameBytes?: number }) {
    this.splitter = new FrameSplitter(
      measureRequest(opts?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
      parseRequestFrame,
    );
  }

  push(chunk: Uint8Array): PushResult<RequestFrame> {
    return this.splitter.push(chunk);
  }

  get bufferedBytes(): number {
    return this.splitter.bufferedBytes;
  }

  /** buffers holding the incomplete frame (a trickle of tiny chunks is coalesced) */
  get bufferedParts(): number {
    return this.splitter.bufferedParts;
  }
}

export function toBuffer(body: Uint8Array): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (!(body instanceof Uint8Array)) throw new ProtocolError('bad-value', 'body must be a Uint8Array');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Reads the args wrapper of a request body with any WireReader. */
export function readArgs<N extends RpcName>(r: WireReader, name: N): RpcArgs<N> {
  const info = lookupRpc(name);
  const t = r.readFieldBegin();
  if (t === T_STOP) throw new ProtocolError('bad-field', `${name} args wrapper is empty`);
  if (r.fieldId !== 1 || t !== info.args.tag) {
    throw new ProtocolError(
      'bad-field',
      `${name} args wrapper: field ${r.fieldId} type ${t}, expected field 1 type ${info.args.tag}`,
    );
  }
  const args = info.args.read(r);
  for (;;) {
    const t2 = r.readFieldBegin();
    if (t2 === T_STOP) break;
    skipValue(r, t2, `${name} args wrapper field ${r.fieldId}`);
  }
  if (r.remaining !== 0)
    throw new ProtocolError('trailing-bytes', `${r.remaining} bytes after the ${name} args`);
  return args;
}

/** Decodes a RequestFrame body. Throws ProtocolError only. */
export function decodeArgs<N extends RpcName>(name: N, body: Uint8Array): RpcArgs<N> {
  try {
    const b = toBuffer(body);
    return readArgs(new FastReader(b), name);
  } catch (e) {
    throw asProtocolError(e, `decodeArgs(${String(name)})`);
  }
}
