// The Node shell around the sans-I/O core: the driver loop every environment runs
// (core/driver/driver-loop.ts) with Node's ports (node-ports.ts: sockets, one timer) and a monotonic
// clock, plus the promises callers await. It decides nothing.
//
// Invariants (besides the loop's):
// - the process is kept alive only while a call or a table open is pending.
// - after close(), no timer is armed and every socket is released.
import { performance } from 'node:perf_hooks';
import type { AttemptRecord } from '../core/client/commands.ts';
import { IdTable } from '../core/client/id-table.ts';
import {
  type CallFailure,
  type CallSpec,
  ClientCore,
  type CoreEvent,
  type CoreOptionsInput,
  type ObservedEvent,
  type ScannerSpec,
} from '../core/client/index.ts';
import { DriverLoop } from '../core/driver/driver-loop.ts';
import type { LoopHooks, Network } from '../core/driver/ports.ts';
import { watchAbort } from './abort-watch.ts';
import { NodeNetwork, NodeTimer } from './node-ports.ts';
import { type TraceHook, toPlain } from './trace.ts';

export type Settlement =
  | { ok: true; result: unknown; attempts: AttemptRecord[] }
  | { ok: false; failure: CallFailure };

export type OpenSettlement =
  | { ok: true; appId: number; partitionCount: number }
  | { ok: false; failure: CallFailure };

export interface DriverHooks {
  observe?: (event: ObservedEvent) => void;
  trace?: TraceHook;
}

export type DriverCallSpec = Omit<CallSpec, 'callId'>;

/** The network port with what the driver needs besides links: keep-alive switching and release. */
export interface DriverNetwork extends Network {
  setRef(ref: boolean): void;
  /** resolves when every connection ever opened is released */
  released(): Promise<void>;
}

export class NodeDriver {
  readonly core: ClientCore;
  private readonly loop: DriverLoop;
  private readonly timer: NodeTimer;
  private readonly calls = new IdTable<(s: Settlement) => void>();
  private readonly opens = new Map<number, (s: OpenSettlement) => void>();
  private nextId = 1;
  private refd = false;
  private closePromise: Promise<void> | null = null;

  constructor(
    options: CoreOptionsInput,
    hooks: DriverHooks = {},
    /** TCP; an in-memory network for benchmarks of the client's own CPU (bench/cpu-inproc.ts) */
    private readonly network: DriverNetwork = new NodeNetwork(),
  ) {
    this.core = new ClientCore(options);
    const nowMs = () => performance.now();
    this.timer = new NodeTimer(nowMs, () => this.loop.feed({ type: 'tick' }));
    const observe = hooks.observe;
    this.loop = new DriverLoop(this.core, {
      clock: { nowMs },
      network: this.network,
      timer: this.timer,
      results: {
        settled: (cmd) => {
          const resolve = this.calls.get(cmd.callId);
          if (resolve === undefined) return;
          this.calls.delete(cmd.callId);
          // the settle command is a Settlement already (ok, result, attempts / failure): no copy
          resolve(cmd);
        },
        tableOpened: (cmd) => {
          const resolve = this.opens.get(cmd.requestId);
          if (resolve === undefined) return;
          this.opens.delete(cmd.requestId);
          resolve(
            cmd.ok
              ? { ok: true, appId: cmd.config.app_id, partitionCount: cmd.config.partition_count }
              : { ok: false, failure: cmd.failure },
          );
        },
        ...(observe === undefined ? {} : { observed: (ev: ObservedEvent) => safely(() => observe(ev)) }),
      },
      hooks: this.loopHooks(hooks.trace),
    });
  }

  get isClosed(): boolean {
    return this.closePromise !== null;
  }

  /** `event.callId` is assigned here (the event object is handed to the core as it is: no copy) */
  call(event: Extract<CoreEvent, { type: 'call' }>, signal?: AbortSignal): Promise<Settlement> {
    return new Promise<Settlement>((resolve) => this.start(event, signal, resolve));
  }

