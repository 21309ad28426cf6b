// A scripted world for unit tests of the client core: virtual time, and per-address server scripts
// that see decoded requests and answer with encoded frames (or stay silent, or drop the link).
// Far smaller than the onebox: each test states exactly what every server does. The core is run by
// the driver loop the Node driver and the simulator run (core/driver), on scripted ports.
import {
  ClientCore,
  type CoreCommand,
  type CoreEvent,
  type CoreOptionsInput,
} from '../../core/client/index.ts';
import { DriverLoop } from '../../core/driver/driver-loop.ts';
import type { Link, LinkEvents } from '../../core/driver/ports.ts';
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
  /** the driver loop the Node driver and the simulator run, on this harness's ports */
  private readonly loop: DriverLoop;
  /** network deliveries due later, in time order (ties in the order they were scheduled) */
  private readonly pending: Array<{ atMs: number; seq: number; deliver: () => void }> = [];
  private seq = 0;
  private nextCallId = 1;
  /** the core's next deadline, as the loop armed it */
  private timerDueMs: number | null = null;

  constructor(options: CoreOptionsInput) {
    this.core = new ClientCore(options);
    this.loop = new DriverLoop(this.core, {
      clock: { nowMs: () => this.nowMs },
      network: { open: (address, events) => this.open(address, events) },
      timer: {
        arm: (dueMs) => {
          this.timerDueMs = dueMs;
        },
      },
      results: {
        settled: (cmd) =>
          this.settled.push({
            callId: cmd.callId,
            atMs: this.nowMs,
            ok: cmd.ok,
            code: cmd.ok ? null : cmd.failure.code,
            outcomeUnknown: cmd.ok ? false : cmd.failure.outcomeUnknown,
            result: cmd.ok ? cmd.result : undefined,
          }),
        tableOpened: (cmd) =>
          this.opened.push({ requestId: cmd.requestId, ok: cmd.ok, code: cmd.ok ? null : cmd.failure.code }),
      },
      hooks: {
        beforeHandle: (event) => this.beforeHandle(event),
        afterHandle: (event, cmds) => {
          for (const cmd of cmds) this.commands.push({ atMs: this.nowMs, cmd });
          this.afterHandle(event, cmds);
        },
      },
    });
  }

  /** a subclass's view of every event before the core handles it (throw to stop the run) */
  protected beforeHandle(_event: CoreEvent): void {}

  /** a subclass's view of every event after its commands were performed */
  protected afterHandle(_event: CoreEvent, _commands: readonly CoreCommand[]): void {}

  /** feed one event now; returns the commands the core produced for it */
  feed(event: CoreEvent): CoreCommand[] {
    const from = this.commands.length;
    this.loop.feed(event);
    return this.commands.slice(from).map((c) => c.cmd);
  }

  call(spec: Omit<Extract<CoreEvent, { type: 'call' }>, 'type' | 'callId'>): number {
    const callId = this.nextCallId++;
    this.feed({ type: 'call', callId, ...spec });
    return callId;
  }

  /** the connection to `address` drops now (as the driver would report it) */
  dropConnection(address: string, reason: 'reset' | 'refused' | 'closed' = 'reset'): CoreCommand[] {
    const from = this.commands.length;
    const link = this.loop.linkOf(address);
    if (link === undefined) this.loop.feed({ type: 'connectionLost', address, reason });
    else this.loop.lost(link, reason);
    return this.commands.slice(from).map((c) => c.cmd);
  }

  /** advance virtual time to `untilMs`, delivering network events and firing timers in order */
  runUntil(untilMs: number): void {
    for (;;) {
      this.pending.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const net = this.pending[0];
      const netAt = net?.atMs ?? Number.POSITIVE_INFINITY;
      const timerAt = this.timerDueMs ?? Number.POSITIVE_INFINITY;
      const at = Math.min(netAt, timerAt);
      if (at > untilMs || at === Number.POSITIVE_INFINITY) break;
      this.nowMs = Math.max(this.nowMs, at);
      if (netAt <= timerAt && net !== undefined) {
        this.pending.shift();
        // a report of a connection that has since been replaced or closed is dropped by the loop
        net.deliver();
      } else {
        this.feed({ type: 'tick' });
      }
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  settledOf(callId: number): Settled | undefined {
    return this.settled.find((s) => s.callId === callId);
  }

  private later(afterMs: number, deliver: () => void): void {
    this.pending.push({ atMs: this.nowMs + afterMs, seq: this.seq++, deliver });
  }

  /** a scripted server's end of a new connection */
  private open(address: string, events: LinkEvents): Link {
    const decoder = new RequestDecoder();
    const link: Link = {
      address,
      write: (bytes) => {
        const { frames, error } = decoder.push(bytes);
        if (error !== undefined) throw error;
        for (const frame of frames) this.serve(link, events, frame);
      },
      close: () => {},
    };
    const how = this.connectBehaviour.get(address) ?? 'accept';
    if (how === 'accept') this.later(1, () => events.opened(link));
    else if (how === 'refuse') this.later(1, () => events.lost(link, 'refused'));
    return link;
  }

  private serve(link: Link, events: LinkEvents, frame: RequestFrame): void {
    this.sent.push({ atMs: this.nowMs, address: link.address, frame });
    const script = this.scripts.get(link.address);
    const answer = script === undefined ? { kind: 'silent' as const } : script(frame, this);
    if (answer.kind === 'reply') {
      const bytes = answer.bytes;
      this.later(answer.delayMs ?? 1, () => events.data(link, bytes));
    } else if (answer.kind === 'reset') {
      this.later(answer.delayMs ?? 1, () => events.lost(link, 'reset'));
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
