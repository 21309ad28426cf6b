// The entry point: a client for one Pegasus cluster. Connections are opened lazily, when a table
// is opened or a call needs a server; a client with nothing pending does not keep Node running.
import { ClientEvents, type Listener, type PegasusClientEventName } from './client-events.ts';
import { PegasusAbortError, PegasusArgumentError } from './errors.ts';
import { openFailureToError } from './failure-to-error.ts';
import { NodeDriver } from './node-driver.ts';
import {
  CLIENT_OPTION_KEYS,
  coreOptionsOf,
  DEFAULT_OPEN_TIMEOUT_MS,
  OPEN_TABLE_OPTION_KEYS,
  type OpenTableOptions,
  type PegasusClientOptions,
} from './options.ts';
import { Table } from './table.ts';
import type { TraceHook } from './trace.ts';
import { checkName, checkOptions, checkSignal, checkTimeoutMs, fail } from './validate.ts';

export class PegasusClient {
  private readonly driver: NodeDriver;
  private readonly events = new ClientEvents();
  private readonly openTimeoutMs: number;

  /** Validates the options; throws PegasusArgumentError. Nothing is contacted yet. */
  constructor(options: PegasusClientOptions) {
    if (options === undefined) fail('options must be an object with metaServers');
    const { trace, openTimeoutMs, ...core } = checkOptions<PegasusClientOptions>(
      'options',
      options,
      CLIENT_OPTION_KEYS,
    );
    if (trace !== undefined && typeof trace !== 'function') fail('trace must be a function');
    this.openTimeoutMs = checkTimeoutMs('openTimeoutMs', openTimeoutMs) ?? DEFAULT_OPEN_TIMEOUT_MS;
    checkTimeoutMs('timeoutMs', core.timeoutMs);
    const hooks: { observe: (e: Parameters<ClientEvents['emit']>[0]) => void; trace?: TraceHook } = {
      observe: (e) => this.events.emit(e),
    };
    if (trace !== undefined) hooks.trace = trace;
    try {
      this.driver = new NodeDriver(coreOptionsOf(core as PegasusClientOptions), hooks);
    } catch (e) {
      if (e instanceof TypeError) throw new PegasusArgumentError(e.message, { cause: e });
      throw e;
    }
  }

  /** Creates a client. Resolves at once: servers are contacted when a table is opened. */
  static async connect(options: PegasusClientOptions): Promise<PegasusClient> {
    return new PegasusClient(options);
  }

  /** Resolves once the table's routing is known; PegasusTableNotFoundError if it does not exist. */
  async openTable(name: string, opts?: OpenTableOptions): Promise<Table> {
    const table = checkName('table name', name);
    const o = checkOptions<OpenTableOptions>('options', opts, OPEN_TABLE_OPTION_KEYS);
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? this.openTimeoutMs;
    const signal = checkSignal(o.signal);
    if (signal?.aborted) {
      throw new PegasusAbortError('ERR_ABORTED', `opening table "${table}" aborted before it started`, {
        cause: signal.reason,
        op: 'openTable',
        table,
      });
    }
    const s = await this.driver.openTable(table, timeoutMs, signal);
    if (!s.ok) throw openFailureToError(s.failure, table, signal?.reason);
    return new Table(this.driver, table, s.appId, s.partitionCount);
  }

  /** Settles every pending call with PegasusClientClosedError and releases every socket and timer. */
  close(): Promise<void> {
    return this.driver.close();
  }

  get closed(): boolean {
    return this.driver.isClosed;
  }

  /** Subscribes to health, routing or refresh events; returns the unsubscribe function. */
  on<K extends PegasusClientEventName>(name: K, listener: Listener<K>): () => void {
    return this.events.on(name, listener);
  }

  off<K extends PegasusClientEventName>(name: K, listener: Listener<K>): void {
    this.events.off(name, listener);
  }
}
