// Reads every call (start, partition, settle, attempts) and every lost connection back out of a
// client trace: the report is computed from the same records the timeline draws.

import { partitionIndex } from '../core/routing/index.ts';
import type { Json, TraceRecord } from '../core/trace/index.ts';

export interface Attempt {
  node: string;
  sentAtMs: number;
  outcome: string | null;
  endedAtMs: number | null;
  /** a backup request to a secondary */
  backup: boolean;
}

export interface CallFact {
  id: number;
  rpc: string;
  start: number;
  partition: number;
  settle: {
    t: number;
    ok: boolean;
    code: string | null;
    outcomeUnknown: boolean;
    attempts: Attempt[];
  } | null;
}

type Obj = { [key: string]: Json };
const obj = (v: Json | undefined): Obj | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;

function attemptsOf(v: Json | undefined): Attempt[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a) => {
    const o = obj(a);
    if (o === null || typeof o.node !== 'string' || typeof o.sentAtMs !== 'number') return [];
    return [
      {
        node: o.node,
        sentAtMs: o.sentAtMs,
        outcome: typeof o.outcome === 'string' ? o.outcome : null,
        endedAtMs: typeof o.endedAtMs === 'number' ? o.endedAtMs : null,
        backup: o.backup === true,
      },
    ];
  });
}

export function callsFromTrace(records: readonly TraceRecord[], partitionCount: number): CallFact[] {
  const calls = new Map<number, CallFact>();
  for (const r of records) {
    if (r.type === 'in') {
      const e = obj(r.event);
      if (e?.type !== 'call' || typeof e.callId !== 'number') continue;
      const hash = obj(e.partitionHash)?.$bigint;
      calls.set(e.callId, {
        id: e.callId,
        rpc: typeof e.rpc === 'string' ? e.rpc.replace(/^RPC_RRDB_RRDB_/, '').toLowerCase() : '?',
        start: r.t,
        partition: typeof hash === 'string' ? partitionIndex(BigInt(hash), partitionCount) : -1,
        settle: null,
      });
    } else if (r.type === 'out') {
      const c = obj(r.cmd);
      if (c?.type !== 'settle' || typeof c.callId !== 'number') continue;
      const call = calls.get(c.callId);
      if (call === undefined || call.settle !== null) continue;
      const failure = obj(c.failure);
      call.settle =
        c.ok === true
          ? { t: r.t, ok: true, code: null, outcomeUnknown: false, attempts: attemptsOf(c.attempts) }
          : {
              t: r.t,
              ok: false,
              code: typeof failure?.code === 'string' ? failure.code : 'ERR_UNKNOWN',
              outcomeUnknown: failure?.outcomeUnknown === true,
              attempts: attemptsOf(failure?.attempts),
            };
    }
  }
  return [...calls.values()];
}

/** when the client first heard that its connection to `address` was lost at or after `fromT` */
export function connectionLostAt(
  records: readonly TraceRecord[],
  address: string,
  fromT: number,
): number | null {
  for (const r of records) {
    if (r.type !== 'in' || r.t < fromT) continue;
    const e = obj(r.event);
    if (e?.type === 'connectionLost' && e.address === address) return r.t;
  }
  return null;
}
