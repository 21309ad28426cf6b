// The onebox cluster of a scope, on the explorer's network, with the addresses createSimOnebox uses.
import { Cluster, REAL_META_PORT, REAL_REPLICA_PORT } from '../../onebox/index.ts';
import { TABLE } from '../scenario.ts';
import type { ExploreNetwork } from './explore-network.ts';
import type { ExploreScope } from './scope.ts';

export function createClusterForExplore(
  net: ExploreNetwork,
  scope: ExploreScope,
): { cluster: Cluster; metas: string[]; replicas: string[] } {
  const metas = Array.from({ length: scope.metas }, (_, i) => `127.0.0.1:${REAL_META_PORT + i}`);
  const replicas = Array.from({ length: scope.replicas }, (_, i) => `127.0.0.1:${REAL_REPLICA_PORT + i}`);
  const cluster = new Cluster(net, net, {
    metaAddresses: metas,
    replicaAddresses: replicas,
    tables: [{ name: TABLE, partitionCount: scope.partitions }],
    detectMs: scope.detectMs,
    beaconMs: scope.beaconMs,
    promoteDelayMs: scope.promoteDelayMs,
    learnMs: scope.learnMs,
    prepareTimeoutMs: scope.prepareTimeoutMs,
    ...(scope.splitMs === undefined ? {} : { splitMs: scope.splitMs }),
  });
  cluster.start();
  return { cluster, metas, replicas };
}
