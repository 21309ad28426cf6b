// What the explorer explores: cluster size and tuning, the client's calls, the menu of faults and the
// budgets that make the state space finite. Plain data, printable, passed whole to every replay.
import type { CoreOptionsInput } from '../../core/client/index.ts';
import type { SimCall, TopologyFaultKind } from '../workload.ts';

export type ExploreFaultKind = 'crash' | 'hang' | 'restart' | 'partition' | 'leader' | TopologyFaultKind;

export interface ExploreFault {
  kind: ExploreFaultKind;
  /** replica index, or meta index when `meta` is set; ignored by topology changes */
  node: number;
  meta?: boolean;
  /**
   * hang: resume after this long (a pause that ends); crash: restart after this long; partition: the
   * client link heals after this long; leader: the new leader is not ready this long; absent: forever
   */
  ms?: number;
}

export interface ExploreScope {
  name: string;
  metas: number;
  replicas: number;
  partitions: number;
  /** cluster tuning (see onebox/cluster/options.ts) */
  detectMs: number;
  beaconMs: number;
  promoteDelayMs: number;
  learnMs: number;
  prepareTimeoutMs: number;
  /** split children register this long after a split starts (absent: the onebox default) */
  splitMs?: number;
  /** every call starts at `atMs` (0: before the first step) */
  calls: SimCall[];
  /** faults the explorer may inject, each at any step while the budget lasts */
  faultMenu: ExploreFault[];
  maxFaults: number;
  /** faults are injected only while virtual time <= this */
  faultWindowMs: number;
  /**
   * How many connection directions per path may be held (made late): a held direction's packets
   * stay in flight across any number of timer instants, until delivered.
   */
  maxDelays: number;
  /** client options beyond metaServers (machines, timeouts) */
  client: Partial<CoreOptionsInput>;
  seed: number;
  /**
   * Bounded liveness: an idempotent call whose deadline is at least this long after the last fault
   * succeeds, provided every fault hit the same replica.
   */
  recoveryBoundMs: number;
}

const REPLICA_FAULTS = (replicas: number, hangMs: number): ExploreFault[] =>
  Array.from({ length: replicas }, (_, node) => [
    { kind: 'crash' as const, node },
    { kind: 'hang' as const, node, ms: hangMs },
    { kind: 'restart' as const, node },
  ]).flat();

/**
 * `npm test`, first part: 1 meta, 3 replicas, 1 partition, a set and an incr on one key at once,
 * up to 2 faults of {crash, hang 500 ms, restart} on any replica within the first 400 ms.
 */
export function smallScope(): ExploreScope {
  return {
    name: 'small',
    metas: 1,
    replicas: 3,
    partitions: 1,
    detectMs: 300,
    beaconMs: 100,
    promoteDelayMs: 100,
    learnMs: 50,
    prepareTimeoutMs: 200,
    calls: [
      { atMs: 0, op: 'set', key: 0, value: 7, timeoutMs: 1500 },
      { atMs: 0, op: 'incr', key: 0, value: 0, timeoutMs: 1500 },
    ],
    faultMenu: REPLICA_FAULTS(3, 500),
    maxFaults: 2,
    faultWindowMs: 400,
    maxDelays: 0,
    client: { attemptTimeoutMs: 400, pollCapMs: 200, connectTimeoutMs: 300 },
    seed: 1,
    recoveryBoundMs: 1000,
  };
}

/** `npm test`, second part: the same on 2 partitions, the two calls on different primaries. */
export function smallTwoPartitionScope(): ExploreScope {
  const s = smallScope();
  // k0 hashes to partition 1 (primary: replica 1), k1 to partition 0 (primary: replica 0).
  return { ...s, name: 'small-2p', partitions: 2, calls: [s.calls[0]!, { ...s.calls[1]!, key: 1 }] };
}

/** `npm test`, third part: 1 fault and 1 late stream (a connection direction held across timers). */
export function smallLateScope(): ExploreScope {
  return { ...smallScope(), name: 'small-late', maxFaults: 1, maxDelays: 1 };
}

/** `npm run properties`: 2 faults and 1 late stream. */
export function largeScope(): ExploreScope {
  return { ...smallScope(), name: 'large', maxFaults: 2, maxDelays: 1 };
}

