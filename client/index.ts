// pegasus-ts: the public API (package entry point).
export type { AttemptRecord } from '../core/client/index.ts';
export type { Listener, PegasusClientEventName, PegasusClientEvents } from './client-events.ts';
export {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClientClosedError,
  PegasusError,
  PegasusOutcomeUnknownError,
  PegasusStorageError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
} from './errors.ts';
export { CHECK_TYPE_NAMES, type CheckType } from './ops/check-type.ts';
export type { MultiGetRange, MultiGetResult, SortKeyFilter } from './ops/multi-get.ts';
export type { TtlResult } from './ops/read-ops.ts';
export type { CheckAndSetResult, MultiSetEntries } from './ops/write-ops.ts';
export type {
  CallOptions,
  CheckAndSetOptions,
  IncrOptions,
  OpenTableOptions,
  PegasusClientOptions,
  WriteOptions,
} from './options.ts';
export { PegasusClient } from './pegasus-client.ts';
export { Table } from './table.ts';
export type { PlainValue, TraceHook, TraceRecord } from './trace.ts';
export type { Bytes } from './validate.ts';
