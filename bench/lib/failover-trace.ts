// The facts a failover measurement needs, kept from the client's trace hook: which partition each
// call addressed, when each settled (with its attempts), and when connections were lost. Times are
// the driver's performance.now(), converted to epoch ms to compare with the onebox child's events.

import type { TraceRecord } from '../../client/index.ts';
import { partitionIndex } from '../../core/routing/index.ts';
import { perfToEpochMs } from './clock.ts';

export interface AttemptFact {
  node: string;
  sentAt: number;
  outcome: string | null;
  endedAt: number | null;
}

export interface SettleFact {
  callId: number;
  partition: number;
  ok: boolean;
  at: number;
  attempts: AttemptFact[];
}

type Plain = Record<string, unknown>;

export class FailoverTrace {
  readonly settles: SettleFact[] = [];
  readonly lost: Array<{ address: string; reason: string; at: number }> = [];
  private readonly partitionOfCall = new Map<number, number>();
  partitionCount = 0;

  readonly hook = (r: TraceRecord): void => {
    if (r.type === 'in') {
      const e = r.event as Plain;
      if (e.type === 'call' && this.partitionCount > 0) {
        const hash = BigInt((e.partitionHash as { $bigint: string }).$bigint);
        this.partitionOfCall.set(e.callId as number, partitionIndex(hash, this.partitionCount));
      } else if (e.type === 'connectionLost') {
        this.lost.push({
          address: e.address as string,
          reason: e.reason as string,
          at: perfToEpochMs(r.t),
        });
      }
      return;
    }
    const c = r.cmd as Plain;
    if (c.type !== 'settle') return;
    const callId = c.callId as number;
    const partition = this.partitionOfCall.get(callId);
    this.partitionOfCall.delete(callId);
    if (partition === undefined) return;
    const raw = (c.ok === true ? c.attempts : (c.failure as Plain).attempts) as Plain[];
    this.settles.push({
      callId,
      partition,
      ok: c.ok === true,
      at: perfToEpochMs(r.t),
      attempts: raw.map((a) => ({
        node: a.node as string,
        sentAt: perfToEpochMs(a.sentAtMs as number),
        outcome: a.outcome as string | null,
        endedAt: a.endedAtMs === null ? null : perfToEpochMs(a.endedAtMs as number),
      })),
    });
  };
}
