// A minimal client for onebox tests: frames requests with the wire codec and matches responses by
// seqid, over the simulated network (synchronous: it drives the simulation) or over real TCP.
// Deliberately dumb: no routing, no retries, so tests see exactly what the server sent.

import net from 'node:net';
import { encodeKey, partitionHash, partitionIndex } from '../../core/routing/index.ts';
import { decodeResult, encodeRequest, ResponseDecoder, type ResponseFrame } from '../../core/wire/index.ts';
import type { RequestHeader, RpcArgs, RpcName, RpcResult } from '../../core/wire/types.ts';
import type { CloseKind } from '../../onebox/net/network.ts';
import type { SimClientConnection, SimNetwork } from '../../onebox/net/sim-network.ts';

export type CallOutcome<N extends RpcName> =
  /** A response frame; `result` is decoded when the RPC-level error is ERR_OK and a body is present. */
  | { kind: 'reply'; error: string; name: string; result: RpcResult<N> | undefined }
  | { kind: 'closed'; how: CloseKind }
  | { kind: 'timeout' };

export interface CallOptions {
  header?: Partial<RequestHeader>;
  timeoutMs?: number;
  headerVersion?: 0 | 1;
}

export const META_HEADER: RequestHeader = {
  app_id: 0,
  partition_index: 0,
  client_timeout_ms: 1000,
  partition_hash: 0n,
  is_backup_request: false,
};

/** Header for a data RPC on (appId, partition of hashKey). */
export function dataHeader(
  appId: number,
  partitionCount: number,
  hashKey: string,
  extra: Partial<RequestHeader> = {},
) {
  const hash = partitionHash(Buffer.from(hashKey), Buffer.alloc(0));
  return {
    ...META_HEADER,
    app_id: appId,
    partition_index: partitionIndex(hash, partitionCount),
    partition_hash: hash,
    ...extra,
  } satisfies RequestHeader;
}

export function fullKey(hashKey: string, sortKey: string): Buffer {
  return encodeKey(Buffer.from(hashKey), Buffer.from(sortKey));
}

type Pending = (frame: ResponseFrame) => void;

/** Shared framing state of both transports. */
class Framing {
  private nextSeqid = 1;
  private readonly decoder = new ResponseDecoder();
  readonly pending = new Map<number, Pending>();
  /** Responses nobody waited for (e.g. to a fire-and-forget send). */
  readonly unmatched: ResponseFrame[] = [];
  protocolError: Error | undefined;

  frame<N extends RpcName>(
    name: N,
    args: RpcArgs<N>,
    options: CallOptions,
  ): { seqid: number; bytes: Buffer } {
    const seqid = this.nextSeqid++;
    const header = { ...META_HEADER, ...options.header };
    const bytes = encodeRequest(name, seqid, args, header, { headerVersion: options.headerVersion ?? 1 });
    return { seqid, bytes };
  }

  push(chunk: Uint8Array): void {
    const { frames, error } = this.decoder.push(chunk);
    for (const f of frames) {
      const p = this.pending.get(f.seqid);
      if (p === undefined) this.unmatched.push(f);
      else {
        this.pending.delete(f.seqid);
        p(f);
      }
    }
    if (error !== undefined) this.protocolError = error;
  }
}

function toOutcome<N extends RpcName>(name: N, f: ResponseFrame): CallOutcome<N> {
  const result = f.error === 'ERR_OK' && f.body.length > 0 ? decodeResult(name, f.body) : undefined;
  return { kind: 'reply', error: f.error, name: f.name, result };
}

/** A client on the simulated network. Every call runs the simulation until it resolves. */
export class SimRawClient {
  private readonly framing = new Framing();
  private readonly conn: SimClientConnection;
  opened = false;
  closedHow: CloseKind | undefined;

  constructor(
    private readonly sim: SimNetwork,
    readonly address: string,
  ) {
    this.conn = sim.connect(address, {
      onOpen: () => {
        this.opened = true;
      },
      onData: (bytes) => this.framing.push(bytes),
      onClose: (how) => {
        this.closedHow = how;
      },
    });
  }

  get unmatched(): ResponseFrame[] {
    return this.framing.unmatched;
  }

