export type {
  PartitionRoute,
  RouteChangeKind,
  RouteSnapshot,
  RouteUpdate,
} from '../routing/route-snapshot.ts';
export { ClientCore } from './client-core.ts';
export type { AttemptRecord, CallFailure, CoreCommand, ObservedEvent } from './commands.ts';
export type {
  CallSpec,
  ConnectionLossReason,
  CoreEvent,
  HedgeSpec,
  ScanBatch,
  ScannerSpec,
  ScanRecord,
} from './events.ts';
export type { CoreOptions, CoreOptionsInput } from './options.ts';
export { DEFAULT_OPTIONS, resolveOptions } from './options-defaults.ts';
