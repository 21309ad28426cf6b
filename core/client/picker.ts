// Which node an attempt goes to, chosen from the partition's route (its primary and secondaries).
// A picker only names a node; whether that node can take the attempt now (connected, connecting,
// down) is the node's health machine's business. Every call uses the primary, or the node it is
// pinned to (a scanner's context lives on one replica); a hedged read's backup goes to one of the
// partition's secondaries (backupCandidates; hedge-kind.ts picks among them by health).
import { primaryOf, type RouteSnapshot } from '../routing/route-snapshot.ts';

export interface Picker {
  /** the node for the next attempt on `partition`, or null when the route names none now */
  pick(routes: RouteSnapshot, partition: number): string | null;
}

/** the partition's primary: every write, and every read that is not pinned */
export const PRIMARY: Picker = { pick: primaryOf };

/** always `address`, whatever the routes say (a call whose server-side state lives on that node) */
export function pinnedTo(address: string): Picker {
  return { pick: () => address };
}

/** the nodes a backup request of a read on `partition` may go to: its secondaries, never its primary */
export function backupCandidates(routes: RouteSnapshot, partition: number): readonly string[] {
  const route = routes.partitions[partition];
  if (route === undefined) return [];
  return route.secondaries.filter((a) => a !== route.primary);
}
