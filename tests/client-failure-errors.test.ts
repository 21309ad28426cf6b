// client/failure-to-error.ts and errors.ts without a network: which error class and message each
// failure of a call or an open becomes, and the context every error carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusError,
  PegasusMetaServerError,
  PegasusMetaUnreachableError,
  PegasusOutcomeUnknownError,
  PegasusStorageError,
  PegasusTimeoutError,
  PegasusWriteTooLargeError,
  storageStatusName,
} from '../client/errors.ts';
import { type FailureContext, failureToError, openFailureToError } from '../client/failure-to-error.ts';
import type { CallFailure } from '../core/client/index.ts';

const sent = { node: 'n:1', sentAtMs: 1, outcome: null, endedAtMs: null };
const fail = (code: string, more: Partial<CallFailure> = {}): CallFailure => ({
  code,
  cause: null,
  outcomeUnknown: false,
  attempts: [],
  ...more,
});
const get: FailureContext = { op: 'get', table: 't', idempotent: true };
const incr: FailureContext = { op: 'incr', table: 't', idempotent: false };

/** class, code, message and the context fields */
function shape(e: PegasusError) {
  return [e.constructor.name, e.name, e.code, e.message];
}

describe('call failures', () => {
  it('every error carries the attempts, outcome, op, table and the cause when there is one', () => {
    const attempts = [sent, { ...sent, outcome: 'ERR_BUSY' }];
    const e = failureToError(fail('ERR_BUSY', { attempts, outcomeUnknown: true, cause: 'ERR_TIMEOUT' }), get);
    assert.deepEqual(
      [e.attempts, e.outcomeUnknown, e.op, e.table, e.cause],
      [attempts, true, 'get', 't', 'ERR_TIMEOUT'],
    );
    assert.deepEqual(shape(e), [
      'PegasusError',
      'PegasusError',
      'ERR_BUSY',
      'get on table "t" failed with ERR_BUSY (2 attempt(s))',
    ]);
    const bare = failureToError(fail('ERR_BUSY'), get);
    assert.equal(bare.message, 'get on table "t" failed with ERR_BUSY (no attempt was sent)');
    assert.equal('cause' in bare, false, 'no cause given, none set');
  });

  it('abort: the signal’s reason as cause when there is one, else the core’s cause', () => {
    const reason = new Error('stop');
    const e = failureToError(fail('ERR_ABORTED', { cause: 'ERR_BUSY' }), { ...get, abortReason: reason });
    assert.deepEqual(shape(e), [
      'PegasusAbortError',
      'PegasusAbortError',
      'ERR_ABORTED',
      'get on table "t" aborted (no attempt was sent)',
    ]);
    assert.equal(e.cause, reason);
    assert.equal(failureToError(fail('ERR_ABORTED', { cause: 'ERR_BUSY' }), get).cause, 'ERR_BUSY');
    assert.ok(failureToError(fail('ERR_ABORTED'), get) instanceof PegasusAbortError);
  });

  it('closed client, missing table', () => {
    assert.deepEqual(shape(failureToError(fail('ERR_CLIENT_CLOSED', { attempts: [sent] }), get)), [
      'PegasusClientClosedError',
      'PegasusClientClosedError',
      'ERR_CLIENT_CLOSED',
      'get on table "t": the client was closed (1 attempt(s))',
    ]);
    assert.deepEqual(shape(failureToError(fail('ERR_APP_NOT_EXIST'), get)), [
      'PegasusTableNotFoundError',
      'PegasusTableNotFoundError',
      'ERR_APP_NOT_EXIST',
      'get on table "t": the table does not exist (meta knows no table of that name: dropped, or not created yet; no attempt was sent)',
    ]);
  });

  it('ERR_INVALID_DATA is "too large" for writes only', () => {
    const w = failureToError(fail('ERR_INVALID_DATA'), { ...incr, op: 'set', idempotent: true, write: true });
    assert.ok(w instanceof PegasusWriteTooLargeError);
    assert.equal(
      w.message,
      'set on table "t": the server refused the write as larger than its max_allowed_write_size (no attempt was sent)',
    );
    assert.deepEqual([w.sizeBytes, w.limitBytes], [undefined, undefined]);
    assert.equal(failureToError(fail('ERR_INVALID_DATA'), get).constructor, PegasusError);
    assert.equal(
      failureToError(fail('ERR_INVALID_DATA'), { ...get, write: false }).constructor,
      PegasusError,
    );
    // and only ERR_INVALID_DATA: a write's other failures keep their class
    assert.equal(
      failureToError(fail('ERR_BUSY'), { ...get, op: 'set', write: true }).constructor,
      PegasusError,
    );
  });

  it('an unknown outcome of a call that is not resent, after a timeout or a reset, has its own class', () => {
    for (const code of ['ERR_TIMEOUT', 'ERR_SESSION_RESET']) {
      const e = failureToError(fail(code, { outcomeUnknown: true, attempts: [sent] }), incr);
      assert.deepEqual(shape(e), [
        'PegasusOutcomeUnknownError',
        'PegasusOutcomeUnknownError',
        code,
        `incr on table "t": ${code} after the request was sent; it may or may not have been applied (1 attempt(s))`,
      ]);
    }
    // known outcome, idempotent call, or another code: not this class
    assert.ok(!(failureToError(fail('ERR_TIMEOUT'), incr) instanceof PegasusOutcomeUnknownError));
    assert.ok(
      !(
        failureToError(fail('ERR_TIMEOUT', { outcomeUnknown: true }), get) instanceof
        PegasusOutcomeUnknownError
      ),
    );
    assert.equal(failureToError(fail('ERR_BUSY', { outcomeUnknown: true }), incr).constructor, PegasusError);
    assert.equal(failureToError(fail('ERR_SESSION_RESET'), incr).constructor, PegasusError);
  });

  it('a timeout names the last error when there was one', () => {
    const plain = failureToError(fail('ERR_TIMEOUT', { attempts: [sent] }), get);
    assert.deepEqual(shape(plain), [
      'PegasusTimeoutError',
      'PegasusTimeoutError',
      'ERR_TIMEOUT',
      'get on table "t" timed out (1 attempt(s))',
    ]);
    const after = failureToError(fail('ERR_TIMEOUT', { cause: 'ERR_BUSY' }), get);
    assert.equal(after.message, 'get on table "t" timed out (no attempt was sent, last error ERR_BUSY)');
  });
});

