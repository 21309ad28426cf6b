// A tiny scripted Pegasus server over real TCP for driver tests: it decodes request frames and lets
// the test answer each one (reply bytes, silence, reset or close). One server can play the meta
// and the replica role at once. Far smaller than the onebox: each test states what the server does.
import { createServer, type Server, type Socket } from 'node:net';
import { decodeArgs, encodeResponse, RequestDecoder, type RequestFrame } from '../../core/wire/index.ts';
import type { PartitionConfiguration, RpcName, RpcResult } from '../../core/wire/types.ts';

export type FakeAnswer = Buffer | 'silent' | 'reset' | 'close';
export type FakeHandler = (frame: RequestFrame, conn: Socket, server: FakeServer) => FakeAnswer;

export const QUERY_CFG = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

export class FakeServer {
  readonly received: RequestFrame[] = [];
  readonly connections = new Set<Socket>();
  accepted = 0;
  handler: FakeHandler;

  private constructor(
    private readonly server: Server,
    readonly address: string,
    handler: FakeHandler,
  ) {
    this.handler = handler;
  }

  static async start(handler: FakeHandler = () => 'silent'): Promise<FakeServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const fake = new FakeServer(server, `127.0.0.1:${port}`, handler);
    server.on('connection', (conn) => fake.accept(conn));
    return fake;
  }

  /** received frames of one RPC */
  frames(name: string): RequestFrame[] {
    return this.received.filter((f) => f.name === name);
  }

  /** resolves once no client connection is open (the client closed them all) */
  async drained(timeoutMs = 1000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.connections.size > 0) {
      if (Date.now() > until) throw new Error(`${this.connections.size} connection(s) still open`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(conn: Socket): void {
    this.accepted++;
    this.connections.add(conn);
    conn.setNoDelay(true);
    const decoder = new RequestDecoder();
    conn.on('error', () => {});
    conn.on('close', () => this.connections.delete(conn));
    conn.on('data', (chunk) => {
      const { frames, error } = decoder.push(chunk);
      if (error !== undefined) {
        conn.destroy();
        return;
      }
      for (const frame of frames) {
        this.received.push(frame);
        const answer = this.handler(frame, conn, this);
        if (answer === 'silent') continue;
        if (answer === 'reset') {
          conn.resetAndDestroy();
          return;
        }
        if (answer === 'close') {
          conn.end();
          return;
        }
        conn.write(answer);
      }
    });
  }
}

/** a port nothing listens on: connecting to it is refused */
export async function refusedAddress(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

export function partition(index: number, primary: string, ballot = 1n, appId = 1): PartitionConfiguration {
  return {
    pid: { app_id: appId, partition_index: index },
    ballot,
    max_replica_count: 3,
    primary,
    secondaries: [],
    last_drops: [],
    last_committed_decree: 0n,
    partition_flags: 0,
  };
}

/** meta's answer: every partition served by `primaryOf(index)` */
export function configReply(
  frame: RequestFrame,
  partitionCount: number,
  primaryOf: (index: number) => string,
  ballot = 1n,
): Buffer {
  const partitions = Array.from({ length: partitionCount }, (_, i) => partition(i, primaryOf(i), ballot));
  return encodeResponse(QUERY_CFG, frame.seqid, 'ERR_OK', {
    err: 'ERR_OK',
    app_id: 1,
    partition_count: partitionCount,
    is_stateful: true,
    partitions,
  });
}

export function tableMissingReply(frame: RequestFrame): Buffer {
  return encodeResponse(QUERY_CFG, frame.seqid, 'ERR_OK', {
    err: 'ERR_OBJECT_NOT_FOUND',
    app_id: 0,
    partition_count: 0,
    is_stateful: true,
    partitions: [],
  });
}

/** an rrdb reply with the given result fields (identity fields filled in) */
export function reply<N extends RpcName>(
  frame: RequestFrame,
  name: N,
  result: Omit<RpcResult<N>, 'app_id' | 'partition_index' | 'server'>,
): Buffer {
  const full = {
    app_id: frame.header.app_id,
    partition_index: frame.header.partition_index,
    server: '',
    ...result,
  } as unknown as RpcResult<N>;
  return encodeResponse(name, frame.seqid, 'ERR_OK', full);
}

export function errorReply(frame: RequestFrame, error: string): Buffer {
  return encodeResponse(frame.name, frame.seqid, error);
}

export function args<N extends RpcName>(name: N, frame: RequestFrame) {
  return decodeArgs(name, frame.body);
}
