// A onebox over real TCP on 127.0.0.1, with the HTTP control endpoint.

import { Cluster } from './cluster/cluster.ts';
import type { FaultRequest, FaultResult } from './cluster/faults.ts';
import type { ClusterTuning } from './cluster/options.ts';
import type { ClusterState } from './cluster/state.ts';
import type { SplitRequest, TableRequest, TopologyResult } from './cluster/topology-requests.ts';
import { startControlServer } from './control/http.ts';
import { type OneboxLayout, resolveLayout, type TableDirectory } from './layout.ts';
import { RealClock } from './net/real-clock.ts';
import { TcpNetwork } from './net/tcp-network.ts';

export interface TcpOneboxOptions extends OneboxLayout, ClusterTuning {
  /** First meta port; the others follow (P, P+1, P+2). 0 (default) picks free ports. */
  metaPort?: number;
  /** First replica port; default metaPort + 200 (34601 -> 34801, as on a real cluster), or free ports. */
  replicaPort?: number;
  /** Control endpoint port; 0 (default) picks a free one. */
  controlPort?: number;
  /** Server log lines (a connection closed for a bad or oversized frame); default: dropped. */
  log?: (line: string) => void;
}

export interface Onebox {
  readonly metas: readonly string[];
  readonly replicas: readonly string[];
  readonly tables: TableDirectory;
  /** 'host:port' of the HTTP control endpoint. */
  readonly control: string;
  readonly cluster: Cluster;
  fault(request: FaultRequest): FaultResult;
  /** Start or cancel a partition split: { table, cancel? }. */
  split(request: SplitRequest): TopologyResult;
  /** Create or drop a table: { name, action: 'create' | 'drop', partitions?, replicas? }. */
  table(request: TableRequest): TopologyResult;
  state(): ClusterState;
  /** Stops every server, socket and timer. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function checkPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`${name} must be 0..65535, got ${port}`);
  return port;
}

export async function startTcpOnebox(options: TcpOneboxOptions = {}): Promise<Onebox> {
  const layout = resolveLayout(options);
  const metaPort = checkPort('metaPort', options.metaPort ?? 0);
  const replicaPort = checkPort('replicaPort', options.replicaPort ?? (metaPort === 0 ? 0 : metaPort + 200));
  const controlPort = checkPort('controlPort', options.controlPort ?? 0);
  const network = new TcpNetwork();
  const clock = new RealClock();
  let cluster: Cluster | undefined;
  try {
    const metas: string[] = [];
    for (let i = 0; i < layout.metas; i++)
      metas.push(await network.bind(HOST, metaPort === 0 ? 0 : metaPort + i));
    const replicas: string[] = [];
    for (let i = 0; i < layout.replicas; i++) {
      replicas.push(await network.bind(HOST, replicaPort === 0 ? 0 : replicaPort + i));
    }
    const c = new Cluster(network, clock, {
      ...options,
      metaAddresses: metas,
      replicaAddresses: replicas,
      tables: layout.tables,
    });
    cluster = c;
    c.start();
    const control = await startControlServer(c, HOST, controlPort);
    const tables: TableDirectory = {};
    for (const t of c.model.liveTables())
      tables[t.name] = { appId: t.appId, partitionCount: t.partitionCount };
    let closing: Promise<void> | undefined;
    return {
      metas,
      replicas,
      tables,
      control: control.address,
      cluster: c,
      fault: (r) => c.fault(r),
      split: (r) => c.split(r),
      table: (r) => c.table(r),
      state: () => c.state(),
      close: () => {
        closing ??= (async () => {
          c.stop();
          clock.dispose();
          await control.close();
          await network.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    cluster?.stop();
    clock.dispose();
    await network.close();
    throw error;
  }
}
