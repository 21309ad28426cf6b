// The control endpoint: plain HTTP/JSON on loopback.
//   POST /fault  {"node": "host:port", "kind": "crash|hang|coredump|restart|partition|heal|slow|busy|leader", "ms": N}
//   GET  /state  every partition's configuration and every node's state
// Bad input gets 400 with {"error": "..."}.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultRequest, type FaultResult, parseFaultRequest } from '../cluster/faults.ts';
import type { ClusterState } from '../cluster/state.ts';

export interface ControlTarget {
  fault(request: FaultRequest): FaultResult;
  state(): ClusterState;
}

export interface ControlServer {
  /** 'host:port' */
  readonly address: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(target: ControlTarget, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/state') {
    if (req.method !== 'GET') {
      send(res, 405, { error: 'use GET /state' });
      return;
    }
    send(res, 200, target.state());
    return;
  }
  if (path !== '/fault') {
    send(res, 404, { error: 'not found; use POST /fault or GET /state' });
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, { error: 'use POST /fault' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) {
      send(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(res, 400, { error: 'body is not valid JSON' });
      return;
    }
    const parsed = parseFaultRequest(body);
    if ('error' in parsed) {
      send(res, 400, { error: parsed.error });
      return;
    }
    const result = target.fault(parsed);
    if (!result.ok) {
      send(res, 400, { error: result.error });
      return;
    }
    send(res, 200, { ok: true, message: result.message });
    return;
  });
}

export function startControlServer(
  target: ControlTarget,
  host: string,
  port: number,
): Promise<ControlServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => handle(target, req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        address: `${host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
