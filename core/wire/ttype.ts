// Thrift type ids and message types, taken from the thrift package so the codec and the reference
// implementation (TBinaryProtocol) agree by construction. Bound to module constants for cheap access.
import thrift from 'thrift/lib/nodejs/lib/thrift/thrift.js';

const { Type, MessageType } = thrift;

export const T_STOP: number = Type.STOP;
export const T_BOOL: number = Type.BOOL;
export const T_BYTE: number = Type.BYTE;
export const T_DOUBLE: number = Type.DOUBLE;
export const T_I16: number = Type.I16;
export const T_I32: number = Type.I32;
export const T_I64: number = Type.I64;
export const T_STRING: number = Type.STRING;
export const T_STRUCT: number = Type.STRUCT;
export const T_MAP: number = Type.MAP;
export const T_SET: number = Type.SET;
export const T_LIST: number = Type.LIST;

export const MSG_CALL: number = MessageType.CALL;
export const MSG_REPLY: number = MessageType.REPLY;
export const MSG_ONEWAY: number = MessageType.ONEWAY;

/** High 16 bits of a strict message-begin word (docs/PROTOCOL.md 3.2). */
export const STRICT_VERSION_1 = 0x80010000;
