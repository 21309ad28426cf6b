// The error-name list and the classification table (docs/PROTOCOL.md 6).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, ERROR_NAMES, mayRetry, SERVER_ERROR_NAMES } from '../core/wire/index.ts';

describe('ERROR_NAMES', () => {
  it('has the 88 server names in server order, then the client-invented ones', () => {
    assert.equal(SERVER_ERROR_NAMES.length, 88);
    assert.equal(SERVER_ERROR_NAMES[0], 'ERR_OK');
    assert.equal(SERVER_ERROR_NAMES[5], 'ERR_TIMEOUT');
    assert.equal(SERVER_ERROR_NAMES[17], 'ERR_INVALID_STATE');
    assert.equal(SERVER_ERROR_NAMES[52], 'ERR_OPERATION_DISABLED');
    assert.equal(SERVER_ERROR_NAMES[75], 'ERR_PARENT_PARTITION_MISUSED');
    assert.equal(SERVER_ERROR_NAMES[87], 'ERR_NOT_MATCHED');
    assert.equal(new Set(ERROR_NAMES).size, ERROR_NAMES.length);
    assert.ok(ERROR_NAMES.includes('ERR_SESSION_RESET'));
  });
});

describe('classifyError', () => {
  const op = (idempotent: boolean) => (name: string) => mayRetry(classifyError(name), idempotent);
  const retryIdem = op(true);
  const retryNonIdem = op(false);

  it('definite rejections are retried for every op', () => {
    for (const n of [
      'ERR_INVALID_STATE',
      'ERR_OBJECT_NOT_FOUND',
      'ERR_PARENT_PARTITION_MISUSED',
      'ERR_NOT_ENOUGH_MEMBER',
      'ERR_CAPACITY_EXCEEDED',
    ]) {
      assert.equal(classifyError(n).outcome, 'rejected', n);
      assert.ok(retryIdem(n) && retryNonIdem(n), n);
      assert.equal(classifyError(n).backoff, true, n);
    }
  });
  it('ambiguous outcomes are retried only for idempotent ops', () => {
    for (const n of ['ERR_SESSION_RESET', 'ERR_TIMEOUT']) {
      assert.equal(classifyError(n).outcome, 'ambiguous', n);
      assert.ok(retryIdem(n), n);
      assert.ok(!retryNonIdem(n), n);
    }
  });
  it('refresh scope: partition for stale replicas, table for a changed partition count', () => {
    assert.equal(classifyError('ERR_OBJECT_NOT_FOUND').refresh, 'partition');
    assert.equal(classifyError('ERR_INVALID_STATE').refresh, 'partition');
    assert.equal(classifyError('ERR_SESSION_RESET').refresh, 'partition');
    assert.equal(classifyError('ERR_PARENT_PARTITION_MISUSED').refresh, 'table');
    assert.equal(classifyError('ERR_NOT_ENOUGH_MEMBER').refresh, 'none');
  });
  it('surfaces and fatal errors are never retried', () => {
    for (const n of [
      'ERR_BUSY',
      'ERR_DISK_INSUFFICIENT',
      'ERR_DISK_IO_ERROR',
      'ERR_HANDLER_NOT_FOUND',
      'ERR_OPERATION_DISABLED',
      'ERR_INVALID_DATA',
      'ERR_INVALID_PARAMETERS',
      'ERR_ACL_DENY',
      'ERR_APP_NOT_EXIST',
    ]) {
      assert.equal(classifyError(n).retry, 'never', n);
      assert.equal(classifyError(n).refresh, 'none', n);
    }
  });
  it('unknown names (and unlisted server names) are fatal', () => {
    const u = classifyError('ERR_FROM_2030');
    assert.equal(u.known, false);
    assert.equal(u.retry, 'never');
    assert.equal(u.meta, 'fail');
    assert.equal(classifyError('ERR_ZOOKEEPER_OPERATION').retry, 'never');
    assert.equal(classifyError('ERR_ZOOKEEPER_OPERATION').known, true);
  });
  it('meta actions (docs/PROTOCOL.md 8)', () => {
    assert.equal(classifyError('ERR_OK').meta, 'ok');
    assert.equal(classifyError('ERR_FORWARD_TO_OTHERS').meta, 'follow-leader');
    assert.equal(classifyError('ERR_SERVICE_NOT_ACTIVE').meta, 'retry-same-later');
    assert.equal(classifyError('ERR_UNDER_RECOVERY').meta, 'retry-same-later');
    assert.equal(classifyError('ERR_OBJECT_NOT_FOUND').meta, 'table-missing');
    assert.equal(classifyError('ERR_BUSY_CREATING').meta, 'table-busy');
    assert.equal(classifyError('ERR_TIMEOUT').meta, 'next-meta');
  });
  it('every row explains itself and echoes its name', () => {
    for (const n of [...ERROR_NAMES, 'ERR_X']) {
      const c = classifyError(n);
      assert.equal(c.name, n);
      assert.ok(c.why.length > 0);
      assert.ok(Object.isFrozen(c));
    }
  });
  it('ERR_OK is success, not a retry', () => {
    const c = classifyError('ERR_OK');
    assert.deepEqual([c.outcome, c.retry, c.refresh], ['ok', 'never', 'none']);
  });
});
