// OpenTelemetry metrics of the client (issue 15.6). `@opentelemetry/api` is an optional peer
// dependency: this file never imports it. A MeterProvider passed in the options is used through the
// few methods below (any OpenTelemetry MeterProvider has them); `'global'` loads the API package
// lazily, only then, to get the globally registered provider. Without the option nothing is
// recorded and a call pays one null check.
import { createRequire } from 'node:module';
import type { ObservedEvent } from '../core/client/index.ts';
import type { AttemptRecord } from './errors.ts';
import { fail } from './validate.ts';

/** Attributes of a measurement (a subset of OpenTelemetry's `Attributes`). */
export type MetricAttributes = Record<string, string | number | boolean>;

/** The part of an OpenTelemetry `Histogram` the client uses. */
export interface HistogramLike {
  /** records one value */
  record(value: number, attributes?: MetricAttributes): void;
}

/** The part of an OpenTelemetry `Counter` or `UpDownCounter` the client uses. */
export interface CounterLike {
  /** adds to the count */
  add(value: number, attributes?: MetricAttributes): void;
}

/** Options of an instrument (a subset of OpenTelemetry's `MetricOptions`). */
export interface InstrumentOptions {
  /** what it measures */
  description?: string;
  /** its unit, e.g. `'s'` */
  unit?: string;
  /** hints to the SDK */
  advice?: {
    /** histogram bucket boundaries the SDK may use */
    explicitBucketBoundaries?: number[];
  };
}

/** The part of an OpenTelemetry `Meter` the client uses. */
export interface MeterLike {
  /** a histogram instrument */
  createHistogram(name: string, options?: InstrumentOptions): HistogramLike;
  /** a monotonic counter */
  createCounter(name: string, options?: InstrumentOptions): CounterLike;
  /** a counter that goes up and down */
  createUpDownCounter(name: string, options?: InstrumentOptions): CounterLike;
}

/**
 * What the `meterProvider` option takes: any OpenTelemetry `MeterProvider` (from
 * `@opentelemetry/sdk-metrics`, or `metrics.getMeterProvider()` of `@opentelemetry/api`).
 */
export interface MeterProviderLike {
  /** the meter the client's instruments are created on (named `'pegasus-ts'`) */
  getMeter(name: string, version?: string): MeterLike;
}

/** Instrument names, for dashboards and tests. */
export const METRIC_NAMES = {
  /** histogram, seconds: a table operation from its start to its settlement; by op, table, error */
  duration: 'pegasus.client.operation.duration',
  /** counter: failed operations, by op, table and error code */
  errors: 'pegasus.client.operation.errors',
  /** counter: attempts after the first, by op and retry reason (the previous attempt's outcome) */
  retries: 'pegasus.client.operation.retries',
  /** up/down counter: servers per health state (idle, connecting, ready, suspect, down, closed) */
  nodes: 'pegasus.client.nodes',
  /** counter: meta queries sent, by table */
  metaQueries: 'pegasus.client.meta.queries',
  /** counter: routing changes learned from meta, by table */
  routingChanges: 'pegasus.client.routing.changes',
} as const;

const PACKAGE_VERSION = '0.1.0';

/** Records the client's metrics on one meter. */
export class ClientMetrics {
  private readonly duration: HistogramLike;
  private readonly errors: CounterLike;
  private readonly retries: CounterLike;
  private readonly nodes: CounterLike;
  private readonly metaQueries: CounterLike;
  private readonly routingChanges: CounterLike;
  /** success attributes by op, then table */
  private readonly ok = new Map<string, Map<string, MetricAttributes>>();
  /** each server's last health, to move it between states */
  private readonly health = new Map<string, string>();

  constructor(provider: MeterProviderLike) {
    const meter = provider.getMeter('pegasus-ts', PACKAGE_VERSION);
    this.duration = meter.createHistogram(METRIC_NAMES.duration, {
      description: 'Duration of pegasus-ts table operations, retries included',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
        ],
      },
    });
    this.errors = meter.createCounter(METRIC_NAMES.errors, {
      description: 'Failed operations by error code',
    });
    this.retries = meter.createCounter(METRIC_NAMES.retries, {
      description: 'Attempts after the first, by reason',
    });
    this.nodes = meter.createUpDownCounter(METRIC_NAMES.nodes, { description: 'Servers by health state' });
    this.metaQueries = meter.createCounter(METRIC_NAMES.metaQueries, { description: 'Meta queries sent' });
    this.routingChanges = meter.createCounter(METRIC_NAMES.routingChanges, {
      description: 'Routing changes learned from meta',
    });
  }

  /** one settled table operation */
  settled(
    op: string,
    table: string,
    seconds: number,
    code: string | null,
    attempts: readonly AttemptRecord[],
  ): void {
    let attrs: MetricAttributes;
    if (code === null) attrs = this.okAttributes(op, table);
    else {
      attrs = { 'pegasus.operation': op, 'pegasus.table': table, 'error.type': code };
      this.errors.add(1, attrs);
    }
    this.duration.record(seconds, attrs);
    for (let i = 1; i < attempts.length; i++) {
      this.retries.add(1, {
        'pegasus.operation': op,
        'pegasus.retry.reason': attempts[i - 1]!.outcome ?? 'unanswered',
      });
    }
  }

  /** a success's attributes, made once per op and table (the hot path allocates none) */
  private okAttributes(op: string, table: string): MetricAttributes {
    let byTable = this.ok.get(op);
    if (byTable === undefined) {
      byTable = new Map();
      this.ok.set(op, byTable);
    }
    let attrs = byTable.get(table);
    if (attrs === undefined) {
      attrs = Object.freeze({ 'pegasus.operation': op, 'pegasus.table': table });
      byTable.set(table, attrs);
    }
    return attrs;
  }

  /** what the core observed: health changes, meta queries, routing changes */
  observe(e: ObservedEvent): void {
    switch (e.kind) {
      case 'health': {
        const previous = this.health.get(e.address);
        if (previous !== undefined) this.nodes.add(-1, { 'pegasus.node.state': previous });
        this.nodes.add(1, { 'pegasus.node.state': e.health });
        this.health.set(e.address, e.health);
        break;
      }
      case 'refresh':
        if (e.phase === 'query') this.metaQueries.add(1, { 'pegasus.table': e.table });
        break;
      case 'routing':
        this.routingChanges.add(1, { 'pegasus.table': e.table });
        break;
      case 'leader':
        break;
    }
  }
}

/** the provider the option names: its own object, or the one registered with @opentelemetry/api */
export function meterProviderOf(option: unknown): MeterProviderLike | null {
  if (option === undefined) return null;
  if (option === 'global') {
    let api: { metrics: { getMeterProvider(): MeterProviderLike } };
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api');
    } catch (e) {
      return fail(
        `meterProvider 'global' needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api): ${String(e)}`,
      );
    }
    return api.metrics.getMeterProvider();
  }
  if (
    typeof option !== 'object' ||
    option === null ||
    typeof (option as MeterProviderLike).getMeter !== 'function'
  )
    return fail("meterProvider must be an OpenTelemetry MeterProvider (with getMeter) or 'global'");
  return option as MeterProviderLike;
}
