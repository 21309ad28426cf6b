// Issue 15.6: OpenTelemetry metrics (through a real @opentelemetry/sdk-metrics MeterProvider) and the
// `pegasus-ts:call` diagnostics_channel tracing channel, against a scripted TCP server.
import assert from 'node:assert/strict';
import { tracingChannel } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  CALL_CHANNEL_NAME,
  type CallTraceContext,
  METRIC_NAMES,
  PegasusArgumentError,
  PegasusClient,
  type PegasusClientOptions,
} from '../client/index.ts';
import { configReply, errorReply, FakeServer, QUERY_CFG, reply } from './helpers/fake-server.ts';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** every data point of `name`: [attributes, value] (a histogram's value is its count) */
function points(rm: ResourceMetrics, name: string): Array<[Record<string, unknown>, number]> {
  const out: Array<[Record<string, unknown>, number]> = [];
  for (const sm of rm.scopeMetrics)
    for (const m of sm.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const dp of m.dataPoints) {
        const v = dp.value as number | { count: number };
        out.push([dp.attributes as Record<string, unknown>, typeof v === 'number' ? v : v.count]);
      }
    }
  return out;
}

/** a server that is meta and primary; the first get is rejected with ERR_INVALID_STATE */
async function world(options: Partial<PegasusClientOptions> = {}) {
  let gets = 0;
  const server = await FakeServer.start((f) => {
    if (f.name === QUERY_CFG) return configReply(f, 1, () => server.address);
    if (f.name === 'RPC_RRDB_RRDB_GET')
      return gets++ === 0
        ? errorReply(f, 'ERR_INVALID_STATE')
        : reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: Buffer.from('v') });
    return errorReply(f, 'ERR_INVALID_DATA');
  });
  const client = await PegasusClient.connect({ metaServers: [server.address], ...options });
  const table = await client.openTable('t');
  return {
    client,
    table,
    done: async () => {
      await client.close();
      await server.close();
    },
  };
}

describe('telemetry', { timeout: 20_000 }, () => {
  it('metrics: duration per op, errors per code, retries per reason, node health, meta queries', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const w = await world({ meterProvider: provider });
    try {
      assert.deepEqual(await w.table.get('h', 's'), Buffer.from('v')); // retried once after ERR_INVALID_STATE
      await assert.rejects(w.table.set('h', 's', 'x'), { code: 'ERR_INVALID_DATA' });
      const { resourceMetrics: rm } = await reader.collect();
      const durations = points(rm, METRIC_NAMES.duration);
      assert.deepEqual(durations.map(([a, n]) => [a['pegasus.operation'], a['error.type'], n]).sort(), [
        ['get', undefined, 1],
        ['set', 'ERR_INVALID_DATA', 1],
      ]);
      assert.ok(durations.every(([a]) => a['pegasus.table'] === 't'));
      assert.deepEqual(
        points(rm, METRIC_NAMES.errors).map(([a, n]) => [a['pegasus.operation'], a['error.type'], n]),
        [['set', 'ERR_INVALID_DATA', 1]],
      );
      assert.deepEqual(
        points(rm, METRIC_NAMES.retries).map(([a, n]) => [
          a['pegasus.operation'],
          a['pegasus.retry.reason'],
          n,
        ]),
        [['get', 'ERR_INVALID_STATE', 1]],
      );
      const nodes = new Map(points(rm, METRIC_NAMES.nodes).map(([a, n]) => [a['pegasus.node.state'], n]));
      assert.equal(nodes.get('ready'), 1, 'one server, ready');
      assert.equal(nodes.get('connecting'), 0, 'moved out of connecting');
      const queries = points(rm, METRIC_NAMES.metaQueries);
      assert.ok(
        queries.some(([a, n]) => a['pegasus.table'] === 't' && n >= 1),
        JSON.stringify(queries),
      );
      assert.ok(points(rm, METRIC_NAMES.routingChanges).length >= 1);
    } finally {
      await w.done();
      await provider.shutdown();
    }
  });

  it("meterProvider 'global' uses the provider registered with @opentelemetry/api; a bad one is refused", async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    assert.ok(metrics.setGlobalMeterProvider(provider));
    const w = await world({ meterProvider: 'global' });
    try {
      await w.table.get('h', 's');
      const { resourceMetrics: rm } = await reader.collect();
      assert.equal(points(rm, METRIC_NAMES.duration).length, 1);
    } finally {
      await w.done();
      metrics.disable();
      await provider.shutdown();
    }
    assert.throws(
      () => new PegasusClient({ metaServers: ['127.0.0.1:1'], meterProvider: {} as never }),
      PegasusArgumentError,
    );
  });

  it('tracing channel: start, asyncEnd with the result, error with the rejection, same context', async () => {
    const w = await world();
    const seen: Array<[string, string, unknown]> = [];
    const handlers = {
      start: (c: CallTraceContext) => seen.push(['start', c.op, undefined]),
      end: () => {},
      asyncStart: () => {},
      asyncEnd: (c: CallTraceContext) => seen.push(['asyncEnd', c.op, c.result ?? c.error]),
      error: (c: CallTraceContext) => seen.push(['error', c.op, (c.error as { code?: string }).code]),
    };
    const channel = tracingChannel<unknown, CallTraceContext>(CALL_CHANNEL_NAME);
    channel.subscribe(handlers);
    try {
      await w.table.get('h', 's');
      await assert.rejects(w.table.set('h', 's', 'x'));
      assert.deepEqual(seen, [
        ['start', 'get', undefined],
        ['asyncEnd', 'get', Buffer.from('v')],
        ['start', 'set', undefined],
        ['error', 'set', 'ERR_INVALID_DATA'],
        ['asyncEnd', 'set', seen[4]?.[2]],
      ]);
    } finally {
      channel.unsubscribe(handlers);
      await w.done();
    }
  });

  it('nobody listening: a call takes the plain path (no tracing context, no metrics)', async () => {
    const w = await world();
    try {
      const channel = tracingChannel(CALL_CHANNEL_NAME);
      assert.equal(channel.hasSubscribers, false);
      // the plain path is the one whose stack has no `observed` frame
      let stack = '';
      const original = (w.table as unknown as { execute: (...a: unknown[]) => Promise<unknown> }).execute;
      (w.table as unknown as { execute: unknown }).execute = function (this: unknown, ...a: unknown[]) {
        stack = new Error().stack ?? '';
        return original.apply(this, a);
      };
      await w.table.get('h', 's').catch(() => {});
      assert.ok(stack.length > 0 && !stack.includes('observed'), stack);
    } finally {
      await w.done();
    }
  });
});
