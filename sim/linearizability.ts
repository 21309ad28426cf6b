// An exact linearizability check for small single-key histories, per register.
// Registers: the value under sort key 's' (get/set/del/ttl, and checkAndMutate "overwrite if it
// exists"), a counter under 'n' (incr) and a
// write-once cell under 'c' (check-and-set "if absent"). A call that failed may or may not have
// taken effect (a timeout or reset after sending), so failed writes are optional: they can be
// placed anywhere after their invocation, or nowhere. An idempotent write (set, del) resent after
// an attempt timeout or a reset is at-least-once: each attempt written to a server may take effect,
// so it adds one optional application per extra attempt. Non-idempotent writes (incr,
// check-and-set, check-and-mutate) are never resent after an ambiguous outcome and apply at most once. Search is
// depth-first with memoisation on (set of placed applications, register state); histories are kept
// small enough for it to be exact.
import type { CallRecord } from './scenario.ts';

type RegState = string;

interface HOp {
  index: number;
  call: CallRecord;
  invokeMs: number;
  /** Infinity for an operation that never completed successfully (it may linearize arbitrarily late) */
  responseMs: number;
  optional: boolean;
}

export interface LinearizabilityResult {
  ok: boolean;
  /** the register whose history has no linearization, if any */
  register?: string;
  explored: number;
  /** the search gave up after `maxExplored` nodes: neither verdict holds */
  undecided?: boolean;
}

/** thrown inside the search when its budget runs out */
const BUDGET_SPENT = Symbol('budget spent');

function registerOf(c: CallRecord): string {
  switch (c.op) {
    case 'incr':
      return `k${c.key}/n`;
    case 'casAbsent':
      return `k${c.key}/c`;
    default:
      return `k${c.key}/s`;
  }
}

const isWrite = (c: CallRecord) => c.op !== 'get' && c.op !== 'ttl';

/** Applies `op` to `state`; returns the new state, or null when the recorded result contradicts it. */
function apply(state: RegState, op: HOp): RegState | null {
  const c = op.call;
  const succeeded = c.ok === true;
  const r = c.result as Record<string, unknown> | undefined;
  switch (c.op) {
    case 'set':
      return String(c.value);
    case 'del':
      return '';
    case 'get': {
      const error = r?.error;
      const value = r?.value instanceof Uint8Array ? Buffer.from(r.value).toString() : '';
      if (error === 1) return state === '' ? state : null;
      return error === 0 && value === state && state !== '' ? state : null;
    }
    case 'ttl':
      return (r?.error === 1) === (state === '') ? state : null;
    case 'incr': {
      const next = String(BigInt(state === '' ? '0' : state) + 1n);
      if (!succeeded) return next;
      return r?.error === 0 && String(r.new_value) === next ? next : null;
    }
    case 'cam': {
      // overwrite only an existing value; 13 (TryAgain): the check failed, nothing was written
      if (!succeeded) return state === '' ? state : String(c.value);
      if (r?.error === 0) return state === '' ? null : String(c.value);
      return r?.error === 13 && state === '' ? state : null;
    }
    case 'casAbsent': {
      if (!succeeded) return state === '' ? String(c.value) : state;
      if (r?.error === 0) return state === '' ? String(c.value) : null;
      return r?.error === 13 && state !== '' ? state : null;
    }
  }
}

function checkRegister(ops: HOp[], maxExplored: number): { ok: boolean; explored: number } {
  const n = ops.length;
  const seen = new Set<string>();
  let explored = 0;
  const done = new Array<boolean>(n).fill(false);
  const dfs = (placed: number, state: RegState): boolean => {
    if (++explored > maxExplored) throw BUDGET_SPENT;
    // every mandatory operation placed: the rest are optional and may be left out
    if (ops.every((o, i) => done[i] || o.optional)) return true;
    const key = `${done.map((d) => (d ? 1 : 0)).join('')}|${state}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // An operation can go next only if it was invoked before every pending operation's response.
    let minResponse = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++)
      if (!done[i] && ops[i]!.responseMs < minResponse) minResponse = ops[i]!.responseMs;
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      if (done[i] || op.invokeMs > minResponse) continue;
      const next = apply(state, op);
      if (next === null) continue;
      done[i] = true;
      if (dfs(placed + 1, next)) return true;
      done[i] = false;
    }
    // An optional operation may also never take effect.
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      if (done[i] || !op.optional) continue;
      done[i] = true;
      if (dfs(placed + 1, state)) return true;
      done[i] = false;
    }
    return false;
  };
  return { ok: dfs(0, ''), explored };
}

/**
 * `maxExplored` bounds the search of each register (default: unbounded, as the simulation's small
 * histories need); a register that exceeds it makes the result `undecided`.
 */
export function checkLinearizable(
  calls: CallRecord[],
  maxExplored = Number.POSITIVE_INFINITY,
): LinearizabilityResult {
  const byRegister = new Map<string, HOp[]>();
  for (const call of calls) {
    if (call.ok === null) continue; // never issued (closed before it started)
    const failed = call.ok === false;
    // A failed read tells nothing; a failed write may or may not have been applied.
    if (failed && !isWrite(call)) continue;
    // A read served by a backup request may be stale by design: judged by sim/backup-reads.ts
    // (stale but not invented), not here.
    if (call.servedByBackup) continue;
    const reg = registerOf(call);
    const ops = byRegister.get(reg) ?? [];
    ops.push({
      index: ops.length,
      call,
      invokeMs: call.atMs,
      responseMs: failed ? Number.POSITIVE_INFINITY : (call.settleMs ?? Number.POSITIVE_INFINITY),
      optional: failed,
    });
    // the extra applications of a resent idempotent write (its result was checked once, above)
    if (call.op === 'set' || call.op === 'del') {
      for (let k = 1; k < call.mayApply; k++) {
        ops.push({
          index: ops.length,
          call,
          invokeMs: call.atMs,
          responseMs: Number.POSITIVE_INFINITY,
          optional: true,
        });
      }
    }
    byRegister.set(reg, ops);
  }
  let explored = 0;
  for (const [register, ops] of byRegister) {
    let r: { ok: boolean; explored: number };
    try {
      r = checkRegister(ops, maxExplored);
    } catch (e) {
      if (e !== BUDGET_SPENT) throw e;
      return { ok: false, register, explored: explored + maxExplored, undecided: true };
    }
    explored += r.explored;
    if (!r.ok) return { ok: false, register, explored };
  }
  return { ok: true, explored };
}
