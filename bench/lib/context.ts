// Shared set-up of the measured phases: one client (of one header version) with the table open on
// the onebox child, the key set, and the floor's pre-encoded frames (same header version) routed to
// the same primaries the client uses. One onebox child serves every context of a run.
import { PegasusClient, type PegasusClientOptions, type Table } from '../../client/index.ts';
import type { FloorTarget } from './floor.ts';
import { type BenchKey, type BenchOp, encodeFrames, type HeaderVersion, makeKeys } from './keys.ts';
import { ServerChild } from './server-child.ts';

export interface BenchContext {
  server: ServerChild;
  headerVersion: HeaderVersion;
  client: PegasusClient;
  table: Table;
  keys: BenchKey[];
  value: Buffer;
  floor: Record<BenchOp, FloorTarget>;
  close(): Promise<void>;
}

export interface ContextOptions {
  partitions: number;
  replicas: number;
  keyCount: number;
  valueBytes: number;
}

export const TABLE = 'bench';

export function startServer(o: ContextOptions): Promise<ServerChild> {
  return ServerChild.start({ replicas: o.replicas, partitions: o.partitions, table: TABLE });
}

/** a context with its own onebox child, which close() stops too (bench/profile-client.ts) */
export async function openContext(o: ContextOptions): Promise<BenchContext> {
  const server = await startServer(o);
  try {
    const ctx = await openClientContext(server, o, 1);
    return {
      ...ctx,
      close: async () => {
        await ctx.close();
        await server.stop();
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** a client of `headerVersion` on a running onebox child; close() closes the client only */
export async function openClientContext(
  server: ServerChild,
  o: ContextOptions,
  headerVersion: HeaderVersion = 1,
  clientOptions: Omit<PegasusClientOptions, 'metaServers' | 'headerVersion'> = {},
): Promise<BenchContext> {
  const client = await PegasusClient.connect({ ...clientOptions, metaServers: server.metas, headerVersion });
  try {
    const table = await client.openTable(TABLE);
    const state = await server.state();
    const partitions = state.tables.find((t) => t.name === TABLE)?.partitions ?? [];
    const keys = makeKeys(o.keyCount, table.partitionCount);
    const addresses = [...new Set(partitions.map((p) => p.primary))];
    const socketOf = Uint8Array.from(keys, (k) => addresses.indexOf(partitions[k.partition]?.primary ?? ''));
    if (socketOf.some((s) => s === 255)) throw new Error('a bench partition has no primary');
    const value = Buffer.alloc(o.valueBytes, 0x76);
    const floorOf = (op: BenchOp): FloorTarget => ({
      addresses,
      frames: encodeFrames(op, keys, table.appId, value, headerVersion),
      socketOf,
    });
    const floor = { get: floorOf('get'), set: floorOf('set'), multiGet: floorOf('multiGet') };
    return { server, headerVersion, client, table, keys, value, floor, close: () => client.close() };
  } catch (e) {
    await client.close();
    throw e;
  }
}