  /** Run the simulation until the connection opened or ended. */
  waitOpen(timeoutMs = 1000): boolean {
    this.sim.runUntilTrue(() => this.opened || this.closedHow !== undefined, timeoutMs);
    return this.opened && this.closedHow === undefined;
  }

  /** Send without waiting; returns the seqid. */
  send<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): number {
    const { seqid, bytes } = this.framing.frame(name, args, options);
    this.conn.write(bytes);
    return seqid;
  }

  sendRaw(bytes: Uint8Array): void {
    this.conn.write(bytes);
  }

  /** Send and run the simulation until the reply, the connection's end, or timeoutMs (virtual). */
  call<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): CallOutcome<N> {
    let frame: ResponseFrame | undefined;
    const { seqid, bytes } = this.framing.frame(name, args, options);
    this.framing.pending.set(seqid, (f) => {
      frame = f;
    });
    this.conn.write(bytes);
    this.sim.runUntilTrue(
      () => frame !== undefined || this.closedHow !== undefined,
      options.timeoutMs ?? 1000,
    );
    this.framing.pending.delete(seqid);
    if (frame !== undefined) return toOutcome(name, frame);
    if (this.closedHow !== undefined) return { kind: 'closed', how: this.closedHow };
    return { kind: 'timeout' };
  }

  /** Like call() but fails the test unless the RPC-level error is ERR_OK. */
  ok<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): RpcResult<N> {
    const outcome = this.call(name, args, options);
    if (outcome.kind !== 'reply' || outcome.error !== 'ERR_OK' || outcome.result === undefined) {
      throw new Error(`${name}: expected ERR_OK with a body, got ${JSON.stringify(outcome, replacer)}`);
    }
    return outcome.result;
  }

  close(): void {
    this.conn.close();
  }
}

/** A client over real TCP. */
export class TcpRawClient {
  private readonly framing = new Framing();
  private closedHowValue: CloseKind | undefined;
  private readonly closeWaiters: Array<(how: CloseKind) => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.framing.push(chunk));
    let sawError = false;
    socket.on('error', () => {
      sawError = true;
    });
    socket.on('close', () => {
      this.closedHowValue ??= sawError ? 'reset' : 'closed';
      for (const w of this.closeWaiters.splice(0)) w(this.closedHowValue);
    });
  }

  static connect(address: string, timeoutMs = 2000): Promise<TcpRawClient> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: host!, port: Number(port) });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect ${address}: timeout`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new TcpRawClient(socket));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(Object.assign(new Error(`connect ${address}: ${e.code ?? e.message}`), { code: e.code }));
      });
    });
  }

  get closedHow(): CloseKind | undefined {
    return this.closedHowValue;
  }

  get unmatched(): ResponseFrame[] {
    return this.framing.unmatched;
  }

  /** Resolves with how the connection ended, or 'timeout'. */
  waitClosed(timeoutMs: number): Promise<CloseKind | 'timeout'> {
    if (this.closedHowValue !== undefined) return Promise.resolve(this.closedHowValue);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.closeWaiters.push((how) => {
        clearTimeout(timer);
        resolve(how);
      });
    });
  }

  send<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): number {
    const { seqid, bytes } = this.framing.frame(name, args, options);
    this.socket.write(bytes);
    return seqid;
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  call<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): Promise<CallOutcome<N>> {
    const { seqid, bytes } = this.framing.frame(name, args, options);
    return new Promise((resolve) => {
      const finish = (outcome: CallOutcome<N>) => {
        clearTimeout(timer);
        this.framing.pending.delete(seqid);
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs ?? 2000);
      this.framing.pending.set(seqid, (f) => finish(toOutcome(name, f)));
      this.closeWaiters.push((how) => finish({ kind: 'closed', how }));
      if (this.closedHowValue !== undefined) finish({ kind: 'closed', how: this.closedHowValue });
      else this.socket.write(bytes);
    });
  }

  async ok<N extends RpcName>(name: N, args: RpcArgs<N>, options: CallOptions = {}): Promise<RpcResult<N>> {
    const outcome = await this.call(name, args, options);
    if (outcome.kind !== 'reply' || outcome.error !== 'ERR_OK' || outcome.result === undefined) {
      throw new Error(`${name}: expected ERR_OK with a body, got ${JSON.stringify(outcome, replacer)}`);
    }
    return outcome.result;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** JSON.stringify replacer for bigint and byte values in failure messages. */
export function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}
