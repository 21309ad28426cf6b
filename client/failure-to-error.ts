// Turns the core's CallFailure into the error class a caller can switch on.
import type { CallFailure } from '../core/client/index.ts';
import {
  PegasusAbortError,
  PegasusClientClosedError,
  PegasusError,
  type PegasusErrorDetails,
  PegasusOutcomeUnknownError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
} from './errors.ts';

export interface FailureContext {
  op: string;
  table: string;
  idempotent: boolean;
  /** the AbortSignal's reason, when the caller aborted */
  abortReason?: unknown;
}

export function failureToError(f: CallFailure, ctx: FailureContext): PegasusError {
  const where = `${ctx.op} on table "${ctx.table}"`;
  const tried = f.attempts.length === 0 ? 'no attempt was sent' : `${f.attempts.length} attempt(s)`;
  const details: PegasusErrorDetails = {
    attempts: f.attempts,
    outcomeUnknown: f.outcomeUnknown,
    op: ctx.op,
    table: ctx.table,
  };
  if (f.cause !== null) details.cause = f.cause;
  switch (f.code) {
    case 'ERR_ABORTED':
      if (ctx.abortReason !== undefined) details.cause = ctx.abortReason;
      return new PegasusAbortError(f.code, `${where} aborted (${tried})`, details);
    case 'ERR_CLIENT_CLOSED':
      return new PegasusClientClosedError(f.code, `${where}: the client was closed (${tried})`, details);
    case 'ERR_APP_NOT_EXIST':
      // meta says the table is gone (the core maps meta's ERR_OBJECT_NOT_FOUND to this code)
      return new PegasusTableNotFoundError(
        f.code,
        `${where}: the table does not exist (meta knows no table of that name: dropped, or not created yet; ${tried})`,
        details,
      );
  }
  // Ambiguous for a write that must not be resent: say so with its own class.
  if (f.outcomeUnknown && !ctx.idempotent && (f.code === 'ERR_TIMEOUT' || f.code === 'ERR_SESSION_RESET')) {
    return new PegasusOutcomeUnknownError(
      f.code,
      `${where}: ${f.code} after the request was sent; it may or may not have been applied (${tried})`,
      details,
    );
  }
  if (f.code === 'ERR_TIMEOUT') {
    const last = f.cause === null ? '' : `, last error ${f.cause}`;
    return new PegasusTimeoutError(f.code, `${where} timed out (${tried}${last})`, details);
  }
  return new PegasusError(f.code, `${where} failed with ${f.code} (${tried})`, details);
}

/** tableOpened failures carry no attempts: the meta query is not a call. */
export function openFailureToError(f: CallFailure, table: string, abortReason?: unknown): PegasusError {
  const details: PegasusErrorDetails = { op: 'openTable', table };
  if (f.cause !== null) details.cause = f.cause;
  switch (f.code) {
    case 'ERR_ABORTED':
      if (abortReason !== undefined) details.cause = abortReason;
      return new PegasusAbortError(f.code, `opening table "${table}" aborted`, details);
    case 'ERR_APP_NOT_EXIST':
    case 'ERR_OBJECT_NOT_FOUND':
      return new PegasusTableNotFoundError(f.code, `table "${table}" does not exist`, details);
    case 'ERR_TIMEOUT':
      return new PegasusTimeoutError(f.code, `opening table "${table}" timed out`, details);
    case 'ERR_CLIENT_CLOSED':
      return new PegasusClientClosedError(f.code, `opening table "${table}": the client was closed`, details);
    default:
      return new PegasusError(f.code, `opening table "${table}" failed with ${f.code}`, details);
  }
}