describe('open failures', () => {
  const metaErrors = [
    { address: 'm1:1', code: 'ECONNREFUSED' },
    { address: 'm2:1', code: 'ERR_TIMEOUT' },
  ];

  it('context: op openTable by default, or connect; the table; the core’s cause', () => {
    const e = openFailureToError(fail('ERR_BUSY', { cause: 'ERR_X' }), 't');
    assert.deepEqual(
      [e.op, e.table, e.cause, e.attempts, e.outcomeUnknown],
      ['openTable', 't', 'ERR_X', [], false],
    );
    assert.equal(e.message, 'opening table "t" failed with ERR_BUSY');
    assert.equal(e.constructor, PegasusError);
    const c = openFailureToError(fail('ERR_BUSY'), 't', undefined, 'connect');
    assert.deepEqual([c.op, c.message, 'cause' in c], ['connect', 'connecting failed with ERR_BUSY', false]);
  });

  it('abort: the signal’s reason as cause', () => {
    const reason = new Error('bye');
    const e = openFailureToError(fail('ERR_ABORTED', { cause: 'ERR_Y' }), 't', reason);
    assert.deepEqual(shape(e), [
      'PegasusAbortError',
      'PegasusAbortError',
      'ERR_ABORTED',
      'opening table "t" aborted',
    ]);
    assert.equal(e.cause, reason);
    assert.equal(openFailureToError(fail('ERR_ABORTED', { cause: 'ERR_Y' }), 't').cause, 'ERR_Y');
  });

  it('no such table: the meta that said so is the cause, and named in the message', () => {
    for (const code of ['ERR_APP_NOT_EXIST', 'ERR_OBJECT_NOT_FOUND']) {
      const e = openFailureToError(
        fail(code, { metaErrors: [{ address: 'm:1', code: 'ERR_OBJECT_NOT_FOUND' }] }),
        't',
      );
      assert.deepEqual(shape(e), [
        'PegasusTableNotFoundError',
        'PegasusTableNotFoundError',
        code,
        'table "t" does not exist (meta server m:1 answered ERR_OBJECT_NOT_FOUND)',
      ]);
      const said = e.cause as PegasusMetaServerError;
      assert.ok(said instanceof PegasusMetaServerError);
      assert.deepEqual(
        [said.address, said.code, said.message],
        ['m:1', 'ERR_OBJECT_NOT_FOUND', 'meta server m:1: ERR_OBJECT_NOT_FOUND'],
      );
      assert.equal(said.name, 'PegasusMetaServerError');
    }
    const bare = openFailureToError(fail('ERR_APP_NOT_EXIST', { cause: 'ERR_Z' }), 't');
    assert.deepEqual([bare.message, bare.cause], ['table "t" does not exist', 'ERR_Z']);
  });

  it('no meta answered: an AggregateError of one error per meta, listed in the message', () => {
    const e = openFailureToError(fail('ERR_META_UNREACHABLE', { metaErrors }), 't', undefined, 'connect');
    assert.deepEqual(shape(e), [
      'PegasusMetaUnreachableError',
      'PegasusMetaUnreachableError',
      'ERR_META_UNREACHABLE',
      'connecting: no meta server answered (m1:1 ECONNREFUSED, m2:1 ERR_TIMEOUT)',
    ]);
    const agg = e.cause as AggregateError;
    assert.ok(agg instanceof AggregateError);
    assert.equal(agg.message, 'no meta server answered: m1:1 ECONNREFUSED, m2:1 ERR_TIMEOUT');
    assert.deepEqual(
      agg.errors.map((m: PegasusMetaServerError) => [m.address, m.code]),
      metaErrors.map((m) => [m.address, m.code]),
    );
    const none = openFailureToError(fail('ERR_META_UNREACHABLE'), 't');
    assert.deepEqual((none.cause as AggregateError).errors, []);
  });

  it('a timeout lists the metas that failed, if any', () => {
    const e = openFailureToError(fail('ERR_TIMEOUT', { metaErrors }), 't');
    assert.deepEqual(shape(e), [
      'PegasusTimeoutError',
      'PegasusTimeoutError',
      'ERR_TIMEOUT',
      'opening table "t" timed out (m1:1 ECONNREFUSED, m2:1 ERR_TIMEOUT)',
    ]);
    assert.equal(
      (e.cause as AggregateError).message,
      'meta servers that failed: m1:1 ECONNREFUSED, m2:1 ERR_TIMEOUT',
    );
    assert.equal((e.cause as AggregateError).errors.length, 2);
    const plain = openFailureToError(fail('ERR_TIMEOUT', { metaErrors: [] }), 't');
    assert.deepEqual([plain.message, 'cause' in plain], ['opening table "t" timed out', false]);
    assert.ok(plain instanceof PegasusTimeoutError);
  });

  it('closed client', () => {
    assert.deepEqual(shape(openFailureToError(fail('ERR_CLIENT_CLOSED'), 't')), [
      'PegasusClientClosedError',
      'PegasusClientClosedError',
      'ERR_CLIENT_CLOSED',
      'opening table "t": the client was closed',
    ]);
  });
});

