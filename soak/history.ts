// One record per call, grouped by key; a key takes a bounded number of calls (the checker's search
// is exponential in the calls of one key that may or may not have applied), then retires and is
// checked while the soak goes on.

import { checkLinearizable } from '../sim/linearizability.ts';
import type { CallRecord } from '../sim/records.ts';
import { type ApiOp, MODEL_OP, type RegisterKind } from './ops.ts';

export interface OpRecord {
  id: number;
  table: string;
  /** table incarnation (a recreate starts a new one; keys never cross incarnations) */
  inc: number;
  reg: RegisterKind;
  key: string;
  op: ApiOp;
  /** the unique value a set, multiSet or checkAndSet writes */
  value: number;
  /** performance.now() at invocation, relative to the run's origin */
  atMs: number;
  timeoutMs: number;
  settleMs: number | null;
  ok: boolean | null;
  code: string | null;
  result: Record<string, unknown> | null;
  /** attempts that may have applied (failed calls: their attempts; successes: see mayApplyOnSuccess) */
  mayApply: number;
  /** a failed call: its error's message and attempts (node, outcome), to tell why it failed */
  detail?: string;
  /** in flight when its table was dropped: its outcome says nothing about either incarnation */
  straddlesDrop: boolean;
}

/**
 * The public API does not say how many attempts a successful call made. A set resent after an
 * ambiguous attempt (timed out, or its connection lost) may apply twice; a second application of
 * the same value is what matters to a register, so a successful set or del that lasted longer than
 * an attempt timeout, or spanned a change of some node's health, counts one optional extra
 * application (the others cannot have been resent).
 */
export const MAY_APPLY_ON_SUCCESS = 2;

export interface KeyVerdict {
  key: string;
  reg: RegisterKind;
  calls: number;
  ok: boolean;
  /** search nodes the checker explored */
  explored: number;
  /** the checker's search exceeded its budget: neither linearizable nor not */
  undecided: boolean;
  checkMs: number;
  /** incr: two acknowledged increments returned the same value (one was lost) */
  lostIncrements: number;
  /** incr: the counter rose more than every increment that may have applied */
  overshoot: number;
  /** checkAndSet "if absent": more than one acknowledged success on one cell */
  doubleCasWins: number;
  /** set/del register: a read saw a value older than an acknowledged write that finished before it */
  staleReads: number;
}

function toCallRecord(r: OpRecord): CallRecord {
  const failed = r.ok !== true || r.straddlesDrop;
  return {
    callId: r.id,
    atMs: r.atMs,
    op: MODEL_OP[r.op],
    key: 0,
    value: r.value,
    timeoutMs: r.timeoutMs,
    deadlineMs: r.atMs + r.timeoutMs,
    settleMs: r.settleMs,
    settles: 1,
    ok: !failed,
    code: r.code,
    outcomeUnknown: failed,
    result: r.result ?? undefined,
    mayApply: r.mayApply,
    // the soak opens its tables without backup requests: every read is the primary's
    backups: 0,
    servedByBackup: false,
  };
}

/** what each kind of violation means, counted separately from the linearizability verdict */
function explicitCounts(
  records: readonly OpRecord[],
): Pick<KeyVerdict, 'lostIncrements' | 'overshoot' | 'doubleCasWins' | 'staleReads'> {
  const acked = records.filter((r) => r.ok === true && !r.straddlesDrop);
  let lostIncrements = 0;
  let overshoot = 0;
  let doubleCasWins = 0;
  let staleReads = 0;
  if (records[0]?.reg === 'n') {
    const values = acked.map((r) => String(r.result?.new_value));
    lostIncrements = values.length - new Set(values).size;
    const mayHave = records.filter((r) => !(r.ok === false && r.code === 'ERR_ARGUMENT')).length;
    const max = values.reduce((m, v) => (BigInt(v) > m ? BigInt(v) : m), 0n);
    if (max > BigInt(mayHave)) overshoot = Number(max - BigInt(mayHave));
  } else if (records[0]?.reg === 'c') {
    doubleCasWins = Math.max(0, acked.filter((r) => r.result?.error === 0).length - 1);
  } else {
    // a read that saw the value of a write S although an acknowledged write W ran strictly after S
    // and finished before the read began (informational: a resent S may legally apply again)
    const writes = acked.filter((r) => MODEL_OP[r.op] === 'set' || MODEL_OP[r.op] === 'del');
    for (const read of acked) {
      if (MODEL_OP[read.op] !== 'get' || read.result?.error !== 0) continue;
      const seen = Buffer.from(read.result.value as Uint8Array).toString();
      const source = records.find((w) => MODEL_OP[w.op] === 'set' && String(w.value) === seen);
      if (source?.settleMs == null) continue;
      const sEnd = source.settleMs;
      if (writes.some((w) => w !== source && w.atMs > sEnd && w.settleMs !== null && w.settleMs < read.atMs))
        staleReads++;
    }
  }
  return { lostIncrements, overshoot, doubleCasWins, staleReads };
}

/** search nodes one key may cost the checker (about 100 ms); beyond it the key is undecided */
export const MAX_EXPLORED_PER_KEY = 200_000;

export function checkKey(records: readonly OpRecord[], now: () => number): KeyVerdict {
  const t0 = now();
  const lin = checkLinearizable(records.map(toCallRecord), MAX_EXPLORED_PER_KEY);
  const undecided = lin.undecided === true;
  const counts = explicitCounts(records);
  return {
    key: records[0]?.key ?? '',
    reg: records[0]?.reg ?? 's',
    calls: records.length,
    ok: (lin.ok || undecided) && counts.lostIncrements + counts.overshoot + counts.doubleCasWins === 0,
    explored: lin.explored,
    undecided,
    checkMs: Math.round((now() - t0) * 100) / 100,
    ...counts,
  };
}
