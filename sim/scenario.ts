// One deterministic run: the real client core against the onebox on the simulated network, a
// workload of calls and a fault schedule, with the safety invariants checked at every step.
// Same spec + seed => the same run, event for event.
import type { CoreCommand, CoreEvent, CoreOptionsInput } from '../core/client/index.ts';
import { partitionHash, resolvePartition } from '../core/routing/index.ts';
import { partitionOf } from '../core/routing/route-snapshot.ts';
import { type TraceRecord, toJson } from '../core/trace/index.ts';
import { RequestDecoder } from '../core/wire/index.ts';
import { createSimOnebox, type SimOnebox } from '../onebox/index.ts';
import { callSpec, hashKeyOf, partitionOfKey } from './call-specs.ts';
import { Monitor } from './monitor.ts';
import { type CallRecord, TABLE, type Violation } from './records.ts';
import { SimClient } from './sim-client.ts';
import { changeTopology, Ownership } from './topology.ts';
import { isTopologyFault, type SimCall, type SimFault } from './workload.ts';

export { type CallRecord, SETTLE_SLACK_MS, TABLE, type Violation } from './records.ts';

export interface ScenarioSpec {
  seed: number;
  metas: number;
  replicas: number;
  partitions: number;
  detectMs: number;
  calls: SimCall[];
  faults: SimFault[];
  /** simulated time to run before the client is closed */
  runMs: number;
  /** split children register this long after a split starts (the onebox's default: 1000) */
  splitMs?: number;
  client?: Partial<CoreOptionsInput>;
  /**
   * Convergence probe: at runMs, one get per partition; after probeMs more, compare the client's
   * routes with meta's configuration (the client refreshes on demand, so only routes in use count).
   */
  probeMs?: number;
}

export interface ConvergenceRecord {
  partition: number;
  probeCallId: number;
  clientPrimary: string | null;
  metaPrimary: string;
  clientBallot: bigint | null;
  metaBallot: bigint;
}

export interface ScenarioResult {
  calls: CallRecord[];
  violations: Violation[];
  /** every query_cfg round the client started, by time (a query sent on a forward is a hop instead) */
  metaQueryTimesMs: number[];
  /** queries re-sent at once to the leader a follower named */
  metaHopTimesMs: number[];
  connectTimesMs: Map<string, number[]>;
  box: SimOnebox;
  client: SimClient;
  eventCount: number;
  convergence: ConvergenceRecord[];
  /** every incarnation of the table, by app id, with when it was created and dropped */
  incarnations: Ownership['incarnations'];
}

/** far above any real scenario (a few hundred to a few thousand events per run) */
const MAX_EVENTS_PER_PHASE = 2_000_000;

export interface RunOptions {
  /** receives every trace record of the run, in order (header excluded: the caller writes it) */
  trace?: (record: TraceRecord) => void;
}

