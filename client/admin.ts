// The admin API (`client.admin`): tables and nodes over the meta RPCs, as the Go and Java admin
// clients offer them. Every call runs on the request machine with the meta failover rules of the
// core (core/client/meta-calls.ts): leader forwarding, rotation, a back-off on a meta not ready.
import { ADMIN_TABLE } from '../core/client/meta-calls.ts';
import {
  type AppInfo,
  AppStatus,
  type CreateAppResponse,
  type ListAppsResponse,
  type ListNodesResponse,
  NodeStatus,
  type QueryCfgResponse,
  type RpcArgs,
  type RpcName,
} from '../core/wire/types.ts';
import {
  PegasusAbortError,
  type PegasusError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
} from './errors.ts';
import { failureToError } from './failure-to-error.ts';
import type { NodeDriver } from './node-driver.ts';
import { DEFAULT_OPEN_TIMEOUT_MS, keyList } from './options.ts';
import { checkBoolean, checkName, checkOptions, checkSignal, checkTimeoutMs, fail } from './validate.ts';

/** Options of every admin call. */
export interface AdminCallOptions {
  /** the whole call, meta failover included; default 5000 ms */
  timeoutMs?: number;
  /** aborts the call: it rejects with PegasusAbortError */
  signal?: AbortSignal;
}

export interface CreateTableOptions extends AdminCallOptions {
  /** number of partitions, a power of two (splits double it); default 8 */
  partitions?: number;
  /** replicas per partition; default 3 */
  replicas?: number;
}

export interface ListTablesOptions extends AdminCallOptions {
  /** also tables being created or dropped, and dropped ones still kept; default false */
  all?: boolean;
}

/** One table as meta lists it. */
export interface TableInfo {
  /** the table's name */
  name: string;
  /** its id on the cluster (a table created again gets a new one) */
  appId: number;
  /** its number of partitions */
  partitionCount: number;
  /** replicas per partition it was created with */
  replicaCount: number;
  /** 'available', 'creating', 'createFailed', 'dropping', 'dropFailed', 'dropped', 'recalling' or 'invalid' */
  status: string;
}

/** One replica server as meta's failure detector sees it. */
export interface NodeInfo {
  /** 'host:port' */
  address: string;
  /** alive in the meta's failure detector */
  alive: boolean;
}

const CALL_KEYS = keyList<AdminCallOptions>({ timeoutMs: true, signal: true });
const CREATE_KEYS = keyList<CreateTableOptions>({
  timeoutMs: true,
  signal: true,
  partitions: true,
  replicas: true,
});
const LIST_KEYS = keyList<ListTablesOptions>({ timeoutMs: true, signal: true, all: true });

const STATUS_NAMES: Record<number, string> = {
  [AppStatus.AS_INVALID]: 'invalid',
  [AppStatus.AS_AVAILABLE]: 'available',
  [AppStatus.AS_CREATING]: 'creating',
  [AppStatus.AS_CREATE_FAILED]: 'createFailed',
  [AppStatus.AS_DROPPING]: 'dropping',
  [AppStatus.AS_DROP_FAILED]: 'dropFailed',
  [AppStatus.AS_DROPPED]: 'dropped',
  [AppStatus.AS_RECALLING]: 'recalling',
};

/** how often waitTableHealthy asks meta */
const HEALTH_POLL_MS = 100;

/** a power of two from 1 to 2^16 (Pegasus validates split hashes with a mask) */
function checkPartitions(v: unknown): number {
  if (v === undefined) return 8;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65536 || (v & (v - 1)) !== 0)
    fail(`partitions must be a power of two from 1 to 65536, got ${String(v)}`);
  return v;
}

function checkReplicas(v: unknown): number {
  if (v === undefined) return 3;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 16)
    fail(`replicas must be an integer from 1 to 16, got ${String(v)}`);
  return v;
}

/**
 * Tables and nodes of the cluster (`client.admin`). Every method checks its arguments first (a bad
 * one rejects with {@link PegasusArgumentError}), then settles by its `timeoutMs`.
 */
