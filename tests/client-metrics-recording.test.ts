// client/metrics.ts without a network: what ClientMetrics asks of a MeterProvider (the meter's name
// and version, each instrument's kind, unit and description) and what it records for settled
// operations and observed events, through a provider that writes every call down.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { PegasusArgumentError } from '../client/errors.ts';
import {
  ClientMetrics,
  type InstrumentOptions,
  METRIC_NAMES,
  type MeterProviderLike,
  type MetricAttributes,
  meterProviderOf,
} from '../client/metrics.ts';

interface Instrument {
  kind: 'histogram' | 'counter' | 'upDown';
  options: InstrumentOptions | undefined;
  calls: Array<[number, MetricAttributes | undefined]>;
}

function recordingProvider() {
  const meters: Array<[string, string | undefined]> = [];
  const instruments = new Map<string, Instrument>();
  const make = (kind: Instrument['kind']) => (name: string, options?: InstrumentOptions) => {
    const inst: Instrument = { kind, options, calls: [] };
    instruments.set(name, inst);
    const write = (v: number, a?: MetricAttributes) => inst.calls.push([v, a]);
    return { record: write, add: write };
  };
  const provider: MeterProviderLike = {
    getMeter(name, version) {
      meters.push([name, version]);
      return {
        createHistogram: make('histogram'),
        createCounter: make('counter'),
        createUpDownCounter: make('upDown'),
      };
    },
  };
  const calls = (key: keyof typeof METRIC_NAMES) => instruments.get(METRIC_NAMES[key])!.calls;
  return { provider, meters, instruments, calls };
}

const attempt = (outcome: string | null) => ({ node: 'n:1', sentAtMs: 0, outcome, endedAtMs: null });

describe('client metrics', () => {
  it('one meter named pegasus-ts at the package version; each instrument of its kind, described', () => {
    const r = recordingProvider();
    new ClientMetrics(r.provider);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.deepEqual(r.meters, [['pegasus-ts', pkg.version]]);
    const kinds = Object.fromEntries([...r.instruments].map(([n, i]) => [n, i.kind]));
    assert.deepEqual(kinds, {
      [METRIC_NAMES.duration]: 'histogram',
      [METRIC_NAMES.errors]: 'counter',
      [METRIC_NAMES.retries]: 'counter',
      [METRIC_NAMES.nodes]: 'upDown',
      [METRIC_NAMES.metaQueries]: 'counter',
      [METRIC_NAMES.routingChanges]: 'counter',
    });
    for (const [name, i] of r.instruments)
      assert.ok((i.options?.description ?? '').length > 0, `${name} has a description`);
    // durations are in seconds, with buckets from sub-millisecond to seconds
    const duration = r.instruments.get(METRIC_NAMES.duration)!.options!;
    assert.equal(duration.unit, 's');
    const bounds = duration.advice?.explicitBucketBoundaries ?? [];
    assert.ok(bounds.length > 5);
    assert.ok(bounds[0]! < 0.001 && bounds.at(-1)! >= 1, String(bounds));
    assert.ok(
      bounds.every((b, i) => i === 0 || b > bounds[i - 1]!),
      'ascending',
    );
  });

  it('a success records its duration under op and table only, with one frozen attribute set per pair', () => {
    const r = recordingProvider();
    const m = new ClientMetrics(r.provider);
    m.settled('get', 't', 0.5, null, [attempt('ERR_OK')]);
    m.settled('get', 't', 0.25, null, []);
    m.settled('get', 'u', 0.1, null, []);
    m.settled('set', 't', 0.1, null, []);
    const d = r.calls('duration');
    assert.deepEqual(
      d.map(([v, a]) => [v, a]),
      [
        [0.5, { 'pegasus.operation': 'get', 'pegasus.table': 't' }],
        [0.25, { 'pegasus.operation': 'get', 'pegasus.table': 't' }],
        [0.1, { 'pegasus.operation': 'get', 'pegasus.table': 'u' }],
        [0.1, { 'pegasus.operation': 'set', 'pegasus.table': 't' }],
      ],
    );
    assert.equal(d[0]![1], d[1]![1], 'the same object for the same op and table');
    assert.ok(Object.isFrozen(d[0]![1]));
    assert.deepEqual(r.calls('errors'), []);
    assert.deepEqual(r.calls('retries'), []);
  });

  it('a failure counts one error by code; each attempt after the first is a retry named by the one before', () => {
    const r = recordingProvider();
    const m = new ClientMetrics(r.provider);
    m.settled('incr', 't', 2, 'ERR_TIMEOUT', [attempt('ERR_BUSY'), attempt(null), attempt(null)]);
    const attrs = { 'pegasus.operation': 'incr', 'pegasus.table': 't', 'error.type': 'ERR_TIMEOUT' };
    assert.deepEqual(r.calls('errors'), [[1, attrs]]);
    assert.deepEqual(r.calls('duration'), [[2, attrs]]);
    assert.deepEqual(r.calls('retries'), [
      [1, { 'pegasus.operation': 'incr', 'pegasus.retry.reason': 'ERR_BUSY' }],
      [1, { 'pegasus.operation': 'incr', 'pegasus.retry.reason': 'unanswered' }],
    ]);
  });

  it('health moves a server between states; only query phases count as meta queries; routing counts', () => {
    const r = recordingProvider();
    const m = new ClientMetrics(r.provider);
    m.observe({ kind: 'health', address: 'a:1', health: 'connecting' });
    m.observe({ kind: 'health', address: 'a:1', health: 'ready' });
    m.observe({ kind: 'health', address: 'b:1', health: 'connecting' });
    assert.deepEqual(r.calls('nodes'), [
      [1, { 'pegasus.node.state': 'connecting' }],
      [-1, { 'pegasus.node.state': 'connecting' }],
      [1, { 'pegasus.node.state': 'ready' }],
      [1, { 'pegasus.node.state': 'connecting' }],
    ]);
    m.observe({ kind: 'refresh', table: 't', phase: 'poll' });
    m.observe({ kind: 'refresh', table: 't', phase: 'query' });
    m.observe({ kind: 'refresh', table: 't', phase: 'backoff' });
    assert.deepEqual(r.calls('metaQueries'), [[1, { 'pegasus.table': 't' }]]);
    m.observe({ kind: 'routing', table: 't', appId: 1, partitionCount: 4, changed: [] });
    assert.deepEqual(r.calls('routingChanges'), [[1, { 'pegasus.table': 't' }]]);
    m.observe({ kind: 'leader', table: 't', address: 'm:1' });
    const all = [...r.instruments.values()].reduce((n, i) => n + i.calls.length, 0);
    assert.equal(all, 6, 'a leader event records nothing');
  });

  it('meterProviderOf: none, a provider as given, the global one, or an argument error', () => {
    assert.equal(meterProviderOf(undefined), null);
    const r = recordingProvider();
    assert.equal(meterProviderOf(r.provider), r.provider);
    assert.equal(meterProviderOf('global'), metrics.getMeterProvider());
    // a function, even one with a getMeter property, is no provider object
    const fn = Object.assign(() => r.provider, { getMeter: () => r.provider.getMeter('x') });
    for (const bad of [null, 5, 'local', {}, { getMeter: 'x' }, fn])
      assert.throws(
        () => meterProviderOf(bad),
        (e: unknown) =>
          e instanceof PegasusArgumentError &&
          e.message === "meterProvider must be an OpenTelemetry MeterProvider (with getMeter) or 'global'",
        String(bad),
      );
  });
});
