// A scripted world for unit tests of the client core: virtual time, and per-address server scripts
// that see decoded requests and answer with encoded frames (or stay silent, or drop the link).
// Far smaller than the onebox: each test states exactly what every server does.
import {
  ClientCore,
  type CoreCommand,
  type CoreEvent,
  type CoreOptionsInput,
} from '../../core/client/index.ts';
import { decodeArgs, encodeResponse, RequestDecoder, type RequestFrame } from '../../core/wire/index.ts';
import type { PartitionConfiguration, QueryCfgResponse, RpcName } from '../../core/wire/types.ts';

export type ServerAnswer =
  | { kind: 'reply'; bytes: Buffer; delayMs?: number }
  | { kind: 'silent' }
  | { kind: 'reset'; delayMs?: number };

export type ServerScript = (req: RequestFrame, h: CoreHarness) => ServerAnswer;

export interface Settled {
  callId: number;
  atMs: number;
  ok: boolean;
  code: string | null;
  outcomeUnknown: boolean;
  result: unknown;
}

export class CoreHarness {
  readonly core: ClientCore;
  nowMs = 0;
  readonly commands: Array<{ atMs: number; cmd: CoreCommand }> = [];
  readonly settled: Settled[] = [];
  readonly opened: Array<{ requestId: number; ok: boolean; code: string | null }> = [];
  readonly sent: Array<{ atMs: number; address: string; frame: RequestFrame }> = [];
  /** address -> how it treats a connect: accept, refuse, or never answer */
  readonly connectBehaviour = new Map<string, 'accept' | 'refuse' | 'hang'>();
  readonly scripts = new Map<string, ServerScript>();
  private readonly decoders = new Map<string, RequestDecoder>();
  private readonly pending: Array<{
    atMs: number;
    seq: number;
    event: CoreEvent;
    epoch: number;
    address: string | null;
  }> = [];
  private readonly epochs = new Map<string, number>();
  private seq = 0;
  private nextCallId = 1;

  constructor(options: CoreOptionsInput) {
    this.core = new ClientCore(options);
  }

  /** feed one event now and process the commands it produced */
  feed(event: CoreEvent): CoreCommand[] {
    const cmds = this.core.handle(event, this.nowMs);
    for (const cmd of cmds) this.perform(cmd);
    return cmds;
  }

  call(spec: Omit<Extract<CoreEvent, { type: 'call' }>, 'type' | 'callId'>): number {
    const callId = this.nextCallId++;
    this.feed({ type: 'call', callId, ...spec });
    return callId;
  }

  /** schedules a network event for later delivery */
  deliver(afterMs: number, event: CoreEvent, address: string | null = null): void {
    const epoch = address === null ? 0 : (this.epochs.get(address) ?? 0);
    this.pending.push({ atMs: this.nowMs + afterMs, seq: this.seq++, event, epoch, address });
  }

  /** the connection to `address` drops now (as the driver would report it) */
  dropConnection(address: string, reason: 'reset' | 'refused' | 'closed' = 'reset'): CoreCommand[] {
    this.epochs.set(address, (this.epochs.get(address) ?? 0) + 1);
    this.decoders.delete(address);
    return this.feed({ type: 'connectionLost', address, reason });
  }

