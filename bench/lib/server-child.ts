// Starts bench/server.ts as a child process and talks to it over its stdio line protocol.
// Every child is killed: by stop(), and as a last resort when the bench process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClusterState, FaultRequest, FaultResult } from '../../onebox/index.ts';
import { epochMs } from './clock.ts';
import type { CpuSample, ServerMessage, ServerSpec } from './server-protocol.ts';

const SERVER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'server.ts');
const START_TIMEOUT_MS = 20_000;
const REPLY_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 3_000;
const CLOCK_PINGS = 30;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

type Event = Extract<ServerMessage, { type: 'config' | 'process' }>;

export class ServerChild {
  readonly events: Event[] = [];
  private readonly waiting = new Map<number, (m: ServerMessage) => void>();
  private nextId = 1;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly metas: string[],
    readonly replicas: string[],
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(spec: ServerSpec): Promise<ServerChild> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT, JSON.stringify(spec)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const lines = createInterface({ input: child.stdout! });
    let server: ServerChild | undefined;
    const ready = new Promise<ServerChild>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('bench server did not start in time')),
        START_TIMEOUT_MS,
      );
      child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
      lines.on('line', (line) => {
        const m = JSON.parse(line) as ServerMessage;
        if (m.type === 'ready') {
          clearTimeout(timer);
          server = new ServerChild(child, m.metas, m.replicas, m.pid);
          resolve(server);
        } else server?.receive(m);
      });
    });
    try {
      return await ready;
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
  }

  state(): Promise<ClusterState> {
    return this.ask('state').then((m) => (m as { state: ClusterState }).state);
  }

  cpu(): Promise<CpuSample> {
    return this.ask('cpu').then((m) => (m as { cpu: CpuSample }).cpu);
  }

  async fault(fault: FaultRequest): Promise<void> {
    const r = ((await this.ask('fault', { fault })) as { fault: FaultResult }).fault;
    if (!r.ok) throw new Error(`fault refused: ${r.error}`);
  }

  /**
   * The child's epoch clock minus ours, in ms. Each process's epoch time comes from its own start-up
   * reading of the wall clock, which can be off by a millisecond or two between processes: too much
   * for sub-millisecond timings. The ping with the shortest round trip bounds the error by half of it.
   */
  async clockOffsetMs(): Promise<{ offsetMs: number; errorMs: number }> {
    let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < CLOCK_PINGS; i++) {
      const sent = epochMs();
      const now = ((await this.ask('now')) as { now: number }).now;
      const received = epochMs();
      const half = (received - sent) / 2;
      if (half < best.errorMs) best = { offsetMs: now - (sent + half), errorMs: half };
    }
    return best;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private receive(m: ServerMessage): void {
    if (m.type === 'reply') {
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.(m);
    } else if (m.type === 'config' || m.type === 'process') this.events.push(m);
  }

  private ask(cmd: string, extra: object = {}): Promise<ServerMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`bench server did not answer ${cmd}`));
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child.stdin!.write(`${JSON.stringify({ id, cmd, ...extra })}\n`);
    });
  }
}
