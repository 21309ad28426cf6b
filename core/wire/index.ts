// Public surface of the wire codec.
export * from './codec.ts';
export * from './epoch.ts';
export * from './error-codes.ts';
export { FastReader } from './fast-reader.ts';
export { FastWriter } from './fast-writer.ts';
export { DEFAULT_MAX_FRAME_BYTES, type PushResult } from './frame-splitter.ts';
export * from './placeholder-codecs.ts';
export * from './protocol-error.ts';
export * from './request-codec.ts';
export { requestBodyBytes, writeBodyBytesAtMost, writeBodyBytesOver } from './request-size.ts';
export * from './response-codec.ts';
export * from './rpc-registry.ts';
export * from './structs-meta.ts';
export * from './structs-rrdb.ts';
export * from './types.ts';
export type { WireReader, WireWriter } from './wire-io.ts';