  /** advance virtual time to `untilMs`, delivering network events and firing timers in order */
  runUntil(untilMs: number): void {
    for (;;) {
      this.pending.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const net = this.pending[0];
      const timer = this.core.nextTimerMs();
      const netAt = net?.atMs ?? Number.POSITIVE_INFINITY;
      const timerAt = timer ?? Number.POSITIVE_INFINITY;
      const at = Math.min(netAt, timerAt);
      if (at > untilMs || at === Number.POSITIVE_INFINITY) break;
      this.nowMs = Math.max(this.nowMs, at);
      if (netAt <= timerAt && net !== undefined) {
        this.pending.shift();
        // events of a connection that has since dropped never arrive
        if (net.address !== null && (this.epochs.get(net.address) ?? 0) !== net.epoch) continue;
        this.feed(net.event);
      } else {
        this.feed({ type: 'tick' });
      }
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  settledOf(callId: number): Settled | undefined {
    return this.settled.find((s) => s.callId === callId);
  }

  private perform(cmd: CoreCommand): void {
    this.commands.push({ atMs: this.nowMs, cmd });
    switch (cmd.type) {
      case 'connect': {
        const how = this.connectBehaviour.get(cmd.address) ?? 'accept';
        this.epochs.set(cmd.address, (this.epochs.get(cmd.address) ?? 0) + 1);
        this.decoders.set(cmd.address, new RequestDecoder());
        if (how === 'accept') this.deliver(1, { type: 'connected', address: cmd.address }, cmd.address);
        else if (how === 'refuse')
          this.deliver(1, { type: 'connectionLost', address: cmd.address, reason: 'refused' }, cmd.address);
        break;
      }
      case 'disconnect':
        this.epochs.set(cmd.address, (this.epochs.get(cmd.address) ?? 0) + 1);
        this.decoders.delete(cmd.address);
        break;
      case 'send': {
        const decoder = this.decoders.get(cmd.address);
        if (decoder === undefined) break;
        const { frames, error } = decoder.push(cmd.bytes);
        if (error !== undefined) throw error;
        for (const frame of frames) {
          this.sent.push({ atMs: this.nowMs, address: cmd.address, frame });
          const script = this.scripts.get(cmd.address);
          const answer = script === undefined ? { kind: 'silent' as const } : script(frame, this);
          if (answer.kind === 'reply') {
            this.deliver(
              answer.delayMs ?? 1,
              { type: 'data', address: cmd.address, bytes: answer.bytes },
              cmd.address,
            );
          } else if (answer.kind === 'reset') {
            const address = cmd.address;
            this.pending.push({
              atMs: this.nowMs + (answer.delayMs ?? 1),
              seq: this.seq++,
              event: { type: 'connectionLost', address, reason: 'reset' },
              epoch: this.epochs.get(address) ?? 0,
              address,
            });
          }
        }
        break;
      }
      case 'settle':
        this.settled.push({
          callId: cmd.callId,
          atMs: this.nowMs,
          ok: cmd.ok,
          code: cmd.ok ? null : cmd.failure.code,
          outcomeUnknown: cmd.ok ? false : cmd.failure.outcomeUnknown,
          result: cmd.ok ? cmd.result : undefined,
        });
        break;
      case 'tableOpened':
        this.opened.push({ requestId: cmd.requestId, ok: cmd.ok, code: cmd.ok ? null : cmd.failure.code });
        break;
      case 'observe':
        break;
    }
  }
}

// ---- answers ----

export function partitionConfig(
  appId: number,
  index: number,
  ballot: bigint,
  primary: string,
  secondaries: string[] = [],
): PartitionConfiguration {
  return {
    pid: { app_id: appId, partition_index: index },
    ballot,
    max_replica_count: 3,
    primary,
    secondaries,
    last_drops: [],
    last_committed_decree: 0n,
    partition_flags: 0,
  };
}

export function queryCfgReply(req: RequestFrame, resp: Partial<QueryCfgResponse>): ServerAnswer {
  const full: QueryCfgResponse = {
    err: 'ERR_OK',
    app_id: 1,
    partition_count: 0,
    is_stateful: true,
    partitions: [],
    ...resp,
  };
  return {
    kind: 'reply',
    bytes: encodeResponse('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', req.seqid, 'ERR_OK', full),
  };
}

export function errorReply(req: RequestFrame, error: string): ServerAnswer {
  return { kind: 'reply', bytes: encodeResponse(req.name as RpcName, req.seqid, error) };
}

export function getReply(req: RequestFrame, value: string, delayMs = 1): ServerAnswer {
  return {
    kind: 'reply',
    delayMs,
    bytes: encodeResponse('RPC_RRDB_RRDB_GET', req.seqid, 'ERR_OK', {
      error: 0,
      value: Buffer.from(value),
      app_id: req.header.app_id,
      partition_index: req.header.partition_index,
      server: '',
    }),
  };
}

export function argsOf<N extends RpcName>(name: N, req: RequestFrame) {
  return decodeArgs(name, req.body);
}
