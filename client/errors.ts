// The errors a caller can catch. Every failure of a call carries the wire (or client-side) error
// name as `code` and the attempt history the core recorded, so a caller can tell "never sent" from
// "sent to three nodes and the last one went silent".
import type { AttemptRecord as CoreAttemptRecord } from '../core/client/index.ts';

/** One attempt of a call: a request written to one server, and how it ended. */
export interface AttemptRecord {
  /** the server it was written to, as `"host:port"` */
  node: string;
  /** when it was written (ms on the client's monotonic clock, `performance.now()`) */
  sentAtMs: number;
  /**
   * `'ERR_OK'`, a server error name, `'ERR_TIMEOUT'` (its attempt timeout passed),
   * `'ERR_SESSION_RESET'` (the connection was lost), `'abandoned'`, or null while unanswered
   */
  outcome: string | null;
  /** when it ended (same clock), or null if it never did */
  endedAtMs: number | null;
}

// Compile-time: the public record and the core's are the same shape.
type AssertTrue<T extends true> = T;
export type AttemptRecordMatchesCore = AssertTrue<
  CoreAttemptRecord extends AttemptRecord ? (AttemptRecord extends CoreAttemptRecord ? true : false) : false
>;

/** What a {@link PegasusError} is built from; every field is optional. */
export interface PegasusErrorDetails {
  /** the previous error code (what the call was retrying when it failed), or the abort reason */
  cause?: unknown;
  /** every attempt that was written, in order */
  attempts?: readonly AttemptRecord[];
  /** an attempt was written and never answered */
  outcomeUnknown?: boolean;
  /** the public operation, e.g. `'get'`, `'incr'`, `'openTable'` */
  op?: string;
  /** the table the operation was on */
  table?: string;
}

/**
 * The base class of every error a call or an open rejects with, except {@link PegasusArgumentError}
 * (a bad argument, a `TypeError`). Switch on the subclass or on `code`.
 */
export class PegasusError extends Error {
  /** the class's name, e.g. `'PegasusTimeoutError'` */
  override name = 'PegasusError';
  /** wire error name (ERR_BUSY, ERR_APP_NOT_EXIST ...), a client code (ERR_TIMEOUT, ERR_ABORTED ...) or a storage status name */
  readonly code: string;
  /** every attempt that was written, in order, with its outcome */
  readonly attempts: readonly AttemptRecord[];
  /** an attempt was written and never answered: a write may or may not have been applied */
  readonly outcomeUnknown: boolean;
  /** the public operation that failed, e.g. `'get'`, `'incr'`, `'openTable'` */
  readonly op: string | undefined;
  /** the table it was on */
  readonly table: string | undefined;

  /**
   * @param code - see {@link PegasusError.code}
   * @param message - the error's message
   * @param details - cause, attempts and context
   */
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
  /** `'PegasusTimeoutError'` */
  override name = 'PegasusTimeoutError';
}

/**
 * A non-idempotent call (incr, checkAndSet) was written and never answered (timeout or connection
 * reset after the send): it may or may not have been applied. It was not resent. `code` says why
 * (ERR_TIMEOUT or ERR_SESSION_RESET).
 */
export class PegasusOutcomeUnknownError extends PegasusError {
  /** `'PegasusOutcomeUnknownError'` */
  override name = 'PegasusOutcomeUnknownError';
}

