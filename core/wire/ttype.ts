// Thrift binary protocol type ids and message types (docs/PROTOCOL.md 3.1, 3.2). Fixed by the protocol; properties/wire-thrift-differential.test.ts checks them against the
// thrift package's own tables, so the codec and the reference implementation agree. The package is
// not a runtime dependency: the client never loads it.

export const T_STOP = 0;
export const T_BOOL = 2;
export const T_BYTE = 3;
export const T_DOUBLE = 4;
export const T_I16 = 6;
export const T_I32 = 8;
export const T_I64 = 10;
export const T_STRING = 11;
export const T_STRUCT = 12;
export const T_MAP = 13;
export const T_SET = 14;
export const T_LIST = 15;

export const MSG_CALL = 1;
export const MSG_REPLY = 2;
export const MSG_ONEWAY = 4;

/** High 16 bits of a strict message-begin word (docs/PROTOCOL.md 3.2). */
export const STRICT_VERSION_1 = 0x80010000;
