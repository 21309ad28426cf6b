// Starts the soak's onebox as a child process and talks to its HTTP control endpoint.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { TableSpec } from '../onebox/index.ts';

export interface OneboxInfo {
  metas: string[];
  replicas: string[];
  tables: Record<string, { appId: number; partitionCount: number }>;
  control: string;
}

export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class OneboxProcess {
  private constructor(
    readonly info: OneboxInfo,
    private readonly child: ChildProcess,
  ) {}

  static async start(opts: {
    tables: TableSpec[];
    detectMs: number;
    splitMs: number;
    logFile: string;
  }): Promise<OneboxProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'onebox-child.ts'), JSON.stringify(opts)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = createWriteStream(opts.logFile);
    child.stderr!.pipe(log);
    const info = await new Promise<OneboxInfo>((resolve, reject) => {
      let buf = '';
      const onData = (chunk: Buffer) => {
        buf += chunk.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          child.stdout!.off('data', onData);
          try {
            resolve(JSON.parse(buf.slice(0, nl)) as OneboxInfo);
          } catch (e) {
            reject(e);
          }
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`onebox exited with ${code} before it started`)));
    });
    child.stdout!.resume();
    return new OneboxProcess(info, child);
  }

  /** one HTTP request to the control endpoint, no keep-alive (no socket outlives it) */
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ControlAnswer> {
    const [host, port] = this.info.control.split(':');
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host,
          port: Number(port),
          method,
          path,
          agent: false,
          timeout: 10_000,
          headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => {
            let parsed: Record<string, unknown>;
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = { raw: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('control request timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** the child's pid (the fuzzer reads its peak memory from /proc) */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** CPU time and RSS of the onebox process are not the client's: only its liveness is checked */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    // 'close', not 'exit': the process handle and its pipes are released only then
    const exited = new Promise<void>((r) => this.child.once('close', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}
