// biome-ignore-all lint/complexity/useLiteralKeys: element access is how TypeScript lets this read private fields
// Canonical description of an onebox Cluster for state hashing: leadership, every process (state,
// incarnation, queued work while hung), partition configurations, failure-detector leases,
// pending promotions / learners / replicated writes, and every replica's store contents.
// Read-only; private fields are reached by element access (the cluster has no snapshot API that
// covers leases and queued work, and onebox/ is not changed for the explorer).
//
// Abstraction: work queued in a hung process and the callbacks of pending writes are closures; they
// are described by count and by the state they act on, not by their captured values.

import type { Cluster } from '../../onebox/index.ts';

export function describeCluster(cluster: Cluster, nowMs: number, wallSeconds: number, out: string[]): void {
  const g = cluster.metaGroup;
  out.push(`meta leader=${g.leader} gen=${g['leaderGeneration']} notReadyUntil=${g['notReadyUntilMs']}`);
  for (const address of [...cluster.metaAddresses, ...cluster.replicaAddresses]) {
    const p = cluster.process(address);
    if (p === undefined) continue;
    out.push(
      `proc ${address} ${p.state} g${p.generation} lat${p.latencyMs} conns${p.connectionCount} paused${p['pausedWork'].length} lw${p['lastWorkAtMs']}`,
    );
  }
  const nowSec = Math.floor(wallSeconds);
  for (const address of cluster.replicaAddresses) {
    const r = cluster.replica(address);
    if (r === undefined) continue;
    const stores: string[] = [];
    for (const [key, store] of r['stores']) {
      const records = store.dump(nowSec).map((x) => `${x.key.toString('hex')}=${x.value.toString('hex')}`);
      stores.push(`${key}@${store.lastDecree}[${records.join(',')}]`);
    }
    out.push(
      `replica ${address} busy=${r['busyUntilMs']} beacon=${r['beaconTimer'] !== undefined} ${stores.join(' ')}`,
    );
  }
  for (const t of cluster.model.liveTables()) {
    const parts = t.partitions.map(
      (c) => `${c.ballot}/${c.primary}/${c.secondaries.join('+')}/${c.lastDrops.join('+')}`,
    );
    const split = t.split === undefined ? '' : ` split=${t.split.fromCount}:${t.split.phases.join('+')}`;
    out.push(`table ${t.appId} ${t.name} n=${t.partitionCount}${split} ${parts.join(' ')}`);
  }
  const d = cluster.detector;
  const leases = [...d['lastBeaconMs']].map(([a, at]) => `${a}:${d.isAlive(a) ? '+' : '-'}${nowMs - at}`);
  out.push(`detector ${leases.join(',')}`);
  const gd = cluster.guardian;
  const downgraded = [...gd['downgradedAtMs']].map(([k, at]) => `${k}:${nowMs - at}`);
  const learning = [...gd['learning']].map(([k, a]) => `${k}:${a}`);
  out.push(`guardian down=${downgraded.join(',')} learning=${learning.join(',')}`);
  const writes: string[] = [];
  for (const [k, ops] of cluster.replication['pending']) {
    for (const op of ops) writes.push(`${k}:${op.primary}:${[...op.waiting].join('+')}:${+op.finished}`);
  }
  out.push(`writes ${writes.join(' ')}`);
  const f = cluster.faults;
  out.push(
    `faults p=${[...f['processTimers'].keys()].join(',')} l=${[...f['linkTimers'].keys()].join(',')} cut=${[...f['cutLinks']].join(',')}`,
  );
}
