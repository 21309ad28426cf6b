// Backup requests of a table's reads (CallSpec.hedge): the table's options and a read's override,
// checked before anything is sent. Header v0 cannot carry the flag, so asking for backups from a
// client set to header v0 is an argument error, at openTable or at the read.
import type { HedgeSpec } from '../core/client/index.ts';
import type { OpenTableOptions, ReadOptions } from './options.ts';
import { checkBoolean, fail, MAX_TIMEOUT_MS } from './validate.ts';

/** a table's backup settings: the delay (null: none) and whether suspicion sends at once */
export interface TableBackups {
  readonly delayMs: number | null;
  /** as given to openTable; undefined: on exactly when a delay is in force */
  readonly onSuspect: boolean | undefined;
}

export const NO_BACKUPS: TableBackups = Object.freeze({ delayMs: null, onSuspect: undefined });

function checkDelayMs(name: string, v: unknown): number | null {
  if (v === undefined || v === 0 || v === false) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_TIMEOUT_MS)
    fail(`${name} must be a number of ms from 0 (off) to ${MAX_TIMEOUT_MS}, got ${String(v)}`);
  return v;
}

function needsHeaderV1(headerVersion: 0 | 1, what: string): void {
  if (headerVersion === 0)
    fail(`${what} needs header v1 (a backup request is a header v1 flag); this client uses headerVersion 0`);
}

/** the table's settings from openTable's options */
export function tableBackups(o: Partial<OpenTableOptions>, headerVersion: 0 | 1): TableBackups {
  const delayMs = checkDelayMs('backupRequestDelayMs', o.backupRequestDelayMs);
  const onSuspect =
    o.backupReadsOnSuspect === undefined
      ? undefined
      : checkBoolean('backupReadsOnSuspect', o.backupReadsOnSuspect, false);
  if (delayMs !== null || onSuspect === true) needsHeaderV1(headerVersion, 'backup requests');
  if (delayMs === null && onSuspect === undefined) return NO_BACKUPS;
  return { delayMs, onSuspect };
}

/** what one read asks of the core: its table's settings, or its own override */
export function hedgeOf(
  table: TableBackups,
  o: Partial<ReadOptions>,
  headerVersion: 0 | 1,
): HedgeSpec | undefined {
  let delayMs = table.delayMs;
  if (o.backupRequestDelayMs !== undefined) {
    const own = checkDelayMs('backupRequestDelayMs', o.backupRequestDelayMs);
    if (own === null) return undefined; // false or 0: no backup for this read
    needsHeaderV1(headerVersion, 'backupRequestDelayMs');
    delayMs = own;
  }
  const onSuspect = table.onSuspect ?? delayMs !== null;
  if (delayMs === null && !onSuspect) return undefined;
  return { delayMs, onSuspect };
}
