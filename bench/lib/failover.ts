// The demo scenario, measured: a onebox child with short failure detection, a steady workload, and
// a slow core dump (hang, then crash) of the primary of partition 0. From the client's trace and the
// onebox's events (same epoch time base) each run yields:
//   crash -> reset seen        the onebox crashed the process; the client saw the connection go
//   reset -> re-route          the calls in flight on the dead node were taken off it (all of them;
//                              0 means in the same core step that handled the reset)
//   reset -> re-routed done    the last of those calls succeeded (or failed) elsewhere
//   hang -> promotion          the meta noticed (missed beacons) and promoted a secondary: server side
//   promotion -> first ok      the first successful call on that partition after the promotion
//   hang -> first ok           how long the partition was unavailable to the client
// Partition-level figures are the worst partition of the victim in that run.
import { PegasusClient } from '../../client/index.ts';
import { sleep } from './clock.ts';
import { type AttemptFact, FailoverTrace } from './failover-trace.ts';
import { makeKeys } from './keys.ts';
import { OpenLoop } from './open-loop.ts';
import { ServerChild } from './server-child.ts';
import type { ServerMessage } from './server-protocol.ts';
import { median, worst } from './stats.ts';

export interface FailoverOptions {
  runs: number;
  detectMs: number;
  hangMs: number;
  partitions: number;
  ratePerSec: number;
  timeoutMs: number;
  faultAtMs: number;
  /** workload kept running after the last promotion, so first successes are seen */
  afterMs: number;
}

export interface FailoverRun {
  victim: string;
  victimPartitions: number[];
  crashToResetMs: number;
  /** bound on the error of cross-process differences (half the best ping round trip) */
  clockErrorMs: number;
  resetToRerouteMs: number;
  reroutedCalls: number;
  resetToReroutedDoneMs: number;
  hangToPromotionMs: number;
  promotionToFirstOkMs: number;
  hangToFirstOkMs: number;
  calls: number;
  failedCalls: number;
}

export const FAILOVER_METRICS = [
  'crashToResetMs',
  'resetToRerouteMs',
  'resetToReroutedDoneMs',
  'hangToPromotionMs',
  'promotionToFirstOkMs',
  'hangToFirstOkMs',
  'failedCalls',
] as const;
export type FailoverMetric = (typeof FAILOVER_METRICS)[number];

export interface FailoverResult {
  options: FailoverOptions;
  runs: FailoverRun[];
  summary: Record<FailoverMetric, { median: number; worst: number }>;
}

type ConfigEvent = Extract<ServerMessage, { type: 'config' }>;

const TABLE = 'bench';
const KEYS = 128;
const POLL_MS = 20;

