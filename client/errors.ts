// The errors a caller can catch. Every failure of a call carries the wire (or client-side) error
// name as `code` and the attempt history the core recorded, so a caller can tell "never sent" from
// "sent to three nodes and the last one went silent".
import type { AttemptRecord } from '../core/client/index.ts';

export interface PegasusErrorDetails {
  /** previous error code (what the call was retrying when it failed), or the abort reason */
  cause?: unknown;
  attempts?: readonly AttemptRecord[];
  outcomeUnknown?: boolean;
  /** the public operation, e.g. 'get', 'incr', 'openTable' */
  op?: string;
  table?: string;
}

export class PegasusError extends Error {
  override name = 'PegasusError';
  /** wire error name (ERR_BUSY, ERR_APP_NOT_EXIST ...), a client code (ERR_TIMEOUT, ERR_ABORTED ...) or a storage status name */
  readonly code: string;
  /** every attempt that was written, in order, with its outcome */
  readonly attempts: readonly AttemptRecord[];
  /** an attempt was written and never answered: a write may or may not have been applied */
  readonly outcomeUnknown: boolean;
  readonly op: string | undefined;
  readonly table: string | undefined;

  constructor(code: string, message: string, details: PegasusErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.attempts = details.attempts ?? [];
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.op = details.op;
    this.table = details.table;
  }
}

/** The call's deadline passed (idempotent calls, or calls whose attempts were all answered or never sent). */
export class PegasusTimeoutError extends PegasusError {
  override name = 'PegasusTimeoutError';
}

/**
 * A non-idempotent call (incr, checkAndSet) was written and never answered (timeout or connection
 * reset after the send): it may or may not have been applied. It was not resent. `code` says why
 * (ERR_TIMEOUT or ERR_SESSION_RESET).
 */
export class PegasusOutcomeUnknownError extends PegasusError {
  override name = 'PegasusOutcomeUnknownError';
}

export class PegasusClientClosedError extends PegasusError {
  override name = 'PegasusClientClosedError';
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class PegasusAbortError extends PegasusError {
  override name = 'PegasusAbortError';
}

/** openTable (or a call on a table dropped since): the meta server does not know the table. */
export class PegasusTableNotFoundError extends PegasusError {
  override name = 'PegasusTableNotFoundError';
}

/**
 * The replica answered the RPC but its storage engine refused the operation (rrdb `error` field,
 * docs/PROTOCOL.md 5.5): e.g. incr on a non-integer value -> code 'InvalidArgument', status 4.
 */
export class PegasusStorageError extends PegasusError {
  override name = 'PegasusStorageError';
  /** the RocksDB status number */
  readonly status: number;

  constructor(status: number, message: string, details: PegasusErrorDetails = {}) {
    super(storageStatusName(status), message, details);
    this.status = status;
  }
}

/** A bad argument, detected before anything was sent. */
export class PegasusArgumentError extends TypeError {
  override name = 'PegasusArgumentError';
  readonly code = 'ERR_INVALID_PARAMETERS';
}

const STORAGE_STATUS_NAMES = [
  'Ok',
  'NotFound',
  'Corruption',
  'NotSupported',
  'InvalidArgument',
  'IOError',
  'MergeInProgress',
  'Incomplete',
  'ShutdownInProgress',
  'TimedOut',
  'Aborted',
  'Busy',
  'Expired',
  'TryAgain',
] as const;

export function storageStatusName(status: number): string {
  return STORAGE_STATUS_NAMES[status] ?? `StorageStatus${status}`;
}