export class PegasusAdmin {
  private readonly sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; wake: () => void }>();

  /** @internal built by PegasusClient */
  constructor(private readonly driver: NodeDriver) {}

  /**
   * Creates a table; resolves with its app id. Rejects with a {@link PegasusError} of code
   * ERR_APP_EXIST when a table of that name exists. The table may serve only after
   * {@link PegasusAdmin.waitTableHealthy}.
   */
  async createTable(
    name: string,
    opts?: CreateTableOptions,
  ): Promise<{
    /** the new table's id on the cluster */
    appId: number;
  }> {
    const table = checkName('table name', name);
    const o = checkOptions<CreateTableOptions>('options', opts, CREATE_KEYS);
    const partitions = checkPartitions(o.partitions);
    const replicas = checkReplicas(o.replicas);
    const r = await this.run('createTable', table, 'RPC_CM_CREATE_APP', false, o, {
      app_name: table,
      options: {
        partition_count: partitions,
        replica_count: replicas,
        success_if_exist: false,
        app_type: 'pegasus',
        is_stateful: true,
        envs: new Map(),
      },
    });
    return { appId: (r as CreateAppResponse).appid };
  }

  /** Drops a table. Rejects with {@link PegasusTableNotFoundError} when there is none of that name. */
  async dropTable(name: string, opts?: AdminCallOptions): Promise<void> {
    const table = checkName('table name', name);
    const o = checkOptions<AdminCallOptions>('options', opts, CALL_KEYS);
    await this.run('dropTable', table, 'RPC_CM_DROP_APP', false, o, {
      app_name: table,
      options: { success_if_not_exist: false },
    });
  }

  /** The tables meta knows: available ones, or every one with `all`. */
  async listTables(opts?: ListTablesOptions): Promise<TableInfo[]> {
    const o = checkOptions<ListTablesOptions>('options', opts, LIST_KEYS);
    const all = checkBoolean('all', o.all, false);
    const r = (await this.run('listTables', ADMIN_TABLE, 'RPC_CM_LIST_APPS', true, o, {
      status: all ? AppStatus.AS_INVALID : AppStatus.AS_AVAILABLE,
    })) as ListAppsResponse;
    return r.infos.map((a: AppInfo) => ({
      name: a.app_name,
      appId: a.app_id,
      partitionCount: a.partition_count,
      replicaCount: a.max_replica_count,
      status: STATUS_NAMES[a.status] ?? 'invalid',
    }));
  }

  /** The replica servers meta knows, alive or not. */
  async listNodes(opts?: AdminCallOptions): Promise<NodeInfo[]> {
    const o = checkOptions<AdminCallOptions>('options', opts, CALL_KEYS);
    const r = (await this.run('listNodes', ADMIN_TABLE, 'RPC_CM_LIST_NODES', true, o, {
      status: NodeStatus.NS_INVALID,
    })) as ListNodesResponse;
    return r.infos.map((n) => ({
      address: n.node !== '' || n.hp_node === undefined ? n.node : `${n.hp_node.host}:${n.hp_node.port}`,
      alive: n.status === NodeStatus.NS_ALIVE,
    }));
  }

  /**
   * Resolves once every partition of the table has a primary and its full number of replicas, asking
   * meta every 100 ms. Rejects with {@link PegasusTimeoutError} past `timeoutMs` and with
   * {@link PegasusTableNotFoundError} when the table does not exist.
   */
  async waitTableHealthy(name: string, opts?: AdminCallOptions): Promise<void> {
    const table = checkName('table name', name);
    const o = checkOptions<AdminCallOptions>('options', opts, CALL_KEYS);
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? DEFAULT_OPEN_TIMEOUT_MS;
    const signal = checkSignal(o.signal);
    const deadline = performance.now() + timeoutMs;
    let last = 'meta was not asked yet';
    for (;;) {
      const leftMs = deadline - performance.now();
      if (leftMs <= 0) break;
      let r: QueryCfgResponse;
      try {
        r = (await this.run(
          'waitTableHealthy',
          table,
          'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX',
          true,
          {
            timeoutMs: leftMs,
            ...(signal === undefined ? {} : { signal }),
          },
          { app_name: table, partition_indices: [] },
        )) as QueryCfgResponse;
      } catch (e) {
        // a table being created is not an error yet; the deadline decides
        if ((e as PegasusError).code !== 'ERR_BUSY_CREATING') throw e;
        last = 'the table is being created';
        await this.sleep(Math.min(HEALTH_POLL_MS, deadline - performance.now()));
        continue;
      }
      const sick = r.partitions.filter(
        (p) => p.primary === '' || p.secondaries.length + 1 < p.max_replica_count,
      );
      if (r.partition_count > 0 && r.partitions.length === r.partition_count && sick.length === 0) return;
      last = `${sick.length} of ${r.partition_count} partitions lack a primary or replicas`;
      if (this.driver.isClosed) break;
      await this.sleep(Math.min(HEALTH_POLL_MS, deadline - performance.now()));
      if (signal?.aborted) {
        throw new PegasusAbortError('ERR_ABORTED', `waitTableHealthy on table "${table}" aborted`, {
          cause: signal.reason,
          op: 'waitTableHealthy',
          table,
        });
      }
    }
    throw new PegasusTimeoutError('ERR_TIMEOUT', `waitTableHealthy on table "${table}" timed out: ${last}`, {
      op: 'waitTableHealthy',
      table,
    });
  }

  /** @internal wakes every pending sleep at once (the client is closing) */
  dispose(): void {
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.wake();
    }
    this.sleeps.clear();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.driver.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private async run<N extends RpcName>(
    op: string,
    table: string,
    rpc: N,
    idempotent: boolean,
    o: AdminCallOptions,
    args: RpcArgs<N>,
  ): Promise<unknown> {
    const timeoutMs = checkTimeoutMs('timeoutMs', o.timeoutMs) ?? DEFAULT_OPEN_TIMEOUT_MS;
    const signal = checkSignal(o.signal);
    if (signal?.aborted) {
      throw new PegasusAbortError('ERR_ABORTED', `${op} aborted before it was sent`, {
        cause: signal.reason,
        op,
        table,
      });
    }
    const s = await this.driver.call(
      {
        type: 'call',
        callId: 0,
        table: ADMIN_TABLE,
        rpc,
        args,
        partitionHash: 0n,
        idempotent,
        timeoutMs,
      },
      signal,
    );
    if (s.ok) return s.result;
    const f = s.failure;
    const where = table === ADMIN_TABLE ? op : `${op} on table "${table}"`;
    if (f.code === 'ERR_OBJECT_NOT_FOUND' || f.code === 'ERR_APP_NOT_EXIST') {
      throw new PegasusTableNotFoundError(f.code, `${where}: the table does not exist`, {
        attempts: f.attempts,
        outcomeUnknown: f.outcomeUnknown,
        op,
        table,
      });
    }
    const ctx = { op, table: table === ADMIN_TABLE ? '(admin)' : table, idempotent };
    throw failureToError(f, signal?.aborted ? { ...ctx, abortReason: signal.reason } : ctx);
  }
}