export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): ScenarioResult {
  const trace = options.trace;
  const box = createSimOnebox({
    seed: spec.seed,
    metas: spec.metas,
    replicas: spec.replicas,
    tables: [{ name: TABLE, partitionCount: spec.partitions }],
    detectMs: spec.detectMs,
    ...(spec.splitMs === undefined ? {} : { splitMs: spec.splitMs }),
  });
  const monitor = new Monitor(
    () => box.sim.nowMs(),
    [...box.metas, ...box.replicas],
    (v) => trace?.({ type: 'violation', t: v.atMs, invariant: v.invariant, detail: v.detail }),
  );
  const ownership = new Ownership(box.cluster.model, TABLE, () => box.sim.nowMs());
  const violate = (invariant: string, detail: string) => monitor.violate(invariant, detail);
  const metaQueryTimesMs: number[] = [];
  const metaHopTimesMs: number[] = [];
  let hopPending = false;
  const connectTimesMs = new Map<string, number[]>();
  const metas = new Set(box.metas);
  if (trace !== undefined) {
    box.cluster.model.onChange((ch) => {
      if (!ownership.isIncarnation(ch.appId)) return;
      trace({
        type: 'config',
        t: ch.atMs,
        partition: ch.partitionIndex,
        ballot: toJson(ch.config.ballot),
        primary: ch.config.primary,
        secondaries: [...ch.config.secondaries],
        reason: ch.reason,
      });
    });
  }

  const check = (event: CoreEvent, commands: CoreCommand[], client: SimClient) => {
    const now = box.sim.nowMs();
    if (trace !== undefined) recordStep(trace, now, event, commands, client);
    monitor.afterHandle(event, commands, client);
    for (const c of commands) {
      // the query that follows a forward is a hop, even when it first waits for a new connection
      if (c.type === 'observe' && c.event.kind === 'leader') hopPending = true;
      if (c.type === 'send' && metas.has(c.address)) {
        (hopPending ? metaHopTimesMs : metaQueryTimesMs).push(now);
        hopPending = false;
      }
      if (c.type === 'send' && !metas.has(c.address)) checkSendTarget(c.address, c.bytes, client);
      if (c.type === 'connect')
        connectTimesMs.set(c.address, [...(connectTimesMs.get(c.address) ?? []), now]);
    }
  };

  // Nothing is sent to a node that is not the primary of the newest configuration the client holds.
  const checkSendTarget = (address: string, bytes: Buffer, client: SimClient) => {
    const { frames } = new RequestDecoder().push(bytes);
    for (const f of frames) {
      const route = client.core.routeTable(TABLE)?.partitions[f.header.partition_index];
      if (route?.primary !== address || route.invalid) {
        violate(
          'sends-to-newest-primary',
          `${f.name} to ${address}, route of partition ${f.header.partition_index} is ${route?.primary}${route?.invalid ? ' (invalidated)' : ''}`,
        );
      }
    }
  };

  const client = new SimClient(
    box.sim,
    { metaServers: [...box.metas], seed: spec.seed, ...spec.client },
    { afterHandle: check },
  );
  client.feed({ type: 'openTable', requestId: 1, table: TABLE, timeoutMs: 5000 });
  const issue = (callId: number, c: SimCall) => {
    monitor.issued(callId, c, box.sim.nowMs());
    client.feed({ type: 'call', ...callSpec(callId, TABLE, c) });
  };
  for (const [i, c] of spec.calls.entries()) box.sim.setTimer(c.atMs, () => issue(i + 1, c));
  for (const f of spec.faults) {
    const kind = f.kind;
    if (isTopologyFault(kind)) {
      box.sim.setTimer(f.atMs, () => {
        const done = changeTopology(box, kind, spec.partitions);
        if (done.ok) ownership.changed(kind);
        trace?.({
          type: 'fault',
          t: box.sim.nowMs(),
          node: TABLE,
          kind: done.ok ? kind : `${kind} (refused)`,
        });
      });
      continue;
    }
    const node =
      kind === 'leader' ? box.metas[f.node % box.metas.length] : box.replicas[f.node % box.replicas.length];
    box.sim.setTimer(f.atMs, () => {
      trace?.({
        type: 'fault',
        t: box.sim.nowMs(),
        node: node!,
        kind,
        ...(f.ms === undefined ? {} : { ms: f.ms }),
      });
      box.fault({ node: node!, kind, ...(f.ms === undefined ? {} : { ms: f.ms }) });
    });
  }
  // a livelock (events piling up while virtual time stands still) is a violation, not a hang
  const guarded = (ms: number) => {
    try {
      box.sim.runFor(ms, MAX_EVENTS_PER_PHASE);
      return true;
    } catch (e) {
      violate('no-livelock', e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  const ran = guarded(spec.runMs);
  const convergence: ConvergenceRecord[] = [];
  const live = box.cluster.model.liveTable(TABLE);
  if (ran && spec.probeMs !== undefined && live !== undefined) {
    const appId = live.appId;
    const keys = probeKeys(live.partitionCount);
    const probes = keys.map((key, partition) => {
      const probe: SimCall = {
        atMs: box.sim.nowMs(),
        op: 'get',
        key,
        value: 0,
        timeoutMs: spec.probeMs ?? 0,
      };
      const callId = spec.calls.length + partition + 1;
      issue(callId, probe);
      return { partition, callId };
    });
    guarded(spec.probeMs);
    const routes = client.core.routeTable(TABLE);
    // The client's routes lead every probe key to the partition meta's configuration gives it. Its
    // count may still be double meta's after a cancelled split it never heard of: children with
    // ballot < 0 send their keys to the parent, which is right (traces/topology-*-checker-*).
    for (const key of keys) {
      const hash = partitionHash(hashKeyOf(key), Buffer.from('s'));
      const owner = resolvePartition(hash, live.partitionCount, (i) => live.partitions[i]?.ballot);
      const routed = routes === null || routes.appId !== appId ? null : partitionOf(routes, hash);
      if (routed !== owner) {
        violate(
          'routes-converge',
          `k${key}: the client (app ${routes?.appId}, ${routes?.partitionCount} partitions) routes it to ${routed}, meta (app ${appId}, ${live.partitionCount} partitions) to ${owner}`,
        );
      }
    }
    for (const { partition, callId } of probes) {
      const meta = box.cluster.model.partition(appId, partition);
      const route = routes?.partitions[partition];
      convergence.push({
        partition,
        probeCallId: callId,
        clientPrimary: route === undefined ? null : route.primary,
        clientBallot: route === undefined ? null : route.ballot,
        metaPrimary: meta?.primary ?? '',
        metaBallot: meta?.ballot ?? -1n,
      });
    }
  }
  // at-most-once (no replica counter above the incr calls issued) and unsettled-by-deadline
  monitor.checkState(client, box.cluster, box.sim.wallSeconds());
  for (const v of ownership.check(monitor.calls)) violate(v.invariant, v.detail);
  client.feed({ type: 'close' });
  const calls: CallRecord[] = [...monitor.calls].sort((a, b) => a.callId - b.callId);
  for (const rec of calls) {
    if (rec.settles !== 1) violate('settles-once', `call ${rec.callId} settled ${rec.settles} times`);
  }
  if (client.core.pendingCallIds().length > 0)
    violate('nothing-leaks', `pending calls after close: ${client.core.pendingCallIds()}`);
  if (client.core.timerCount() > 0)
    violate('nothing-leaks', `${client.core.timerCount()} timers after close`);
  if (client.openConnectionCount() > 0)
    violate('nothing-leaks', `${client.openConnectionCount()} connections after close`);
  trace?.({ type: 'end', t: box.sim.nowMs(), calls: toJson(calls) });
  const eventCount = box.sim.eventCount;
  box.close();
  return {
    calls,
    violations: monitor.violations,
    metaQueryTimesMs,
    metaHopTimesMs,
    connectTimesMs,
    box,
    client,
    eventCount,
    convergence,
    incarnations: ownership.incarnations,
  };
}

/** a key index whose hash key routes to each partition, in partition order */
export function probeKeys(partitions: number): number[] {
  const found: number[] = new Array(partitions).fill(-1);
  for (let key = 0, left = partitions; left > 0; key++) {
    const p = partitionOfKey(key, partitions);
    if (found[p] === -1) {
      found[p] = key;
      left--;
    }
  }
  return found;
}

/** what entered the core, what came out (sends with their decoded frame), and every machine's state */
function recordStep(
  trace: (r: TraceRecord) => void,
  t: number,
  event: CoreEvent,
  commands: CoreCommand[],
  client: SimClient,
): void {
  trace({ type: 'in', t, event: toJson(event) });
  for (const cmd of commands) {
    if (cmd.type === 'send') {
      const f = new RequestDecoder().push(cmd.bytes).frames[0];
      trace({
        type: 'out',
        t,
        cmd: toJson(cmd),
        ...(f === undefined
          ? {}
          : { frame: { name: f.name, seqid: f.seqid, partition: f.header.partition_index } }),
      });
    } else {
      trace({ type: 'out', t, cmd: toJson(cmd) });
    }
  }
  trace({ type: 'states', t, ...client.core.machineStates() });
}
