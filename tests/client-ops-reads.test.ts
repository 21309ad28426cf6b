// client/ops/read-ops.ts and op-plan.ts without a server: what a read plan sends (rpc, key, partition
// hash, idempotence) and how it reads each storage status of the answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusStorageError } from '../client/errors.ts';
import { ownBuffer, StorageRefusal, storageError } from '../client/ops/op-plan.ts';
import { existPlan, getPlan, sortKeyCountPlan, ttlPlan } from '../client/ops/read-ops.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { StorageStatus } from '../core/wire/index.ts';

const B = (s: string) => Buffer.from(s);
const answer = { app_id: 1, partition_index: 0, server: 's:1' };

/** the StorageRefusal a decode throws, or a failed assertion */
function refusal(run: () => unknown): StorageRefusal {
  try {
    run();
  } catch (e) {
    if (e instanceof StorageRefusal) return e;
    throw e;
  }
  return assert.fail('expected a StorageRefusal');
}

describe('read plans', () => {
  it('get, ttl, exist: the full key, its hash, idempotent', () => {
    for (const [plan, op, rpc] of [
      [getPlan('h', 's'), 'get', 'RPC_RRDB_RRDB_GET'],
      [ttlPlan('h', 's'), 'ttl', 'RPC_RRDB_RRDB_TTL'],
      [existPlan('h', 's'), 'exist', 'RPC_RRDB_RRDB_TTL'],
    ] as const) {
      assert.equal(plan.op, op);
      assert.equal(plan.rpc, rpc);
      assert.deepEqual(plan.args, encodeKey(B('h'), B('s')));
      assert.equal(plan.partitionHash, partitionHash(B('h'), B('s')));
      assert.equal(plan.idempotent, true);
    }
    // an empty hash key is allowed for a single record: the sort key then picks the partition
    assert.equal(getPlan('', 's').partitionHash, partitionHash(B(''), B('s')));
  });

  it('get: NotFound is null, Ok a copy of the value the caller owns, any other status refuses', () => {
    const plan = getPlan('h', 's');
    assert.equal(plan.decode({ ...answer, error: StorageStatus.NotFound, value: B('') }), null);
    const wire = B('value');
    const v = plan.decode({ ...answer, error: StorageStatus.Ok, value: wire });
    assert.deepEqual(v, B('value'));
    wire[0] = 0;
    assert.deepEqual(v, B('value'), 'not a view of the frame');
    const r = refusal(() => plan.decode({ ...answer, error: StorageStatus.Busy, value: B('') }));
    assert.deepEqual([r.status, r.detail], [StorageStatus.Busy, '']);
  });

  it('ttl: NotFound is absent, a negative TTL never expires, 0 is 0 seconds; exist reads only the status', () => {
    const ttl = ttlPlan('h', 's');
    const exist = existPlan('h', 's');
    const at = (error: number, ttl_seconds: number) => ({ ...answer, error, ttl_seconds });
    assert.deepEqual(ttl.decode(at(StorageStatus.NotFound, 0)), { exists: false });
    assert.deepEqual(ttl.decode(at(StorageStatus.Ok, -1)), { exists: true, ttlSeconds: null });
    assert.deepEqual(ttl.decode(at(StorageStatus.Ok, 0)), { exists: true, ttlSeconds: 0 });
    assert.deepEqual(ttl.decode(at(StorageStatus.Ok, 30)), { exists: true, ttlSeconds: 30 });
    assert.equal(exist.decode(at(StorageStatus.NotFound, 0)), false);
    assert.equal(exist.decode(at(StorageStatus.Ok, -1)), true);
    assert.equal(refusal(() => ttl.decode(at(StorageStatus.IOError, 0))).status, StorageStatus.IOError);
    assert.equal(refusal(() => exist.decode(at(StorageStatus.IOError, 0))).status, StorageStatus.IOError);
  });

  it('sortKeyCount: the hash key alone picks the partition; -1 (the server gave up) is Incomplete', () => {
    const plan = sortKeyCountPlan('h');
    assert.equal(plan.op, 'sortKeyCount');
    assert.equal(plan.rpc, 'RPC_RRDB_RRDB_SORTKEY_COUNT');
    assert.deepEqual(plan.args, B('h'));
    assert.equal(plan.partitionHash, partitionHash(B('h'), B('')));
    assert.equal(plan.idempotent, true);
    const at = (error: number, count: bigint) => ({ ...answer, error, count });
    assert.equal(plan.decode(at(StorageStatus.Ok, 0n)), 0);
    assert.equal(plan.decode(at(StorageStatus.Ok, 12n)), 12);
    const r = refusal(() => plan.decode(at(StorageStatus.Ok, -1n)));
    assert.deepEqual(
      [r.status, r.detail],
      [StorageStatus.Incomplete, 'the server stopped counting before the end'],
    );
    assert.equal(refusal(() => plan.decode(at(StorageStatus.Busy, 3n))).status, StorageStatus.Busy);
  });
});

describe('op-plan helpers', () => {
  it("storageError: the status's name as code, the op, table and attempts, the detail when there is one", () => {
    const attempts = [{ node: 'n:1', sentAtMs: 1, outcome: 'ERR_OK', endedAtMs: 2 }];
    const e = storageError(new StorageRefusal(4, 'not an int'), { op: 'incr', table: 't', attempts });
    assert.ok(e instanceof PegasusStorageError);
    assert.deepEqual(
      [e.code, e.status, e.op, e.table, e.attempts],
      ['InvalidArgument', 4, 'incr', 't', attempts],
    );
    assert.equal(
      e.message,
      'incr on table "t": the server refused it with storage status InvalidArgument (4): not an int',
    );
    const plain = storageError(new StorageRefusal(11, ''), { op: 'get', table: 'u', attempts: [] });
    assert.equal(plain.message, 'get on table "u": the server refused it with storage status Busy (11)');
  });

  it('ownBuffer copies', () => {
    const src = new Uint8Array([1, 2, 3]);
    const own = ownBuffer(src);
    src[0] = 9;
    assert.deepEqual([...own], [1, 2, 3]);
    assert.ok(Buffer.isBuffer(own));
  });
});