describe('error classes', () => {
  it('defaults: no attempts, a known outcome, no op or table, no cause', () => {
    const e = new PegasusError('ERR_X', 'm');
    assert.deepEqual(
      [e.attempts, e.outcomeUnknown, e.op, e.table, 'cause' in e],
      [[], false, undefined, undefined, false],
    );
    assert.equal(
      new PegasusMetaUnreachableError('ERR_META_UNREACHABLE', 'm').name,
      'PegasusMetaUnreachableError',
    );
    const w = new PegasusWriteTooLargeError('ERR_WRITE_TOO_LARGE', 'big', { sizeBytes: 10, limitBytes: 5 });
    assert.deepEqual([w.name, w.sizeBytes, w.limitBytes], ['PegasusWriteTooLargeError', 10, 5]);
  });

  it('storage errors: the status name as code, and a name for statuses past the known ones', () => {
    const names = ['Ok', 'NotFound', 'Corruption', 'NotSupported', 'InvalidArgument', 'IOError'];
    assert.deepEqual(
      names.map((_, i) => storageStatusName(i)),
      names,
    );
    assert.equal(storageStatusName(13), 'TryAgain');
    assert.equal(storageStatusName(14), 'StorageStatus14');
    const e = new PegasusStorageError(12, 'gone', { op: 'get' });
    assert.deepEqual([e.name, e.code, e.status, e.op], ['PegasusStorageError', 'Expired', 12, 'get']);
  });
});
