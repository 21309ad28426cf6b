// What telemetry costs a get (issue 15.6): client CPU per get with nobody listening, with
// OpenTelemetry metrics on (a real @opentelemetry/sdk-metrics MeterProvider), and with a
// subscriber on the `pegasus-ts:call` tracing channel, measured side by side in one run against the
// same onebox child process. Modes alternate round by round; each figure is the median over rounds.
import { tracingChannel } from 'node:diagnostics_channel';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { CALL_CHANNEL_NAME, PegasusClient, type Table } from '../client/index.ts';
import { numberArg, parseCli } from '../scripts/cli-args.ts';
import { runClient } from './lib/client-loop.ts';
import { makeKeys } from './lib/keys.ts';
import { maxOpsFor } from './lib/phase.ts';
import { ServerChild } from './lib/server-child.ts';

const USAGE = `usage: npm run bench:telemetry -- [--rounds N] [--ms MS] [--depth D]

Client CPU per get (µs, user + system) against a onebox in a child process, in three modes side by
side: nobody listening, OpenTelemetry metrics on (sdk-metrics MeterProvider), and a subscriber on
the pegasus-ts:call tracing channel. N rounds (default 5) of MS ms per mode (default 1500), DEPTH
calls in flight (default 64); prints medians and the ratios to "nobody listening".`;
const { values } = parseCli(USAGE, {
  rounds: { type: 'string' },
  ms: { type: 'string' },
  depth: { type: 'string' },
});
const rounds = numberArg(USAGE, '--rounds', values.rounds, 1) ?? 5;
const durationMs = numberArg(USAGE, '--ms', values.ms, 100) ?? 1500;
const depth = numberArg(USAGE, '--depth', values.depth, 1) ?? 64;

class HeldReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const TABLE = 'bench';
const server = await ServerChild.start({ replicas: 3, partitions: 8, table: TABLE });
const reader = new HeldReader();
const provider = new MeterProvider({ readers: [reader] });
const plain = await PegasusClient.connect({ metaServers: server.metas });
const metered = await PegasusClient.connect({ metaServers: server.metas, meterProvider: provider });
try {
  const plainTable = await plain.openTable(TABLE);
  const meteredTable = await metered.openTable(TABLE);
  const keys = makeKeys(10_000, plainTable.partitionCount);
  const value = Buffer.alloc(100, 0x76);
  const limits = { depth, durationMs, maxOps: maxOpsFor(durationMs) };
  await runClient(plainTable, 'set', keys, value, { ...limits, durationMs: 500 });
  let traced = 0;
  const handlers = {
    start: () => {
      traced++;
    },
    end: () => {},
    asyncStart: () => {},
    asyncEnd: () => {},
    error: () => {},
  };
  const channel = tracingChannel(CALL_CHANNEL_NAME);
  const modes: Array<{ name: string; table: Table; before?: () => void; after?: () => void }> = [
    { name: 'nobody listening', table: plainTable },
    { name: 'metrics on', table: meteredTable },
    {
      name: 'tracing channel subscribed',
      table: plainTable,
      before: () => channel.subscribe(handlers),
      after: () => channel.unsubscribe(handlers),
    },
  ];
  const cpu = new Map<string, number[]>(modes.map((m) => [m.name, []]));
  const rate = new Map<string, number[]>(modes.map((m) => [m.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const m of modes) {
      m.before?.();
      try {
        const res = await runClient(m.table, 'get', keys, value, limits);
        cpu.get(m.name)!.push(res.cpuUsPerOp);
        rate.get(m.name)!.push(res.opsPerSec);
      } finally {
        m.after?.();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(cpu.get('nobody listening')!);
  const { resourceMetrics } = await reader.collect();
  const instruments = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.descriptor.name));
  process.stdout.write(
    `get, depth ${depth}, ${rounds} rounds x ${durationMs} ms per mode (medians), Node ${process.version}\n\n` +
      '| mode | client CPU µs/get | ratio to nobody listening | gets/s |\n| --- | ---: | ---: | ---: |\n',
  );
  for (const m of modes) {
    const c = median(cpu.get(m.name)!);
    process.stdout.write(
      `| ${m.name} | ${c.toFixed(2)} | ${(c / base).toFixed(3)} | ${Math.round(median(rate.get(m.name)!))} |\n`,
    );
  }
  process.stdout.write(
    `\n(tracing subscriber saw ${traced} calls; metrics recorded on ${instruments.length} instruments)\n`,
  );
} finally {
  await plain.close();
  await metered.close();
  await provider.shutdown();
  await server.stop();
}
