// Turns the core's CallFailure into the error class a caller can switch on.
import type { CallFailure } from '../core/client/index.ts';
import {
  PegasusAbortError,
  PegasusClientClosedError,
  PegasusError,
  type PegasusErrorDetails,
  PegasusMetaServerError,
  PegasusMetaUnreachableError,
  PegasusOutcomeUnknownError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
  PegasusWriteTooLargeError,
} from './errors.ts';

export interface FailureContext {
  op: string;
  table: string;
  idempotent: boolean;
  /** the call is a write (the server's ERR_INVALID_DATA then means "too large") */
  write?: boolean;
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
  if (f.code === 'ERR_INVALID_DATA' && ctx.write === true) {
    return new PegasusWriteTooLargeError(
      f.code,
      `${where}: the server refused the write as larger than its max_allowed_write_size (${tried})`,
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

/** one error per meta address, saying what it did */
function metaErrorsOf(f: CallFailure): PegasusMetaServerError[] {
  return (f.metaErrors ?? []).map(
    (m) => new PegasusMetaServerError(m.address, m.code, `meta server ${m.address}: ${m.code}`),
  );
}

function listed(errors: readonly PegasusMetaServerError[]): string {
  return errors.map((e) => `${e.address} ${e.code}`).join(', ');
}

/**
 * tableOpened failures carry no attempts (the meta query is not a call); their cause says what each
 * meta server did. `op` is `'openTable'`, or `'connect'` for the probe of PegasusClient.connect.
 */
export function openFailureToError(
  f: CallFailure,
  table: string,
  abortReason?: unknown,
  op = 'openTable',
): PegasusError {
  const details: PegasusErrorDetails = { op, table };
  if (f.cause !== null) details.cause = f.cause;
  const metas = metaErrorsOf(f);
  const what = op === 'connect' ? 'connecting' : `opening table "${table}"`;
  switch (f.code) {
    case 'ERR_ABORTED':
      if (abortReason !== undefined) details.cause = abortReason;
      return new PegasusAbortError(f.code, `${what} aborted`, details);
    case 'ERR_APP_NOT_EXIST':
    case 'ERR_OBJECT_NOT_FOUND': {
      const said = metas[0];
      if (said !== undefined) details.cause = said;
      const by = said === undefined ? '' : ` (meta server ${said.address} answered ${said.code})`;
      return new PegasusTableNotFoundError(f.code, `table "${table}" does not exist${by}`, details);
    }
    case 'ERR_META_UNREACHABLE':
      details.cause = new AggregateError(metas, `no meta server answered: ${listed(metas)}`);
      return new PegasusMetaUnreachableError(
        f.code,
        `${what}: no meta server answered (${listed(metas)})`,
        details,
      );
    case 'ERR_TIMEOUT':
      if (metas.length > 0) {
        details.cause = new AggregateError(metas, `meta servers that failed: ${listed(metas)}`);
        return new PegasusTimeoutError(f.code, `${what} timed out (${listed(metas)})`, details);
      }
      return new PegasusTimeoutError(f.code, `${what} timed out`, details);
    case 'ERR_CLIENT_CLOSED':
      return new PegasusClientClosedError(f.code, `${what}: the client was closed`, details);
    default:
      return new PegasusError(f.code, `${what} failed with ${f.code}`, details);
  }
}
