// The safety invariants of the simulation, in one place for the scenario runner (sim/scenario.ts)
// and the exhaustive explorer. The per-event ones run from the SimClient hook after every event the
// core handles; the per-state ones after every explorer step (and at the end of a scenario):
//   no-wait-after-death  when the core learns a connection is lost, no call waits on that address
//   no-wait-on-down      no call waits on a node whose health is down or closed
//   single-flight        at most one meta query per table in flight
//   settles-once         a call settles at most once (exactly once is checked at the end of a path)
//   by-deadline          a call settles by its deadline + SETTLE_SLACK_MS, and no unsettled call is
//                        older than that
//   ballots-monotone     no route goes back to an older ballot (same app id)
//   at-most-once         no replica's counter exceeds the number of incr calls issued on its key
// The monitor's records (settles, results, last ballots) are part of the explored state.

import type { CoreCommand, CoreEvent } from '../core/client/index.ts';
import { encodeKey } from '../core/routing/index.ts';
import { classifyError } from '../core/wire/index.ts';
import { NODE_HEALTH } from '../machines/index.ts';
import type { Cluster } from '../onebox/index.ts';
import { hashKeyOf } from './call-specs.ts';
import { canon } from './canon.ts';
import { type CallRecord, SETTLE_SLACK_MS, TABLE, type Violation } from './records.ts';
import type { SimClient } from './sim-client.ts';
import type { SimCall } from './workload.ts';

/** an attempt outcome after which the write may have been applied (not a definite rejection) */
function mayHaveApplied(outcome: string | null): boolean {
  if (outcome === null || outcome === 'ERR_OK' || outcome === 'abandoned') return true;
  return classifyError(outcome).outcome !== 'rejected' && classifyError(outcome).outcome !== 'failed';
}

export class Monitor {
  readonly calls: CallRecord[] = [];
  readonly violations: Violation[] = [];
  /** every attempt outcome seen in a settle (coverage of the explorer, not part of a state) */
  readonly outcomes = new Set<string>();
  private readonly ballots = new Map<string, { appId: number; ballot: bigint }>();
  /** incr calls issued so far, by the counter's stored key */
  private readonly incrs = new Map<string, { key: Buffer; issued: number }>();

  constructor(
    private readonly nowMs: () => number,
    private readonly addresses: readonly string[],
    /** told about every violation as it happens (the scenario runner traces them) */
    private readonly onViolation?: (v: Violation) => void,
  ) {}

  violate(invariant: string, detail: string): void {
    const v = { invariant, atMs: this.nowMs(), detail };
    this.violations.push(v);
    this.onViolation?.(v);
  }

  /** a call was handed to the core at `atMs` */
  issued(callId: number, c: SimCall, atMs: number): void {
    this.calls.push({
      ...c,
      atMs,
      callId,
      deadlineMs: atMs + c.timeoutMs,
      settleMs: null,
      settles: 0,
      ok: null,
      code: null,
      outcomeUnknown: false,
      result: undefined,
      mayApply: 0,
    });
    if (c.op === 'incr') {
      const key = encodeKey(hashKeyOf(c.key), Buffer.from('n'));
      const entry = this.incrs.get(key.toString('hex')) ?? { key, issued: 0 };
      entry.issued++;
      this.incrs.set(key.toString('hex'), entry);
    }
  }

  /** SimClient's afterHandle hook */
  readonly afterHandle = (event: CoreEvent, commands: CoreCommand[], client: SimClient): void => {
    const now = this.nowMs();
    if (event.type === 'connectionLost') {
      const stuck = client.core.callsWaitingOn(event.address);
      if (stuck.length > 0)
        this.violate(
          'no-wait-after-death',
          `calls ${stuck} still wait on ${event.address} after it was lost`,
        );
    }
    if (client.core.metaQueriesInFlight(TABLE) > 1) this.violate('single-flight', 'more than one meta query');
    for (const c of commands) {
      if (c.type === 'settle') this.settled(c, now);
      if (c.type === 'observe' && c.event.kind === 'routing') {
        for (const ch of c.event.changed) {
          const key = `${c.event.table}/${ch.index}`;
          const prev = this.ballots.get(key);
          if (prev !== undefined && prev.appId === c.event.appId && ch.ballot < prev.ballot)
            this.violate('ballots-monotone', `${key}: ballot ${ch.ballot} after ${prev.ballot}`);
          this.ballots.set(key, { appId: c.event.appId, ballot: ch.ballot });
        }
      }
    }
  };