/** `npm run properties`: 2 faults and 1 late stream on 2 partitions. */
export function largeTwoPartitionScope(): ExploreScope {
  return { ...smallTwoPartitionScope(), name: 'large-2p', maxFaults: 2, maxDelays: 1 };
}

const TOPOLOGY_FAULTS: ExploreFault[] = [
  { kind: 'split', node: 0 },
  { kind: 'cancelSplit', node: 0 },
  { kind: 'drop', node: 0 },
  { kind: 'recreate', node: 0 },
];

/**
 * `npm test`, fourth part: topology changes. 1 meta, 3 replicas, 1 partition (a split makes 2;
 * k0 moves to the child), set(k0) at 0, get(k0) at 160 ms, set(k0) at 320 ms, up to 2 of {split,
 * cancel, drop, recreate} at any step within the first 300 ms; children register 150 ms after a
 * split starts.
 */
export function smallTopologyScope(): ExploreScope {
  const s = smallScope();
  return {
    ...s,
    name: 'small-topology',
    splitMs: 150,
    calls: [
      { atMs: 0, op: 'set', key: 0, value: 7, timeoutMs: 1000 },
      { atMs: 160, op: 'get', key: 0, value: 0, timeoutMs: 1000 },
      { atMs: 320, op: 'set', key: 0, value: 8, timeoutMs: 1000 },
    ],
    faultMenu: TOPOLOGY_FAULTS,
    maxFaults: 2,
    faultWindowMs: 300,
  };
}

/**
 * `npm run properties`: topology changes and meta leader changes on 2 metas, 2 partitions, 3 calls
 * (an incr among them), up to 3 changes.
 */
export function largeTopologyScope(): ExploreScope {
  const s = smallTopologyScope();
  return {
    ...s,
    name: 'large-topology',
    metas: 2,
    partitions: 2,
    calls: [...s.calls, { atMs: 0, op: 'incr', key: 2, value: 0, timeoutMs: 1000 }],
    faultMenu: [
      ...TOPOLOGY_FAULTS,
      { kind: 'leader', node: 1, meta: true },
      { kind: 'leader', node: 0, meta: true },
    ],
    maxFaults: 3,
  };
}

/**
 * `npm test`, fifth part: network and meta faults. 2 metas, 3 replicas, 1 partition, the set and the
 * incr of the small scope; up to 2 faults within the first 400 ms from: a client-link partition of
 * any replica (healed after 300 ms: the node stays alive for the meta, only the client cannot reach
 * it), a crash of the primary's node, a meta leader change (either meta; the new leader not ready
 * for 100 ms), and either meta down (crashed, restarted after 300 ms).
 */
export function smallNetworkMetaScope(): ExploreScope {
  return {
    ...smallScope(),
    name: 'small-net-meta',
    metas: 2,
    faultMenu: [
      ...Array.from({ length: 3 }, (_, node) => ({ kind: 'partition' as const, node, ms: 300 })),
      { kind: 'crash', node: 0 },
      { kind: 'leader', node: 0, meta: true, ms: 100 },
      { kind: 'leader', node: 1, meta: true, ms: 100 },
      { kind: 'crash', node: 0, meta: true, ms: 300 },
      { kind: 'crash', node: 1, meta: true, ms: 300 },
    ],
  };
}

/** `npm run properties`: the network and meta faults with 3 faults and 1 late stream. */
export function largeNetworkMetaScope(): ExploreScope {
  return { ...smallNetworkMetaScope(), name: 'large-net-meta', maxFaults: 3, maxDelays: 1 };
}

export const SMALL_SCOPES = [
  smallScope,
  smallTwoPartitionScope,
  smallLateScope,
  smallTopologyScope,
  smallNetworkMetaScope,
];
export const SCOPES: Record<string, () => ExploreScope> = {
  small: smallScope,
  'small-2p': smallTwoPartitionScope,
  'small-late': smallLateScope,
  large: largeScope,
  'large-2p': largeTwoPartitionScope,
  'small-topology': smallTopologyScope,
  'large-topology': largeTopologyScope,
  'small-net-meta': smallNetworkMetaScope,
  'large-net-meta': largeNetworkMetaScope,
};
