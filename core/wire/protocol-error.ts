/**
 * Every way the codec can reject bytes or values. Kinds are stable strings so callers (and tests)
 * can branch on them without parsing messages.
 */
export type ProtocolErrorKind =
  | 'truncated' // a read ran past the end of the frame / struct
  | 'bad-magic' // request frame does not start with "THFT"
  | 'bad-header-version' // request header version other than 0/1
  | 'bad-header-length' // v0 hdr_length != 48
  | 'bad-length' // negative or too-small length field
  | 'frame-too-large' // length above the decoder's maxFrameBytes
  | 'bad-message-version' // Thrift envelope without the strict 0x8001 version
  | 'bad-message-type' // envelope type not allowed on this side
  | 'bad-field' // wrong tag / id where the layout is fixed
  | 'unknown-struct-field' // unknown tag-12 field: cannot be skipped safely (docs/PROTOCOL.md 3.4)
  | 'bad-type' // invalid Thrift type id
  | 'bad-value' // a value outside what the wire can carry (e.g. rpc_address type 2)
  | 'depth-exceeded' // skip recursion deeper than any real message
  | 'trailing-bytes' // bytes left after a struct that must end the frame
  | 'missing-result' // ERR_OK reply without the result struct
  | 'unknown-rpc' // name not in the RPC registry
  | 'encode' // a value given to an encoder does not fit its field
  | 'internal'; // an unexpected exception, converted so callers only ever see ProtocolError

/** Typed decode/encode failure; the message says what was wrong and where. */
export class ProtocolError extends Error {
  readonly kind: ProtocolErrorKind;
  constructor(kind: ProtocolErrorKind, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.kind = kind;
  }
}

/** Re-throw ProtocolErrors as they are; wrap anything else (a bug or a library error) as 'internal'. */
export function asProtocolError(e: unknown, where: string): ProtocolError {
  if (e instanceof ProtocolError) return e;
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new ProtocolError('internal', `${where}: ${detail}`);
}