  private settled(c: Extract<CoreCommand, { type: 'settle' }>, now: number): void {
    const rec = this.calls.find((r) => r.callId === c.callId);
    if (rec === undefined) {
      this.violate('settles-once', `settle for unknown call ${c.callId}`);
      return;
    }
    rec.settles++;
    if (rec.settles > 1) this.violate('settles-once', `call ${c.callId} settled ${rec.settles} times`);
    rec.settleMs = now;
    rec.ok = c.ok;
    rec.code = c.ok ? null : c.failure.code;
    rec.outcomeUnknown = c.ok ? false : c.failure.outcomeUnknown;
    rec.result = c.ok ? c.result : undefined;
    const attempts = c.ok ? c.attempts : c.failure.attempts;
    rec.mayApply = attempts.filter((a) => mayHaveApplied(a.outcome)).length;
    for (const a of attempts) if (a.outcome !== null) this.outcomes.add(a.outcome);
    if (now > rec.deadlineMs + SETTLE_SLACK_MS && rec.code !== 'ERR_CLIENT_CLOSED')
      this.violate('by-deadline', `call ${c.callId} settled at ${now}, deadline ${rec.deadlineMs}`);
  }

  /** the per-state invariants */
  checkState(client: SimClient, cluster: Cluster, wallSeconds: number): void {
    const core = client.core;
    const now = this.nowMs();
    for (const a of this.addresses) {
      const health = core.nodeHealth(a);
      if ((health === NODE_HEALTH.down || health === NODE_HEALTH.closed) && core.callsWaitingOn(a).length > 0)
        this.violate('no-wait-on-down', `calls ${core.callsWaitingOn(a)} wait on ${a}, which is ${health}`);
    }
    if (core.metaQueriesInFlight(TABLE) > 1) this.violate('single-flight', 'more than one meta query');
    for (const r of this.calls) {
      if (r.settles === 0 && now > r.deadlineMs + SETTLE_SLACK_MS)
        this.violate('by-deadline', `call ${r.callId} unsettled at ${now}, deadline ${r.deadlineMs}`);
    }
    this.checkCounters(cluster, wallSeconds);
  }

  private checkCounters(cluster: Cluster, wallSeconds: number): void {
    if (this.incrs.size === 0) return;
    const nowSec = Math.floor(wallSeconds);
    for (const address of cluster.replicaAddresses) {
      // biome-ignore lint/complexity/useLiteralKeys: element access is how TypeScript lets this read a private field
      for (const store of cluster.replica(address)?.['stores'].values() ?? []) {
        if (store.lastDecree === 0n) continue;
        for (const rec of store.dump(nowSec)) {
          for (const { key, issued } of this.incrs.values())
            if (rec.key.equals(key) && Number(rec.value.toString()) > issued)
              this.violate(
                'at-most-once',
                `${address} holds counter ${rec.value} after ${issued} incr calls`,
              );
        }
      }
    }
  }

  /** every call settled */
  get allSettled(): boolean {
    return this.calls.every((r) => r.settles > 0);
  }

  describe(out: string[]): void {
    for (const r of this.calls)
      out.push(
        `rec ${r.callId} ${r.settles} ${r.settleMs} ${r.ok} ${r.code} ${+r.outcomeUnknown} ${canon(r.result)}`,
      );
    out.push(`ballots ${[...this.ballots].map(([k, b]) => `${k}:${b.appId}/${b.ballot}`).join(',')}`);
  }
}
