// Calls from start to settle: started by `call` events, settled by `settle` commands; the `end`
// record of a simulation adds the operation, key and deadline the core never sees in that form.
import type { Json } from '../../core/trace/index.ts';
import { ms } from './format-time.ts';
import { asObject, bool, idText, type JsonObject, list, num, str } from './json-read.ts';
import type { CallBar, CallOutcome } from './model.ts';

interface CallInfo {
  id: string;
  start: number;
  rpc: string;
  timeoutMs: number | null;
  idempotent: boolean | null;
  settle: { t: number; outcome: CallOutcome; code: string | null; cause: string | null } | null;
  attempts: string[];
  op: string | null;
  key: string | null;
}

export class CallCollector {
  private readonly calls = new Map<string, CallInfo>();

  started(t: number, event: JsonObject): void {
    const id = idText(event.callId);
    if (id === null || this.calls.has(id)) return;
    this.calls.set(id, {
      id,
      start: t,
      rpc: str(event, 'rpc') ?? '?',
      timeoutMs: num(event, 'timeoutMs'),
      idempotent: bool(event, 'idempotent'),
      settle: null,
      attempts: [],
      op: null,
      key: null,
    });
  }

  settled(t: number, cmd: JsonObject): void {
    const id = idText(cmd.callId);
    const call = id === null ? undefined : this.calls.get(id);
    if (call === undefined || call.settle !== null) return;
    const failure = asObject(cmd.failure);
    const ok = bool(cmd, 'ok') === true;
    const unknown = bool(failure, 'outcomeUnknown') === true;
    call.settle = {
      t,
      outcome: ok ? 'ok' : unknown ? 'unknown' : 'error',
      code: ok ? null : (str(failure, 'code') ?? 'error'),
      cause: str(failure, 'cause'),
    };
    const attempts = ok ? list(cmd, 'attempts') : list(failure, 'attempts');
    call.attempts = attempts.map(attemptText);
  }

  /** the simulation's own call records (end record): operation, key */
  ended(calls: Json): void {
    if (!Array.isArray(calls)) return;
    for (const c of calls) {
      const o = asObject(c);
      const call = this.calls.get(idText(o?.callId) ?? '');
      if (o === null || call === undefined) continue;
      call.op = str(o, 'op');
      const key = o.key;
      call.key = typeof key === 'number' || typeof key === 'string' ? String(key) : null;
    }
  }

  /** op of a call, for row labels */
  label(id: string): string {
    const c = this.calls.get(id);
    return c === undefined ? `#${id}` : `#${id} ${c.op ?? rpcOp(c.rpc)}`;
  }

  bars(end: number): CallBar[] {
    return [...this.calls.values()].map((c) => {
      const deadline = c.timeoutMs === null ? null : c.start + c.timeoutMs;
      const s = c.settle;
      const lines = [
        `call ${this.label(c.id)}${c.key === null ? '' : ` key ${c.key}`} (${c.rpc})`,
        `start ${ms(c.start)}, deadline ${deadline === null ? '?' : ms(deadline)}${c.idempotent === false ? ', not idempotent' : ''}`,
        s === null
          ? 'never settled'
          : `settled ${ms(s.t)} after ${ms(s.t - c.start)}: ${s.outcome === 'ok' ? 'ok' : s.code}${s.cause === null ? '' : ` (cause ${s.cause})`}${s.outcome === 'unknown' ? ', outcome unknown' : ''}`,
        ...c.attempts.map((a, i) => `attempt ${i + 1}: ${a}`),
      ];
      return {
        id: c.id,
        label: this.label(c.id),
        start: c.start,
        end: s?.t ?? end,
        deadline,
        outcome: s?.outcome ?? 'pending',
        code: s?.code ?? null,
        detail: lines.join('\n'),
      };
    });
  }
}

function attemptText(a: Json): string {
  const o = asObject(a);
  const sent = num(o, 'sentAtMs');
  const ended = num(o, 'endedAtMs');
  return `${str(o, 'node') ?? '?'} sent ${sent === null ? '?' : ms(sent)} -> ${str(o, 'outcome') ?? '?'}${ended === null ? '' : ` at ${ms(ended)}`}`;
}

/** RPC_RRDB_RRDB_GET -> get */
function rpcOp(rpc: string): string {
  return rpc.replace(/^RPC_RRDB_RRDB_/, '').toLowerCase();
}
