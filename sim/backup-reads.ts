// The guarantee of a read served by a backup request (README "Backup requests"): stale, but never
// invented. A secondary answers from what it has applied, so the value may be older than the
// primary's, but it is a value the key had at some point at or after the last write acknowledged
// before the read began.
//
// Exactly, for a read R of key k served by a backup (R.servedByBackup), let W be the writes of k
// (set: its value; del: absent). A write w is *superseded before R* when some write x of k was
// acknowledged before R started (x.settleMs < R.atMs) and invoked after w was acknowledged
// (x.atMs > w.settleMs), and w cannot take effect again (it succeeded with one applicable attempt:
// an idempotent write resent after an ambiguous attempt may apply again later). The initial value
// (absent) is superseded when any write of k was acknowledged before R started. Then R's value must
// be the value of a write of k invoked before R settled and not superseded before R, or the
// initial value if that is not superseded. For ttl only existence is compared.
import type { CallRecord, Violation } from './records.ts';

const isValueWrite = (c: CallRecord) => c.op === 'set' || c.op === 'del';

/** what a read saw: the value ('' = absent), or only whether it exists (ttl) */
function observed(r: CallRecord): { value: string } | { exists: boolean } | null {
  const res = r.result as { error?: number; value?: Uint8Array } | undefined;
  if (res === undefined) return null;
  if (r.op === 'get') {
    if (res.error === 1) return { value: '' };
    return { value: res.value === undefined ? '' : Buffer.from(res.value).toString() };
  }
  if (r.op === 'ttl') return { exists: res.error !== 1 };
  return null;
}

/** the values R may return under the guarantee ('' = absent) */
export function allowedValues(read: CallRecord, calls: readonly CallRecord[]): Set<string> {
  const writes = calls.filter((c) => c.key === read.key && isValueWrite(c) && c.ok !== null);
  const ackedBefore = writes.filter((x) => x.ok === true && x.settleMs !== null && x.settleMs < read.atMs);
  const superseded = (w: CallRecord) =>
    w.ok === true &&
    w.mayApply <= 1 &&
    w.settleMs !== null &&
    ackedBefore.some((x) => x !== w && x.atMs > w.settleMs!);
  const allowed = new Set<string>();
  if (ackedBefore.length === 0) allowed.add('');
  const settle = read.settleMs ?? Number.POSITIVE_INFINITY;
  for (const w of writes) {
    if (w.atMs > settle || superseded(w)) continue;
    allowed.add(w.op === 'del' ? '' : String(w.value));
  }
  return allowed;
}

/** every read served by a backup returned a value its key had at or after the last acknowledged write */
export function checkBackupReads(calls: readonly CallRecord[]): Violation[] {
  const out: Violation[] = [];
  for (const r of calls) {
    if (!r.servedByBackup) continue;
    const seen = observed(r);
    if (seen === null) continue;
    const allowed = allowedValues(r, calls);
    const ok =
      'value' in seen ? allowed.has(seen.value) : [...allowed].some((v) => (v !== '') === seen.exists);
    if (!ok)
      out.push({
        invariant: 'stale-not-invented',
        atMs: r.settleMs ?? 0,
        detail: `call ${r.callId} (${r.op} k${r.key}) served by a backup returned ${JSON.stringify(seen)}; allowed: ${JSON.stringify([...allowed])}`,
      });
  }
  return out;
}

/**
 * A read can be served by a backup once the delay has passed, a secondary was connected (one
 * round trip on the simulated network, whose one-way delays are at most 1 ms) and the read went
 * there and back (another): delayMs + HEDGE_RTT_BOUND_MS.
 */
export const HEDGE_RTT_BOUND_MS = 5;

/**
 * With backups on and the primary of a partition hung, a read of that partition started during
 * the hang, before meta's failure detection can act (detectMs after the hang), settles OK within
 * delayMs + HEDGE_RTT_BOUND_MS, instead of waiting for the promotion. (The endless hang is the
 * scenario's first fault; its node is the primary of every key's partition.)
 */
export function checkHedgedHang(
  spec: {
    hedge?: { delayMs: number | null };
    faults: ReadonlyArray<{ atMs: number; kind: string }>;
    detectMs: number;
  },
  r: { calls: readonly CallRecord[] },
): Violation[] {
  const hang = spec.faults[0];
  const delayMs = spec.hedge?.delayMs;
  if (hang === undefined || hang.kind !== 'hang' || delayMs === undefined || delayMs === null) return [];
  const out: Violation[] = [];
  for (const c of r.calls) {
    if (c.op !== 'get' && c.op !== 'ttl') continue;
    if (c.atMs < hang.atMs || c.atMs >= hang.atMs + spec.detectMs) continue;
    const took = (c.settleMs ?? Number.POSITIVE_INFINITY) - c.atMs;
    if (c.ok !== true || took > delayMs + HEDGE_RTT_BOUND_MS)
      out.push({
        invariant: 'hedged-read-rides-through-hang',
        atMs: c.settleMs ?? 0,
        detail: `call ${c.callId} (${c.op}) started ${c.atMs - hang.atMs} ms into the hang: ${c.ok ? 'ok' : c.code} after ${took} ms (bound ${delayMs + HEDGE_RTT_BOUND_MS})`,
      });
  }
  return out;
}
