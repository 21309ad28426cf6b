// Backup request options (client/backup-requests.ts): the table's settings and a read's override,
// checked before anything is sent; header v0 cannot carry the flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hedgeOf, NO_BACKUPS, tableBackups } from '../client/backup-requests.ts';
import { PegasusArgumentError } from '../client/index.ts';

describe('backup request options', () => {
  it('off by default; a delay turns on suspicion too, unless it is set to false', () => {
    assert.equal(tableBackups({}, 1), NO_BACKUPS);
    assert.equal(tableBackups({ backupRequestDelayMs: 0 }, 1), NO_BACKUPS);
    assert.equal(hedgeOf(NO_BACKUPS, {}, 1), undefined);
    const t = tableBackups({ backupRequestDelayMs: 20 }, 1);
    assert.deepEqual(hedgeOf(t, {}, 1), { delayMs: 20, onSuspect: true });
    const noSuspect = tableBackups({ backupRequestDelayMs: 20, backupReadsOnSuspect: false }, 1);
    assert.deepEqual(hedgeOf(noSuspect, {}, 1), { delayMs: 20, onSuspect: false });
    const suspectOnly = tableBackups({ backupReadsOnSuspect: true }, 1);
    assert.deepEqual(hedgeOf(suspectOnly, {}, 1), { delayMs: null, onSuspect: true });
  });

  it('a read overrides the delay; false or 0 turns backups off for that read only', () => {
    const t = tableBackups({ backupRequestDelayMs: 20 }, 1);
    assert.deepEqual(hedgeOf(t, { backupRequestDelayMs: 5 }, 1), { delayMs: 5, onSuspect: true });
    assert.equal(hedgeOf(t, { backupRequestDelayMs: false }, 1), undefined);
    assert.equal(hedgeOf(t, { backupRequestDelayMs: 0 }, 1), undefined);
    assert.deepEqual(hedgeOf(NO_BACKUPS, { backupRequestDelayMs: 7 }, 1), { delayMs: 7, onSuspect: true });
    const noSuspect = tableBackups({ backupReadsOnSuspect: false }, 1);
    assert.deepEqual(hedgeOf(noSuspect, { backupRequestDelayMs: 7 }, 1), { delayMs: 7, onSuspect: false });
  });

  it('bad values and header v0 are argument errors', () => {
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY, '20', true])
      assert.throws(
        () => tableBackups({ backupRequestDelayMs: v as never }, 1),
        PegasusArgumentError,
        String(v),
      );
    assert.throws(() => tableBackups({ backupReadsOnSuspect: 'yes' as never }, 1), PegasusArgumentError);
    assert.throws(() => hedgeOf(NO_BACKUPS, { backupRequestDelayMs: -5 }, 1), PegasusArgumentError);
    assert.throws(() => tableBackups({ backupRequestDelayMs: 20 }, 0), /header v1/);
    assert.throws(() => tableBackups({ backupReadsOnSuspect: true }, 0), /header v1/);
    assert.throws(() => hedgeOf(NO_BACKUPS, { backupRequestDelayMs: 20 }, 0), /header v1/);
    // turning backups off is fine under header v0
    assert.equal(tableBackups({ backupRequestDelayMs: 0, backupReadsOnSuspect: false }, 0).delayMs, null);
    assert.equal(hedgeOf(NO_BACKUPS, { backupRequestDelayMs: false }, 0), undefined);
  });
});