export async function runFailoverOnce(o: FailoverOptions): Promise<FailoverRun> {
  const server = await ServerChild.start({
    replicas: 3,
    partitions: o.partitions,
    table: TABLE,
    detectMs: o.detectMs,
  });
  const trace = new FailoverTrace();
  let client: PegasusClient | undefined;
  try {
    client = await PegasusClient.connect({
      metaServers: server.metas,
      timeoutMs: o.timeoutMs,
      trace: trace.hook,
    });
    const table = await client.openTable(TABLE);
    trace.partitionCount = table.partitionCount;
    const keys = makeKeys(KEYS, table.partitionCount);
    const value = Buffer.alloc(100, 0x76);
    await Promise.all(keys.map((k) => table.set(k.hashKey, k.sortKey, value)));

    const loop = new OpenLoop(table, keys, value, o.ratePerSec, o.timeoutMs);
    loop.start();
    await sleep(o.faultAtMs);
    const parts = (await server.state()).tables.find((t) => t.name === TABLE)?.partitions ?? [];
    const victim = parts[0]?.primary ?? '';
    const victimPartitions = parts.filter((p) => p.primary === victim).map((p) => p.index);
    await server.fault({ node: victim, kind: 'coredump', ms: o.hangMs });

    const promotionOf = (index: number) =>
      server.events.find(
        (e): e is ConfigEvent =>
          e.type === 'config' &&
          e.appId === table.appId &&
          e.index === index &&
          e.primary !== '' &&
          e.primary !== victim,
      );
    const capMs = o.hangMs + 3 * o.detectMs + 5000;
    for (let waited = 0; waited < capMs && !victimPartitions.every((p) => promotionOf(p)); waited += POLL_MS)
      await sleep(POLL_MS);
    await sleep(o.afterMs);
    await loop.stop();

    // server event times, moved onto this process's clock
    const { offsetMs, errorMs } = await server.clockOffsetMs();
    const local = (at: number | undefined) => (at ?? Number.NaN) - offsetMs;
    const stateAt = (s: string) =>
      local(server.events.find((e) => e.type === 'process' && e.address === victim && e.state === s)?.at);
    const hungAt = stateAt('hung');
    const crashedAt = stateAt('crashing');
    const resetSeen = trace.lost.find((l) => l.address === victim && l.at >= hungAt)?.at ?? Number.NaN;
    const wasRerouted = (a: AttemptFact) =>
      a.node === victim && a.outcome === 'abandoned' && a.endedAt !== null && a.endedAt >= resetSeen;
    const reroutedSettles = trace.settles.filter((s) => s.attempts.some(wasRerouted));
    const rerouted = reroutedSettles.flatMap((s) => s.attempts.filter(wasRerouted));
    const perPartition = victimPartitions.map((index) => {
      const promo = promotionOf(index);
      const promotedAt = local(promo?.at);
      const firstOk = trace.settles.find(
        (s) => s.ok && s.partition === index && s.attempts.at(-1)?.node === promo?.primary,
      );
      const firstOkAt = firstOk?.at ?? Number.NaN;
      return {
        hangToPromotionMs: promotedAt - hungAt,
        promotionToFirstOkMs: firstOkAt - promotedAt,
        hangToFirstOkMs: firstOkAt - hungAt,
      };
    });
    const worstOf = (f: (p: (typeof perPartition)[number]) => number) => worst(perPartition.map(f));
    return {
      victim,
      victimPartitions,
      crashToResetMs: resetSeen - crashedAt,
      clockErrorMs: errorMs,
      resetToRerouteMs: worst(rerouted.map((a) => (a.endedAt ?? Number.NaN) - resetSeen)),
      reroutedCalls: rerouted.length,
      resetToReroutedDoneMs: worst(reroutedSettles.map((s) => s.at - resetSeen)),
      hangToPromotionMs: worstOf((p) => p.hangToPromotionMs),
      promotionToFirstOkMs: worstOf((p) => p.promotionToFirstOkMs),
      hangToFirstOkMs: worstOf((p) => p.hangToFirstOkMs),
      calls: trace.settles.length,
      failedCalls: loop.failed,
    };
  } finally {
    await client?.close();
    await server.stop();
  }
}

export async function measureFailover(
  o: FailoverOptions,
  log: (line: string) => void,
): Promise<FailoverResult> {
  const runs: FailoverRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    const r = await runFailoverOnce(o);
    log(
      `failover run ${i + 1}/${o.runs}: reset seen ${r.crashToResetMs.toFixed(2)} ms after the crash (±${r.clockErrorMs.toFixed(2)}), ` +
        `${r.reroutedCalls} in-flight calls re-routed within ${r.resetToRerouteMs.toFixed(2)} ms, ` +
        `first ok ${r.promotionToFirstOkMs.toFixed(1)} ms after the promotion, ${r.failedCalls} failed`,
    );
    runs.push(r);
  }
  const summary = {} as FailoverResult['summary'];
  for (const m of FAILOVER_METRICS) {
    const xs = runs.map((r) => r[m]);
    summary[m] = { median: median(xs), worst: worst(xs) };
  }
  return { options: o, runs, summary };
}
