// The simulation's check of where requests go (sim/send-checks.ts), on hand-made frames: it must
// catch a write carrying the backup flag, a backup to a node outside the partition, and a plain
// request to a secondary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartitionRoute } from '../core/client/index.ts';
import { encodeKey } from '../core/routing/index.ts';
import { encodeRequest } from '../core/wire/index.ts';
import { checkSend } from '../sim/send-checks.ts';

const P = '10.0.0.1:1';
const S = '10.0.0.2:1';
const OTHER = '10.0.0.9:1';
const route: PartitionRoute = { ballot: 3n, primary: P, secondaries: [S], invalid: false };
const key = encodeKey(Buffer.from('h'), Buffer.from('s'));
const header = (backup: boolean) => ({
  app_id: 1,
  partition_index: 0,
  client_timeout_ms: 100,
  partition_hash: 0n,
  is_backup_request: backup,
});
const get = (backup: boolean) => encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header(backup));
const put = (backup: boolean) =>
  encodeRequest(
    'RPC_RRDB_RRDB_PUT',
    2,
    { key, value: Buffer.from('v'), expire_ts_seconds: 0 },
    header(backup),
  );
const invariants = (address: string, bytes: Buffer) =>
  checkSend(address, bytes, () => route).map((v) => v.invariant);

describe('simulation send checks', () => {
  it('allows reads and writes to the primary, and backup reads to a member', () => {
    assert.deepEqual(invariants(P, get(false)), []);
    assert.deepEqual(invariants(P, put(false)), []);
    assert.deepEqual(invariants(S, get(true)), []);
    assert.deepEqual(invariants(P, get(true)), []);
  });

  it('catches a write with the flag, a backup outside the partition, a plain request to a secondary', () => {
    assert.deepEqual(invariants(S, put(true)), ['backup-reads-only']);
    assert.deepEqual(invariants(P, put(true)), ['backup-reads-only']);
    assert.deepEqual(invariants(OTHER, get(true)), ['backup-to-member']);
    assert.deepEqual(invariants(S, get(false)), ['sends-to-newest-primary']);
    assert.deepEqual(
      checkSend(P, get(false), () => ({ ...route, invalid: true })).map((v) => v.invariant),
      ['sends-to-newest-primary'],
    );
  });
});
