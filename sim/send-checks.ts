// Where the client may send a data request, checked on every send of a simulated run: to the
// primary of the newest configuration it holds, except a backup request (is_backup_request), which
// must be a read and go to a member of that configuration (primary or secondary).
import type { PartitionRoute } from '../core/client/index.ts';
import { RequestDecoder, rpcInfo } from '../core/wire/index.ts';
import type { RpcName } from '../core/wire/types.ts';

export interface SendViolation {
  invariant: 'sends-to-newest-primary' | 'backup-reads-only' | 'backup-to-member';
  detail: string;
}

/** the violations of the bytes written to `address`, given the route of each partition */
export function checkSend(
  address: string,
  bytes: Buffer,
  routeOf: (partition: number) => PartitionRoute | undefined,
): SendViolation[] {
  const out: SendViolation[] = [];
  const { frames } = new RequestDecoder().push(bytes);
  for (const f of frames) {
    const route = routeOf(f.header.partition_index);
    if (f.header.is_backup_request) {
      if (rpcInfo(f.name as RpcName).kind !== 'read')
        out.push({
          invariant: 'backup-reads-only',
          detail: `${f.name} to ${address} carries is_backup_request`,
        });
      if (route === undefined || (route.primary !== address && !route.secondaries.includes(address)))
        out.push({
          invariant: 'backup-to-member',
          detail: `backup ${f.name} to ${address}, not a member of partition ${f.header.partition_index} (${route?.primary}; ${route?.secondaries})`,
        });
      continue;
    }
    if (route?.primary !== address || route.invalid) {
      out.push({
        invariant: 'sends-to-newest-primary',
        detail: `${f.name} to ${address}, route of partition ${f.header.partition_index} is ${route?.primary}${route?.invalid ? ' (invalidated)' : ''}`,
      });
    }
  }
  return out;
}
