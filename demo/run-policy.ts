// One run of the scenario under one policy: a fresh onebox on loopback, the client, the workload, the
// fault on the primary of partition 0, then a clean shutdown. Returns the trace and its measures.
import { setTimeout as sleep } from 'node:timers/promises';
import { PegasusClient, type PegasusClientOptions } from '../client/index.ts';
import { type TraceRecord, toJson } from '../core/trace/index.ts';
import { type FaultRequest, startTcpOnebox } from '../onebox/index.ts';
import type { LiveDisplay } from './live-display.ts';
import { LiveView, shortAddress } from './live-view.ts';
import { measure, type PolicyMeasures } from './measure.ts';
import type { DemoOptions } from './options.ts';
import { TIMEOUT_ONLY_MACHINES } from './timeout-only-policy.ts';
import { TraceRecorder } from './trace-recorder.ts';
import { Workload } from './workload.ts';

export type PolicyName = 'client' | 'backup' | 'timeout-only';

export const POLICY_LABELS: Record<PolicyName, string> = {
  client: 'pegasus-ts (re-route)',
  backup: 'pegasus-ts + backup reads',
  'timeout-only': 'timeout only (Go-like)',
};

export const TABLE = 'demo';

export interface PolicyRun {
  policy: PolicyName;
  records: TraceRecord[];
  measures: PolicyMeasures;
  faultLabel: string;
}

function faultRequest(o: DemoOptions, node: string): FaultRequest {
  switch (o.fault) {
    case 'coredump':
    case 'hang':
    case 'partition':
      return { node, kind: o.fault, ms: o.hangMs };
    case 'crash':
    case 'restart':
      return { node, kind: o.fault };
  }
}

/** e.g. 'coredump of :41001 (silent 1000 ms, then crash)' */
export function faultLabel(o: DemoOptions, where: string): string {
  switch (o.fault) {
    case 'coredump':
      return `coredump of ${where} (silent ${o.hangMs} ms, then crash)`;
    case 'hang':
      return `hang of ${where} for ${o.hangMs} ms`;
    case 'partition':
      return `network partition of ${where} for ${o.hangMs} ms`;
    default:
      return `${o.fault} of ${where}`;
  }
}

/** `stop` resolves early on SIGINT: the run is cut short but still shuts down cleanly */
export async function runPolicy(
  policy: PolicyName,
  o: DemoOptions,
  display: LiveDisplay,
  stop: Promise<void>,
): Promise<PolicyRun> {
  const box = await startTcpOnebox({
    replicas: 3,
    tables: [{ name: TABLE, partitionCount: o.partitions }],
    detectMs: o.detectMs,
    promoteDelayMs: o.promoteDelayMs,
  });
  const clientOptions: PegasusClientOptions = {
    metaServers: [...box.metas],
    timeoutMs: o.timeoutMs,
    seed: o.seed,
  };
  const recorder = new TraceRecorder(
    toJson({
      demo: { policy, ...o },
      ...(policy === 'backup' ? { table: { backupRequestDelayMs: o.backupMs } } : {}),
      client: { ...clientOptions, machines: policy === 'client' ? 'default' : 'demo/timeout-only-policy.ts' },
      onebox: { metas: box.metas, replicas: box.replicas, tables: box.tables },
    }),
  );
  const appId = box.tables[TABLE]?.appId;
  // Meta's configuration as the run starts, then every change.
  for (const [index, p] of (box.cluster.model.liveTable(TABLE)?.partitions ?? []).entries()) {
    recorder.records.push({
      type: 'config',
      t: 0,
      partition: index,
      ballot: toJson(p.ballot),
      primary: p.primary,
      secondaries: [...p.secondaries],
      reason: 'configuration at start',
    });
  }
  box.cluster.model.onChange((ch) => {
    if (ch.appId === appId) recorder.config(ch);
  });
  const client = await PegasusClient.connect({
    ...clientOptions,
    trace: recorder.hook,
    ...(policy === 'timeout-only' ? { machines: TIMEOUT_ONLY_MACHINES } : {}),
  });
  // The public client does not expose its core; its states are read (never changed) for the trace.
  // Bracket access keeps this type-checked: a renamed field fails to compile, not silently.
  // biome-ignore lint/complexity/useLiteralKeys: `client.driver` is private; only bracket access compiles
  recorder.statesFrom(() => client['driver'].core.machineStates());
  const view = new LiveView(POLICY_LABELS[policy], box, TABLE, o.durationMs);
  view.watch(client);
  let faultT = 0;
  let target = '';
  let label = '';
  try {
    const table = await client.openTable(
      TABLE,
      policy === 'backup' && o.backupMs !== null ? { backupRequestDelayMs: o.backupMs } : {},
    );
    const workload = new Workload(table, o.rate, o.timeoutMs);
    display.show(view);
    view.running(workload);
    workload.start();
    const stopped = await Promise.race([sleep(o.faultAtMs).then(() => false), stop.then(() => true)]);
    target = box.cluster.model.partition(table.appId, 0)?.primary ?? box.replicas[0]!;
    label = faultLabel(o, shortAddress(target));
    if (!stopped) {
      const req = faultRequest(o, target);
      faultT = recorder.now();
      recorder.fault(req.node, req.kind, req.ms);
      box.fault(req);
      view.faultInjected(label);
      await Promise.race([sleep(o.durationMs - o.faultAtMs), stop]);
    }
    view.note('workload stopped; waiting for the calls in flight');
    await workload.stop();
  } finally {
    view.stop();
    display.hide();
    await client.close();
    recorder.finish();
    await box.close();
  }
  const measures = measure({
    records: recorder.records,
    partitionCount: o.partitions,
    target,
    faultT,
    faultMs: o.hangMs,
  });
  return { policy, records: recorder.records, measures, faultLabel: label };
}
