// Topology changes in a simulated scenario (split, cancelled split, drop, recreate) and what they
// let the checks say: which incarnation (app id) of the table served a call, and which partition
// owned a key at each moment.
//
// Properties checked here, over a finished scenario:
//   (answered-by-owner)  every successful call was answered by a partition of a live incarnation
//                        of the table that owned the call's key at some moment between the call's
//                        start and its settle: the key's index under the table's count, or its
//                        split parent while that child was not registered yet;
//   (linearizable per incarnation)  see linearizableByIncarnation.
import { partitionHash, partitionIndex } from '../core/routing/index.ts';
import type { Cluster } from '../onebox/index.ts';
import { hashKeyOf } from './call-specs.ts';
import { checkLinearizable, type LinearizabilityResult } from './linearizability.ts';
import { type CallRecord, TABLE, type Violation } from './records.ts';
import type { TopologyFaultKind } from './workload.ts';

interface TopologyBox {
  split(request: { table: string; cancel?: boolean }): { ok: boolean };
  table(request: { name: string; action: 'create' | 'drop'; partitions?: number; replicas?: number }): {
    ok: boolean;
  };
}

/** performs one topology change on the simulation's table; `ok: false` when the onebox refused it */
export function changeTopology(
  box: TopologyBox,
  kind: TopologyFaultKind,
  partitions: number,
): { ok: boolean } {
  const table = TABLE;
  switch (kind) {
    case 'split':
      return box.split({ table });
    case 'cancelSplit':
      return box.split({ table, cancel: true });
    case 'drop':
      return box.table({ name: table, action: 'drop' });
    case 'recreate':
      return box.table({ name: table, action: 'create', partitions, replicas: 3 });
  }
}

/** one stretch of time with the same owners: from `fromMs` until the next epoch starts */
interface Epoch {
  fromMs: number;
  /** 0 once the incarnation is dropped */
  count: number;
  /** the count before the split in progress, or 0 */
  splitFrom: number;
  registered: ReadonlySet<number>;
}

/** the sort key of the register a simulated op touches (sim/call-specs.ts) */
const SORT_KEY: Record<string, string> = { incr: 'n', casAbsent: 'c' };

export function hashOfCall(c: CallRecord): bigint {
  return partitionHash(hashKeyOf(c.key), Buffer.from(SORT_KEY[c.op] ?? 's'));
}

/** app id and partition that answered a successful call (every rrdb response echoes them) */
export function answeredBy(c: CallRecord): { appId: number; partition: number } | null {
  const r = c.result as { app_id?: unknown; partition_index?: unknown } | undefined;
  if (c.ok !== true || typeof r?.app_id !== 'number' || typeof r.partition_index !== 'number') return null;
  return { appId: r.app_id, partition: r.partition_index };
}

export class Ownership {
  /** by app id, oldest first */
  private readonly epochs = new Map<number, Epoch[]>();
  /** every incarnation, with when it was created and dropped */
  readonly incarnations: Array<{ appId: number; createdMs: number; droppedMs: number }> = [];

  constructor(
    private readonly model: Cluster['model'],
    private readonly table: string,
    private readonly nowMs: () => number,
  ) {
    this.addIncarnation();
    model.onChange((ch) => {
      const list = this.epochs.get(ch.appId);
      const last = list?.at(-1);
      if (last === undefined || !ch.reason.startsWith('split child')) return;
      list!.push({ ...last, fromMs: ch.atMs, registered: new Set([...last.registered, ch.partitionIndex]) });
    });
  }

  isIncarnation(appId: number): boolean {
    return this.epochs.has(appId);
  }

  /** a topology change the onebox accepted, just now */
  changed(kind: TopologyFaultKind): void {
    if (kind === 'recreate') {
      this.addIncarnation();
      return;
    }
    const current = this.incarnations.at(-1)!;
    const list = this.epochs.get(current.appId)!;
    const last = list.at(-1)!;
    const fromMs = this.nowMs();
    if (kind === 'split')
      list.push({ fromMs, count: last.count * 2, splitFrom: last.count, registered: new Set() });
    else if (kind === 'cancelSplit')
      list.push({ fromMs, count: last.splitFrom, splitFrom: 0, registered: new Set() });
    else {
      list.push({ fromMs, count: 0, splitFrom: 0, registered: new Set() });
      current.droppedMs = fromMs;
    }
  }

