/**
 * A client for Apache Pegasus: {@link PegasusClient} connects to a cluster's meta servers and opens
 * {@link Table}s, whose methods are the data operations. Every failure rejects with a
 * {@link PegasusError} subclass; a bad argument with {@link PegasusArgumentError}.
 * @packageDocumentation
 * @module pegasus-ts
 */

export {
  type AdminCallOptions,
  type CreateTableOptions,
  type ListTablesOptions,
  type NodeInfo,
  PegasusAdmin,
  type TableInfo,
} from './admin.ts';
export { CALL_CHANNEL_NAME, type CallTraceContext } from './call-channel.ts';
export type {
  HealthEvent,
  LeaderEvent,
  Listener,
  PegasusClientEventName,
  PegasusClientEvents,
  RefreshEvent,
  RoutingEvent,
} from './client-events.ts';
export {
  type AttemptRecord,
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClientClosedError,
  PegasusError,
  type PegasusErrorDetails,
  PegasusMetaServerError,
  PegasusMetaUnreachableError,
  PegasusOutcomeUnknownError,
  PegasusStorageError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
  PegasusWriteTooLargeError,
} from './errors.ts';
export {
  type CounterLike,
  type HistogramLike,
  type InstrumentOptions,
  METRIC_NAMES,
  type MeterLike,
  type MeterProviderLike,
  type MetricAttributes,
} from './metrics.ts';
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
export type { PlainValue, TraceHook, TraceIn, TraceOut, TraceRecord } from './trace.ts';
export type { Bytes } from './validate.ts';
