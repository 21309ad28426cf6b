// client/backup-requests.ts at its bounds: the largest delay a timer can wait, and the messages that
// name the option (openTable's or a read's) and why header v0 refuses it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hedgeOf, NO_BACKUPS, tableBackups } from '../client/backup-requests.ts';
import { PegasusArgumentError } from '../client/errors.ts';

const I32 = 0x7fffffff;

function message(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof PegasusArgumentError, String(e));
    return e.message;
  }
  return assert.fail('expected a PegasusArgumentError');
}

describe('backup request option bounds and messages', () => {
  it('a delay up to 2^31-1 ms (what setTimeout can wait); one more is refused', () => {
    assert.equal(tableBackups({ backupRequestDelayMs: I32 }, 1).delayMs, I32);
    assert.equal(hedgeOf(NO_BACKUPS, { backupRequestDelayMs: I32 }, 1)?.delayMs, I32);
    assert.equal(
      message(() => tableBackups({ backupRequestDelayMs: I32 + 1 }, 1)),
      `backupRequestDelayMs must be a number of ms from 0 (off) to ${I32}, got ${I32 + 1}`,
    );
    assert.equal(
      message(() => hedgeOf(NO_BACKUPS, { backupRequestDelayMs: -1 }, 1)),
      `backupRequestDelayMs must be a number of ms from 0 (off) to ${I32}, got -1`,
    );
  });

  it('messages name the option', () => {
    assert.equal(
      message(() => tableBackups({ backupReadsOnSuspect: 1 as never }, 1)),
      'backupReadsOnSuspect must be a boolean, got 1',
    );
    assert.equal(
      message(() => tableBackups({ backupRequestDelayMs: 5 }, 0)),
      'backup requests needs header v1 (a backup request is a header v1 flag); this client uses headerVersion 0',
    );
    assert.equal(
      message(() => hedgeOf(NO_BACKUPS, { backupRequestDelayMs: 5 }, 0)),
      'backupRequestDelayMs needs header v1 (a backup request is a header v1 flag); this client uses headerVersion 0',
    );
  });

  it('a delay that is no finite number (NaN, Infinity) is refused', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(
        message(() => tableBackups({ backupRequestDelayMs: v }, 1)),
        `backupRequestDelayMs must be a number of ms from 0 (off) to ${I32}, got ${v}`,
      );
      assert.equal(
        message(() => hedgeOf(NO_BACKUPS, { backupRequestDelayMs: v }, 1)),
        `backupRequestDelayMs must be a number of ms from 0 (off) to ${I32}, got ${v}`,
      );
    }
  });
});
