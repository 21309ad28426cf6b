// The entry point: a client for one Pegasus cluster. Connections are opened lazily, when a table
// is opened or a call needs a server; a client with nothing pending does not keep Node running.
import { PegasusAdmin } from './admin.ts';
import { ClientEvents, type Listener, type PegasusClientEventName } from './client-events.ts';
import { PegasusAbortError, PegasusArgumentError } from './errors.ts';
import { openFailureToError } from './failure-to-error.ts';
import { ClientMetrics, meterProviderOf } from './metrics.ts';
import { NodeDriver } from './node-driver.ts';
import {
  CLIENT_OPTION_KEYS,
  coreOptionsOf,
  DEFAULT_MAX_WRITE_BYTES,
  DEFAULT_OPEN_TIMEOUT_MS,
  OPEN_TABLE_OPTION_KEYS,
  type OpenTableOptions,
  type PegasusClientOptions,
} from './options.ts';
import { Table } from './table.ts';
import type { TraceHook } from './trace.ts';
import { checkByteCount, checkName, checkOptions, checkSignal, checkTimeoutMs, fail } from './validate.ts';

/** the table connect's probe asks meta about: an empty name, which no table can have */
const PROBE_TABLE = '';

/**
 * A client for one Pegasus cluster. Create it with {@link PegasusClient.connect}, open tables with
 * {@link PegasusClient.openTable}, and {@link PegasusClient.close} it when done. Connections are
 * opened lazily; a client with nothing pending does not keep Node running.
 */
export class PegasusClient {
  private readonly driver: NodeDriver;
  private readonly events = new ClientEvents();
  private readonly openTimeoutMs: number;
  private readonly maxWriteBytes: number;
  private readonly metrics: ClientMetrics | null;
  /** Tables and nodes of the cluster: create, drop, list, wait until healthy (meta RPCs). */
  readonly admin: PegasusAdmin;

  /**
   * Validates the options; throws {@link PegasusArgumentError} for a bad or unknown one. Nothing
   * is contacted yet.
   */
  constructor(options: PegasusClientOptions) {
    if (options === undefined) fail('options must be an object with metaServers');
    const { trace, openTimeoutMs, maxWriteBytes, meterProvider, ...core } =
      checkOptions<PegasusClientOptions>('options', options, CLIENT_OPTION_KEYS);
    if (trace !== undefined && typeof trace !== 'function') fail('trace must be a function');
    this.openTimeoutMs = checkTimeoutMs('openTimeoutMs', openTimeoutMs) ?? DEFAULT_OPEN_TIMEOUT_MS;
    this.maxWriteBytes = checkByteCount('maxWriteBytes', maxWriteBytes) ?? DEFAULT_MAX_WRITE_BYTES;
    checkTimeoutMs('timeoutMs', core.timeoutMs);
    const provider = meterProviderOf(meterProvider);
    this.metrics = provider === null ? null : new ClientMetrics(provider);
    const metrics = this.metrics;
    const hooks: { observe: (e: Parameters<ClientEvents['emit']>[0]) => void; trace?: TraceHook } = {
      observe:
        metrics === null
          ? (e) => this.events.emit(e)
          : (e) => {
              metrics.observe(e);
              this.events.emit(e);
            },
    };
    if (trace !== undefined) hooks.trace = trace;
    try {
      this.driver = new NodeDriver(coreOptionsOf(core as PegasusClientOptions), hooks);
    } catch (e) {
      if (e instanceof TypeError) throw new PegasusArgumentError(e.message, { cause: e });
      throw e;
    }
    this.admin = new PegasusAdmin(this.driver);
  }

  /**
   * Creates a client and checks that a meta server answers (it asks meta about a table no one can
   * name, which any live meta answers). Rejects with {@link PegasusArgumentError} for a bad or
   * unknown option, {@link PegasusMetaUnreachableError} once every meta address was tried and none
   * answered (its `cause` says what each did), {@link PegasusTimeoutError} past `openTimeoutMs`; the
   * client is closed when it rejects. `new PegasusClient(options)` skips the check.
   */
  static async connect(options: PegasusClientOptions): Promise<PegasusClient> {
    const client = new PegasusClient(options);
    const s = await client.driver.openTable(PROBE_TABLE, client.openTimeoutMs);
    // meta answering "no such table" is the answer the probe expects
    if (s.ok || s.failure.code === 'ERR_APP_NOT_EXIST') return client;
    await client.close();
    throw openFailureToError(s.failure, PROBE_TABLE, undefined, 'connect');
  }

  /**
   * Resolves once the table's routing is known. Rejects with {@link PegasusTableNotFoundError} if
   * it does not exist, {@link PegasusMetaUnreachableError} once every meta server was tried and
   * none answered, {@link PegasusTimeoutError} past `timeoutMs`, {@link PegasusAbortError} when
   * `signal` aborts, {@link PegasusClientClosedError} if the client is closed meanwhile.
   * @param name - the table's name
   */
  async openTable(name: string, opts?: OpenTableOptions): Promise<Table> {
    const table = checkName('table name', name);
    const o = checkOptions<OpenTableOptions>('options', opts, OPEN_TABLE_OPTION_KEYS);
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? this.openTimeoutMs;
    const maxWriteBytes = checkByteCount('maxWriteBytes', o.maxWriteBytes) ?? this.maxWriteBytes;
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
    return new Table(this.driver, table, s.appId, s.partitionCount, maxWriteBytes, this.metrics);
  }

  /**
   * Settles every pending call and open with {@link PegasusClientClosedError} and releases every
   * socket and timer; resolves once the sockets are closed. Calling it again is harmless.
   */
  close(): Promise<void> {
    const closing = this.driver.close();
    this.admin.dispose();
    return closing;
  }

  /** true once {@link PegasusClient.close} was called */
  get closed(): boolean {
    return this.driver.isClosed;
  }

  /**
   * Subscribes to an event (see {@link PegasusClientEvents}); returns the unsubscribe function.
   * Listeners run after the client's current step, so a call started in one is queued behind it.
   */
  on<K extends PegasusClientEventName>(name: K, listener: Listener<K>): () => void {
    return this.events.on(name, listener);
  }

  /** Unsubscribes a listener added with {@link PegasusClient.on}. */
  off<K extends PegasusClientEventName>(name: K, listener: Listener<K>): void {
    this.events.off(name, listener);
  }
}
