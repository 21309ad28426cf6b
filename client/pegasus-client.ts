// The entry point: a client for one Pegasus cluster. Connections are opened lazily, when a table
// is opened or a call needs a server; a client with nothing pending does not keep Node running.
import { tableBackups } from './backup-requests.ts';
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

/**
 * A client for one Pegasus cluster. Create it with {@link PegasusClient.connect}, open tables with
 * {@link PegasusClient.openTable}, and {@link PegasusClient.close} it when done. Connections are
 * opened lazily; a client with nothing pending does not keep Node running.
 */
export class PegasusClient {
  private readonly driver: NodeDriver;
  private readonly events = new ClientEvents();
  private readonly openTimeoutMs: number;

  /**
   * Validates the options; throws {@link PegasusArgumentError} for a bad or unknown one. Nothing
   * is contacted yet.
   */
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

  /**
   * Creates a client. Resolves at once: servers are contacted when a table is opened. Rejects with
   * {@link PegasusArgumentError} for a bad or unknown option.
   */
  static async connect(options: PegasusClientOptions): Promise<PegasusClient> {
    return new PegasusClient(options);
  }

  /**
   * Resolves once the table's routing is known. Rejects with {@link PegasusTableNotFoundError} if
   * it does not exist, {@link PegasusTimeoutError} past `timeoutMs`, {@link PegasusAbortError} when
   * `signal` aborts, {@link PegasusClientClosedError} if the client is closed meanwhile.
   * @param name - the table's name
   */
  async openTable(name: string, opts?: OpenTableOptions): Promise<Table> {
    const table = checkName('table name', name);
    const o = checkOptions<OpenTableOptions>('options', opts, OPEN_TABLE_OPTION_KEYS);
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? this.openTimeoutMs;
    const signal = checkSignal(o.signal);
    const backups = tableBackups(o, this.driver.core.options.headerVersion);
    if (signal?.aborted) {
      throw new PegasusAbortError('ERR_ABORTED', `opening table "${table}" aborted before it started`, {
        cause: signal.reason,
        op: 'openTable',
        table,
      });
    }
    const s = await this.driver.openTable(table, timeoutMs, signal);
    if (!s.ok) throw openFailureToError(s.failure, table, signal?.reason);
    return new Table(this.driver, table, s.appId, s.partitionCount, backups);
  }

  /**
   * Settles every pending call and open with {@link PegasusClientClosedError} and releases every
   * socket and timer; resolves once the sockets are closed. Calling it again is harmless.
   */
  close(): Promise<void> {
    return this.driver.close();
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
