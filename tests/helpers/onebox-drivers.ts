// One async interface over both onebox variants, so the same fault scenarios run on the simulated
// network (virtual time, driven synchronously) and on real TCP (wall time).

import net from 'node:net';
import type { QueryCfgResponse, RpcArgs, RpcName } from '../../core/wire/types.ts';
import {
  type ClusterState,
  type ClusterTuning,
  createSimOnebox,
  type FaultRequest,
  type FaultResult,
  type OneboxLayout,
  type SplitRequest,
  startTcpOnebox,
  type TableRequest,
  type TopologyResult,
} from '../../onebox/index.ts';
import { type CallOptions, type CallOutcome, SimRawClient, TcpRawClient } from './onebox-raw-client.ts';

export interface DriverConnection {
  call<N extends RpcName>(name: N, args: RpcArgs<N>, options?: CallOptions): Promise<CallOutcome<N>>;
  /** How the connection ended so far, if it did. */
  closedHow(): string | undefined;
  close(): void;
}

export interface Driver {
  readonly kind: 'sim' | 'tcp';
  readonly metas: readonly string[];
  readonly replicas: readonly string[];
  connect(address: string): Promise<DriverConnection>;
  /** What a fresh connection attempt sees within timeoutMs. */
  connectOutcome(address: string, timeoutMs: number): Promise<'open' | 'refused' | 'reset' | 'timeout'>;
  wait(ms: number): Promise<void>;
  /** Run `fn` ms from now on the driver's clock (also while a call is waiting for its reply). */
  later(ms: number, fn: () => void): void;
  /** Waits (bounded) until `condition` holds; returns whether it did. */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean>;
  fault(request: FaultRequest): FaultResult;
  split(request: SplitRequest): TopologyResult;
  table(request: TableRequest): TopologyResult;
  state(): ClusterState;
  query(table: string): Promise<QueryCfgResponse>;
  now(): number;
  close(): Promise<void>;
}

type Options = OneboxLayout & ClusterTuning;

export function simDriver(options: Options & { seed: number }): Driver {
  const box = createSimOnebox(options);
  const sim = box.sim;
  const connect = async (address: string): Promise<DriverConnection> => {
    const c = new SimRawClient(sim, address);
    if (!c.waitOpen(1000)) throw new Error(`connect ${address}: ${c.closedHow ?? 'timeout'}`);
    return {
      call: async (name, args, opts) => c.call(name, args, opts),
      closedHow: () => c.closedHow,
      close: () => c.close(),
    };
  };
  let meta: DriverConnection | undefined;
  return {
    kind: 'sim',
    metas: box.metas,
    replicas: box.replicas,
    connect,
    connectOutcome: async (address, timeoutMs) => {
      const c = new SimRawClient(sim, address);
      sim.runUntilTrue(() => c.opened || c.closedHow !== undefined, timeoutMs);
      const outcome =
        c.closedHow === 'refused' || c.closedHow === 'reset' ? c.closedHow : c.opened ? 'open' : 'timeout';
      c.close();
      return outcome;
    },
    wait: async (ms) => sim.runFor(ms),
    later: (ms, fn) => {
      sim.setTimer(ms, fn);
    },
    waitFor: async (condition, timeoutMs) => sim.runUntilTrue(condition, timeoutMs),
    fault: (r) => box.fault(r),
    split: (r) => box.split(r),
    table: (r) => box.table(r),
    state: () => box.state(),
    query: async (table) => {
      meta ??= await connect(box.metas[0]!);
      const r = await meta.call('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
        app_name: table,
        partition_indices: [],
      });
      if (r.kind !== 'reply' || r.result === undefined) throw new Error(`query_cfg: ${r.kind}`);
      return r.result;
    },
    now: () => sim.nowMs(),
    close: async () => box.close(),
  };
}

export async function tcpDriver(options: Options): Promise<Driver> {
  const box = await startTcpOnebox(options);
  const clients = new Set<TcpRawClient>();
  const connect = async (address: string): Promise<DriverConnection> => {
    const c = await TcpRawClient.connect(address);
    clients.add(c);
    return {
      call: (name, args, opts) => c.call(name, args, opts),
      closedHow: () => c.closedHow,
      close: () => c.close(),
    };
  };
  let meta: DriverConnection | undefined;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const timers = new Set<NodeJS.Timeout>();
  return {
    kind: 'tcp',
    metas: box.metas,
    replicas: box.replicas,
    connect,
    connectOutcome: (address, timeoutMs) =>
      new Promise((resolve) => {
        const [host, port] = address.split(':');
        const socket = net.connect({ host: host!, port: Number(port) });
        const done = (outcome: 'open' | 'refused' | 'reset' | 'timeout') => {
          clearTimeout(timer);
          socket.destroy();
          resolve(outcome);
        };
        const timer = setTimeout(() => done('timeout'), timeoutMs);
        socket.once('connect', () => done('open'));
        socket.once('error', (e: NodeJS.ErrnoException) =>
          done(e.code === 'ECONNREFUSED' ? 'refused' : 'reset'),
        );
      }),
    wait: sleep,
    later: (ms, fn) => {
      const t = setTimeout(fn, ms);
      timers.add(t);
    },
    waitFor: async (condition, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) return false;
        await sleep(10);
      }
      return true;
    },
    fault: (r) => box.fault(r),
    split: (r) => box.split(r),
    table: (r) => box.table(r),
    state: () => box.state(),
    query: async (table) => {
      meta ??= await connect(box.metas[0]!);
      const r = await meta.call('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
        app_name: table,
        partition_indices: [],
      });
      if (r.kind !== 'reply' || r.result === undefined) throw new Error(`query_cfg: ${r.kind}`);
      return r.result;
    },
    now: () => performance.now(),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const c of clients) c.close();
      await box.close();
    },
  };
}
