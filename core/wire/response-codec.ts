// Server -> client: i32 total_length (counting itself), the RPC-level error name, a strict REPLY
// envelope named <request>_ACK, then, when the handler produced one, the result wrapper whose field 0
// holds the response struct (docs/PROTOCOL.md 2.3). The encoding half is used by the onebox test cluster.
import { skipValue } from './codec.ts';
import { FastReader } from './fast-reader.ts';
import { withFastWriter } from './fast-writer.ts';
import { DEFAULT_MAX_FRAME_BYTES, FrameSplitter, type PushResult } from './frame-splitter.ts';
import { readMessageBegin } from './message-begin.ts';
import { asProtocolError, ProtocolError } from './protocol-error.ts';
import { lookupRpc, toBuffer } from './request-codec.ts';
import { isRpcName } from './rpc-registry.ts';
import { MSG_REPLY, T_STOP } from './ttype.ts';
import type { ErrorName, RpcName, RpcResult } from './types.ts';
import type { WireReader, WireWriter } from './wire-io.ts';

/** total_length (4) + error string length (4) + message begin (4) + name length (4) + seqid (4) */
const MIN_RESPONSE_BYTES = 20;

export interface ResponseFrame {
  /** RPC-level error name; parse `body` only when it is ERR_OK */
  error: ErrorName;
  /** e.g. RPC_RRDB_RRDB_GET_ACK */
  name: string;
  seqid: number;
  /** bytes after the message header: the result wrapper, or empty */
  body: Buffer;
}

/** Writes one whole response frame with any WireWriter. */
export function writeResponse(
  w: WireWriter,
  name: string,
  seqid: number,
  error: ErrorName,
  result: unknown,
): void {
  const lengthAt = w.reserveU32();
  w.writeString(error);
  w.writeMessageBegin(`${name}_ACK`, MSG_REPLY, seqid);
  if (result !== undefined) {
    const codec = lookupRpc(name as RpcName).result;
    if (codec === undefined) throw new ProtocolError('encode', `${name} is one-way and has no result`);
    // field 0 is a struct for every RPC but RPC_CLI_CLI_CALL, whose result is a string
    w.writeFieldBegin(codec.tag, 0);
    codec.write(w, result as never);
    w.writeFieldStop();
  }
  w.patchU32(lengthAt, w.length);
}

/** One response frame; without `result` there is no body (as the replica dispatch layer sends). */
export function encodeResponse<N extends RpcName>(
  name: N,
  seqid: number,
  error: ErrorName,
  result?: RpcResult<N>,
): Buffer;
/** An error reply for any name, including ones not in the registry (ERR_HANDLER_NOT_FOUND). */
export function encodeResponse(name: string, seqid: number, error: ErrorName): Buffer;
export function encodeResponse(name: string, seqid: number, error: ErrorName, result?: unknown): Buffer {
  try {
    return withFastWriter((w) => writeResponse(w, name, seqid, error, result));
  } catch (e) {
    throw asProtocolError(e, `encodeResponse(${name})`);
  }
}

function measureResponse(maxFrameBytes: number) {
  return (b: Buffer, off: number, avail: number): number => {
    if (avail < 4) return -4;
    const total = b.readInt32BE(off);
    if (total < MIN_RESPONSE_BYTES) {
      throw new ProtocolError('bad-length', `response total_length ${total} is below ${MIN_RESPONSE_BYTES}`);
    }
    if (total > maxFrameBytes) {
      throw new ProtocolError('frame-too-large', `response frame of ${total} bytes exceeds ${maxFrameBytes}`);
    }
    return total;
  };
}

const isReply = (type: number) => type === MSG_REPLY;

function parseResponseFrame(f: Buffer): ResponseFrame {
  const r = new FastReader(f, 4, f.length);
  const error = r.readString();
  const [, name, seqid] = readMessageBegin(r, isReply);
  return { error, name, seqid, body: f.subarray(f.length - r.remaining) };
}

/** Client-side stream decoder for response frames. push() never throws; see FrameSplitter. */
export class ResponseDecoder {
  private readonly splitter: FrameSplitter<ResponseFrame>;

  constructor(opts?: { maxFrameBytes?: number }) {
    this.splitter = new FrameSplitter(
      measureResponse(opts?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
      parseResponseFrame,
    );
  }

  push(chunk: Uint8Array): PushResult<ResponseFrame> {
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

/** A reply's name as it comes off the wire (`RPC_RRDB_RRDB_GET_ACK`), or the request's name. */
export type ReplyName<N extends RpcName> = N | `${N}_ACK`;

const ACK = '_ACK';

/**
 * The request RPC a reply name answers: `RPC_X_ACK` -> `RPC_X`; a request name is returned as it is.
 * Checked against the registry first, so an RPC whose own name ends in `_ACK` is not cut.
 */
export function requestNameOf<N extends RpcName>(name: ReplyName<N>): N {
  if (isRpcName(name) || typeof name !== 'string' || !name.endsWith(ACK)) return name as N;
  return name.slice(0, -ACK.length) as N;
}

/** Reads the result wrapper of a response body with any WireReader; `name` may be the reply's. */
export function readResult<N extends RpcName>(r: WireReader, replyName: ReplyName<N>): RpcResult<N> {
  const name = requestNameOf(replyName);
  const codec = lookupRpc(name).result;
  if (codec === undefined) throw new ProtocolError('missing-result', `${name} is one-way and has no result`);
  if (r.remaining === 0) throw new ProtocolError('missing-result', `${name} reply has an empty body`);
  let result: RpcResult<N> | undefined;
  for (;;) {
    const t = r.readFieldBegin();
    if (t === T_STOP) break;
    if (r.fieldId === 0 && t === codec.tag) result = codec.read(r);
    else skipValue(r, t, `${name} result wrapper field ${r.fieldId}`);
  }
  if (result === undefined) throw new ProtocolError('missing-result', `${name} reply has no result field`);
  if (r.remaining !== 0)
    throw new ProtocolError('trailing-bytes', `${r.remaining} bytes after the ${name} result`);
  return result;
}

/**
 * Decodes the body of an ERR_OK ResponseFrame. `name` is the frame's own (`frame.name`, which
 * carries `_ACK`) or the request's. Throws ProtocolError only.
 */
export function decodeResult<N extends RpcName>(name: ReplyName<N>, body: Uint8Array): RpcResult<N> {
  try {
    return readResult(new FastReader(toBuffer(body)), name);
  } catch (e) {
    throw asProtocolError(e, `decodeResult(${String(name)})`);
  }
}
