// Shared set-up of the throughput phases: the onebox child, one client with the table open, the
// key set, and the floor's pre-encoded frames routed to the same primaries the client uses.
import { PegasusClient, type Table } from '../../client/index.ts';
import type { FloorTarget } from './floor.ts';
import { type BenchKey, type BenchOp, encodeFrames, makeKeys } from './keys.ts';
import { ServerChild } from './server-child.ts';

export interface BenchContext {
  server: ServerChild;
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

const TABLE = 'bench';

export async function openContext(o: ContextOptions): Promise<BenchContext> {
  const server = await ServerChild.start({ replicas: o.replicas, partitions: o.partitions, table: TABLE });
  let client: PegasusClient | undefined;
  try {
    client = await PegasusClient.connect({ metaServers: server.metas });
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
      frames: encodeFrames(op, keys, table.appId, value),
      socketOf,
    });
    const c = client;
    return {
      server,
      client: c,
      table,
      keys,
      value,
      floor: { get: floorOf('get'), set: floorOf('set') },
      close: async () => {
        await c.close();
        await server.stop();
      },
    };
  } catch (e) {
    await client?.close();
    await server.stop();
    throw e;
  }
}