/** The client was closed before the call or the open settled (`code` ERR_CLIENT_CLOSED). */
export class PegasusClientClosedError extends PegasusError {
  /** `'PegasusClientClosedError'` */
  override name = 'PegasusClientClosedError';
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class PegasusAbortError extends PegasusError {
  /** `'PegasusAbortError'` */
  override name = 'PegasusAbortError';
}

/**
 * openTable (or a call on a table dropped since): the meta server does not know the table. On
 * openTable, `cause` is a {@link PegasusMetaServerError} naming the meta that said so
 * (`code` `'ERR_OBJECT_NOT_FOUND'`).
 */
export class PegasusTableNotFoundError extends PegasusError {
  /** `'PegasusTableNotFoundError'` */
  override name = 'PegasusTableNotFoundError';
}

/**
 * A write too large for the server. Either the client refused it before sending anything
 * (`code` `'ERR_WRITE_TOO_LARGE'`: its body, `sizeBytes`, is over the `maxWriteBytes` option,
 * `limitBytes`), or the server refused it (`code` `'ERR_INVALID_DATA'`: over the server's
 * `max_allowed_write_size`; not retried, and nothing was written). Split the value or raise both
 * limits.
 */
export class PegasusWriteTooLargeError extends PegasusError {
  /** `'PegasusWriteTooLargeError'` */
  override name = 'PegasusWriteTooLargeError';
  /** the request body's size in bytes, when the client measured it */
  readonly sizeBytes: number | undefined;
  /** the limit it was over (the client's `maxWriteBytes`), when the client refused it */
  readonly limitBytes: number | undefined;

  /**
   * @param code - `'ERR_WRITE_TOO_LARGE'` or `'ERR_INVALID_DATA'`
   * @param message - the error's message
   * @param details - context, and the size and limit when the client measured them
   */
  constructor(
    code: string,
    message: string,
    details: PegasusErrorDetails & { sizeBytes?: number; limitBytes?: number } = {},
  ) {
    super(code, message, details);
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

/**
 * `connect` or `openTable`: no meta server answered. Every meta address was tried once (refused,
 * unresolvable, unreachable or silent) and none answered, so the client gave up before the
 * deadline. `code` is `'ERR_META_UNREACHABLE'`; `cause` is an `AggregateError` whose `errors` are one
 * {@link PegasusMetaServerError} per meta address tried, saying what that address did.
 */
export class PegasusMetaUnreachableError extends PegasusError {
  /** `'PegasusMetaUnreachableError'` */
  override name = 'PegasusMetaUnreachableError';
}

/**
 * What one meta server did when asked for a table's routing: found in the `cause` of a
 * {@link PegasusMetaUnreachableError} (one per address, inside an `AggregateError`) or of a
 * {@link PegasusTableNotFoundError}. `code` is the system error (`'ECONNREFUSED'`, `'ENOTFOUND'`,
 * `'ETIMEDOUT'`...), `'ERR_TIMEOUT'` (connected, no answer in `metaQueryTimeoutMs`),
 * `'ERR_CONNECT_TIMEOUT'`, or the error meta answered (`'ERR_OBJECT_NOT_FOUND'`...).
 */
export class PegasusMetaServerError extends PegasusError {
  /** `'PegasusMetaServerError'` */
  override name = 'PegasusMetaServerError';
  /** the meta server's address, `"host:port"` */
  readonly address: string;

  /**
   * @param address - the meta server's address
   * @param code - what it did (see the class)
   * @param message - the error's message
   */
  constructor(address: string, code: string, message: string) {
    super(code, message);
    this.address = address;
  }
}

/**
 * The replica answered the RPC but its storage engine refused the operation (rrdb `error` field,
 * docs/PROTOCOL.md 5.5): e.g. incr on a non-integer value -> code 'InvalidArgument', status 4.
 */
export class PegasusStorageError extends PegasusError {
  /** `'PegasusStorageError'` */
  override name = 'PegasusStorageError';
  /** the RocksDB status number */
  readonly status: number;

  /**
   * @param status - the RocksDB status number; `code` becomes its name
   * @param message - the error's message
   * @param details - cause, attempts and context
   */
  constructor(status: number, message: string, details: PegasusErrorDetails = {}) {
    super(storageStatusName(status), message, details);
    this.status = status;
  }
}

/**
 * A bad argument or option (a wrong type, a value out of range, an unknown option key), detected
 * before anything was sent. A `TypeError`; thrown by the constructor, rejected by async methods.
 */
export class PegasusArgumentError extends TypeError {
  /** `'PegasusArgumentError'` */
  override name = 'PegasusArgumentError';
  /** always `'ERR_INVALID_PARAMETERS'` */
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
