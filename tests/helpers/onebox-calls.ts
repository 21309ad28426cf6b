// Per-node calls with explicit headers, for onebox tests that address partitions by hand (splits,
// dropped tables, backup reads), on either driver.

import { partitionHash, partitionIndex } from '../../core/routing/index.ts';
import type { QueryCfgResponse, RequestHeader, RpcArgs, RpcName } from '../../core/wire/types.ts';
import type { Driver, DriverConnection } from './onebox-drivers.ts';
import type { CallOutcome } from './onebox-raw-client.ts';
import { META_HEADER } from './onebox-raw-client.ts';

export function hashOf(hashKey: string): bigint {
  return partitionHash(Buffer.from(hashKey), Buffer.alloc(0));
}

/** A data header for `hashKey` sent to partition `index` of `appId` (the index need not match). */
export function keyHeader(
  appId: number,
  hashKey: string,
  index: number,
  extra: Partial<RequestHeader> = {},
): RequestHeader {
  return { ...META_HEADER, app_id: appId, partition_index: index, partition_hash: hashOf(hashKey), ...extra };
}

/** The first `howMany` keys `${prefix}${i}` whose partition among `count` satisfies `wanted`. */
export function keysWhere(count: number, wanted: (index: number) => boolean, howMany: number, prefix = 'k') {
  const out: string[] = [];
  for (let i = 0; out.length < howMany; i++) {
    if (i > 100_000) throw new Error('no such keys');
    const k = `${prefix}${i}`;
    if (wanted(partitionIndex(hashOf(k), count))) out.push(k);
  }
  return out;
}

export function indexOf(hashKey: string, count: number): number {
  return partitionIndex(hashOf(hashKey), count);
}

/** One connection per node, opened on first use. */
export class NodeCalls {
  private readonly conns = new Map<string, DriverConnection>();

  constructor(private readonly d: Driver) {}

  async call<N extends RpcName>(
    address: string,
    name: N,
    args: RpcArgs<N>,
    header: RequestHeader = META_HEADER,
    timeoutMs = 1000,
  ): Promise<CallOutcome<N>> {
    let c = this.conns.get(address);
    if (c === undefined || c.closedHow() !== undefined) {
      c = await this.d.connect(address);
      this.conns.set(address, c);
    }
    return c.call(name, args, { header, timeoutMs });
  }

  /** The RPC-level error of the reply, or 'timeout' / 'closed'. */
  async error<N extends RpcName>(
    address: string,
    name: N,
    args: RpcArgs<N>,
    header: RequestHeader = META_HEADER,
    timeoutMs = 1000,
  ): Promise<string> {
    const r = await this.call(address, name, args, header, timeoutMs);
    return r.kind === 'reply' ? r.error : r.kind;
  }

  async query(meta: string, table: string): Promise<QueryCfgResponse> {
    const r = await this.call(meta, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', {
      app_name: table,
      partition_indices: [],
    });
    if (r.kind !== 'reply' || r.result === undefined) throw new Error(`query_cfg at ${meta}: ${r.kind}`);
    return r.result;
  }

  close(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}