  /**
   * call() without a promise of its own: `onSettle` hears the settlement, once. The table's data
   * calls settle their caller's promise from it directly (one promise per call, not two).
   */
  start(
    event: Extract<CoreEvent, { type: 'call' }>,
    signal: AbortSignal | undefined,
    onSettle: (s: Settlement) => void,
  ): void {
    const callId = this.nextId++;
    event.callId = callId;
    if (signal === undefined) {
      this.calls.set(callId, onSettle);
    } else {
      const unwatch = watchAbort(signal, () =>
        this.loop.feed({ type: 'abort', callId, error: 'ERR_ABORTED' }),
      );
      this.calls.set(callId, (s) => {
        unwatch();
        onSettle(s);
      });
    }
    this.loop.feed(event);
  }

  /** a fresh scanner id (ids share the call counter: unique for this driver) */
  newScannerId(): number {
    return this.nextId++;
  }

  /** the next batch of scanner `scannerId` (the first request carries its spec) */
  scanNext(scannerId: number, spec: ScannerSpec | undefined): Promise<Settlement> {
    const callId = this.nextId++;
    return new Promise<Settlement>((resolve) => {
      this.calls.set(callId, resolve);
      this.loop.feed({ type: 'scanNext', callId, scannerId, ...(spec === undefined ? {} : { spec }) });
    });
  }

  /** the scanner stops; a batch it waits for fails with `error` */
  scanClose(scannerId: number, error: string): void {
    if (this.closePromise === null) this.loop.feed({ type: 'scanClose', scannerId, error });
  }

  openTable(table: string, timeoutMs: number, signal?: AbortSignal): Promise<OpenSettlement> {
    const requestId = this.nextId++;
    return new Promise<OpenSettlement>((resolve) => {
      if (signal === undefined) {
        this.opens.set(requestId, resolve);
      } else {
        const unwatch = watchAbort(signal, () =>
          this.loop.feed({ type: 'abortOpen', requestId, table, error: 'ERR_ABORTED' }),
        );
        this.opens.set(requestId, (s) => {
          unwatch();
          resolve(s);
        });
      }
      this.loop.feed({ type: 'openTable', requestId, table, timeoutMs });
    });
  }

  /** settles everything pending (the core does), disarms the timer and releases every socket */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.loop.feed({ type: 'close' });
      // When close() is called from a listener inside the loop, the close event is fed after the
      // current batch: let that finish before waiting for the sockets.
      await null;
      await this.network.released();
    })();
    return this.closePromise;
  }

  private loopHooks(trace: TraceHook | undefined): LoopHooks {
    return {
      ...(trace === undefined
        ? {}
        : {
            beforeHandle: (event: CoreEvent, t: number) =>
              safely(() => trace({ type: 'in', t, event: toPlain(event) })),
          }),
      afterHandle: (event, commands, t) => {
        if (trace !== undefined) {
          for (const cmd of commands) safely(() => trace({ type: 'out', t, cmd: toPlain(cmd) }));
        }
        // after the core closed nothing may keep the process alive or talk to a server
        if (event.type === 'close') {
          this.loop.closeAllLinks();
          this.timer.disarm();
        }
      },
      idle: () => this.updateRefs(),
    };
  }

  /** hold the event loop open only while somebody awaits a result */
  private updateRefs(): void {
    const want = this.calls.size + this.opens.size > 0;
    if (want === this.refd) return;
    this.refd = want;
    this.timer.setRef(want);
    this.network.setRef(want);
  }
}

/** a user hook must not break the driver's loop; its error is reported, not thrown into the core */
function safely(f: () => void): void {
  try {
    f();
  } catch (e) {
    process.emitWarning(
      `pegasus-ts: a trace or event listener threw: ${String(e)}`,
      'PegasusListenerWarning',
    );
  }
}
