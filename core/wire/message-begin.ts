// The strict Thrift message envelope (docs/PROTOCOL.md 3.2): u32 0x80010000 | type, name, i32 seqid.
import { ProtocolError } from './protocol-error.ts';
import { STRICT_VERSION_1 } from './ttype.ts';
import type { WireReader } from './wire-io.ts';

/** Reads a strict message begin and checks its type; returns [type, name, seqid]. */
export function readMessageBegin(
  r: WireReader,
  allowed: (type: number) => boolean,
): [number, string, number] {
  const word = r.readI32() >>> 0;
  if ((word & 0xffff0000) >>> 0 !== STRICT_VERSION_1) {
    throw new ProtocolError(
      'bad-message-version',
      `message begin 0x${word.toString(16)} is not strict version 1`,
    );
  }
  const type = word & 0xff;
  if (!allowed(type)) throw new ProtocolError('bad-message-type', `message type ${type} not allowed here`);
  const name = r.readString();
  const seqid = r.readI32();
  return [type, name, seqid];
}
