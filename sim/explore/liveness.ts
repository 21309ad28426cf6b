// Bounded liveness, judged at the end of every complete path (all calls settled, or the horizon),
// on paths where no packet was late (a held stream may stay late past every deadline, so nothing
// can be promised there; safety is still checked on those paths):
//   fault-free-success  on a path without faults, every call succeeds;
//   failover-success    an idempotent call succeeds when every fault of the path hit one and the same
//                       replica (a crash, hang or restart) and the call's deadline is at least scope.recoveryBoundMs after the
//                       last fault (time to detect, promote, poll and reconnect, with margin).
import type { CallRecord, Violation } from '../scenario.ts';
import { IDEMPOTENT, isTopologyFault } from '../workload.ts';
import type { ExploreFault, ExploreScope } from './scope.ts';

export interface InjectedFault {
  fault: ExploreFault;
  atMs: number;
}

export function checkLiveness(
  scope: ExploreScope,
  faults: readonly InjectedFault[],
  calls: readonly CallRecord[],
  latePackets: boolean,
  nowMs: number,
): Violation[] {
  const out: Violation[] = [];
  if (latePackets) return out;
  const failed = (r: CallRecord) => `call ${r.callId} (${r.op}) failed with ${r.code ?? 'no settle'}`;
  if (faults.length === 0) {
    for (const r of calls)
      if (r.ok !== true) out.push({ invariant: 'fault-free-success', atMs: nowMs, detail: failed(r) });
    return out;
  }
  const first = faults[0]!.fault;
  // Topology changes and meta faults promise nothing here (sim/topology.ts judges topology paths);
  // nor does a client-link partition, as in the random simulation (sim/liveness.ts promises
  // failover for crash, core dump and hang): meta still names the cut-off node primary, so no
  // failover happens, and a request lost in the cut is not resent to the same primary once the
  // link heals (the call waits for the late reply until its deadline).
  const replicaFault = (f: ExploreFault) =>
    f.meta !== true && !isTopologyFault(f.kind) && f.kind !== 'leader' && f.kind !== 'partition';
  const oneReplica =
    replicaFault(first) && faults.every((f) => replicaFault(f.fault) && f.fault.node === first.node);
  if (!oneReplica) return out;
  const lastFaultMs = Math.max(...faults.map((f) => f.atMs));
  for (const r of calls) {
    if (!IDEMPOTENT[r.op] || r.ok === true) continue;
    if (r.deadlineMs - lastFaultMs >= scope.recoveryBoundMs)
      out.push({
        invariant: 'failover-success',
        atMs: nowMs,
        detail: `${failed(r)}; last fault at ${lastFaultMs}, deadline ${r.deadlineMs}`,
      });
  }
  return out;
}