  /** the violations of answered-by-owner among `calls` */
  check(calls: readonly CallRecord[]): Violation[] {
    const out: Violation[] = [];
    for (const c of calls) {
      const by = answeredBy(c);
      if (by === null || c.settleMs === null) continue;
      const list = this.epochs.get(by.appId);
      const hash = hashOfCall(c);
      const owned =
        list?.some((e, i) => {
          const untilMs = list[i + 1]?.fromMs ?? Number.POSITIVE_INFINITY;
          return (
            e.count > 0 && e.fromMs <= c.settleMs! && untilMs >= c.atMs && ownerOf(e, hash) === by.partition
          );
        }) ?? false;
      if (!owned) {
        out.push({
          invariant: 'answered-by-owner',
          atMs: c.settleMs,
          detail: `call ${c.callId} (${c.op} k${c.key}) answered by app ${by.appId} partition ${by.partition}, which did not own the key between ${c.atMs} and ${c.settleMs}`,
        });
      }
    }
    return out;
  }

  private addIncarnation(): void {
    const t = this.model.liveTable(this.table);
    if (t === undefined) return;
    this.incarnations.push({ appId: t.appId, createdMs: this.nowMs(), droppedMs: Number.POSITIVE_INFINITY });
    this.epochs.set(t.appId, [
      { fromMs: this.nowMs(), count: t.partitionCount, splitFrom: 0, registered: new Set() },
    ]);
  }
}

function ownerOf(e: Epoch, hash: bigint): number {
  const index = partitionIndex(hash, e.count);
  if (e.splitFrom > 0 && index >= e.splitFrom && !e.registered.has(index)) return index - e.splitFrom;
  return index;
}

/**
 * Linearizability per incarnation. Property: for each incarnation I of the table (created empty),
 * the history made of the successful calls I answered and of the failed calls that were running
 * while I existed (each may or may not have taken effect there) is linearizable. With one
 * incarnation this is checkLinearizable over every call.
 */
export function linearizableByIncarnation(
  calls: CallRecord[],
  incarnations: ReadonlyArray<{ appId: number; createdMs: number; droppedMs: number }>,
): LinearizabilityResult {
  if (incarnations.length <= 1) return checkLinearizable(calls);
  let explored = 0;
  for (const inc of incarnations) {
    const part = calls.filter((c) => {
      if (c.ok === true) return answeredBy(c)?.appId === inc.appId;
      const endMs = c.settleMs ?? c.deadlineMs;
      return c.atMs <= inc.droppedMs && endMs >= inc.createdMs;
    });
    const r = checkLinearizable(part);
    explored += r.explored;
    if (!r.ok) return { ...r, register: `app ${inc.appId} ${r.register}`, explored };
  }
  return { ok: true, explored };
}

/** a call on a dropped table settles within this (poll cap 200 ms, a meta round trip, slack) */
export const DROPPED_SETTLE_MS = 400;

/**
 * dropped-fails-fast. Property: in a scenario whose only faults are topology changes, a call that
 * starts while the table is dropped and whose deadline comes before the table is created again
 * settles with ERR_APP_NOT_EXIST within DROPPED_SETTLE_MS (never by its timeout).
 */
export function checkDroppedFailFast(
  faults: ReadonlyArray<{ kind: string }>,
  calls: readonly CallRecord[],
  incarnations: ReadonlyArray<{ appId: number; createdMs: number; droppedMs: number }>,
): Violation[] {
  if (faults.some((f) => !['split', 'cancelSplit', 'drop', 'recreate'].includes(f.kind))) return [];
  const out: Violation[] = [];
  incarnations.forEach((inc, i) => {
    const recreatedMs = incarnations[i + 1]?.createdMs ?? Number.POSITIVE_INFINITY;
    for (const c of calls) {
      if (c.atMs <= inc.droppedMs || c.deadlineMs >= recreatedMs || c.timeoutMs <= DROPPED_SETTLE_MS)
        continue;
      const tookMs = (c.settleMs ?? Number.POSITIVE_INFINITY) - c.atMs;
      if (c.code !== 'ERR_APP_NOT_EXIST' || tookMs > DROPPED_SETTLE_MS) {
        out.push({
          invariant: 'dropped-fails-fast',
          atMs: c.settleMs ?? c.deadlineMs,
          detail: `call ${c.callId} started ${c.atMs - inc.droppedMs} ms after the drop settled ${c.code ?? 'ok'} after ${tookMs} ms`,
        });
      }
    }
  });
  return out;
}
