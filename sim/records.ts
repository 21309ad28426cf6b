// What the simulation records about calls and invariants, shared by the scenario runner, the
// exhaustive explorer and the property checks.
import type { SimCall } from './workload.ts';

export const TABLE = 'sim';
/** a call settles no later than its deadline plus this (timer granularity of the virtual clock) */
export const SETTLE_SLACK_MS = 1;

export interface CallRecord extends SimCall {
  callId: number;
  deadlineMs: number;
  settleMs: number | null;
  settles: number;
  ok: boolean | null;
  code: string | null;
  outcomeUnknown: boolean;
  result: unknown;
  /**
   * attempts that may have taken effect: answered OK, or left without a definite answer (timed
   * out, abandoned, reset); a definite server rejection applied nothing. A resent idempotent write
   * may take effect once per such attempt.
   */
  mayApply: number;
  /** backup requests this call sent (is_backup_request, to a secondary) */
  backups: number;
  /** the call succeeded with a backup's value (possibly stale: judged by sim/backup-reads.ts) */
  servedByBackup: boolean;
}

export interface Violation {
  invariant: string;
  atMs: number;
  detail: string;
}
