// The control endpoint: plain HTTP/JSON on loopback.
//   POST /fault  {"node": "host:port", "kind": "crash|hang|...|leader|throttle-backup", "ms": N}
//   POST /split  {"table": "temp", "cancel": false}
//   POST /table  {"name": "temp", "action": "create" | "drop", "partitions": N, "replicas": N}
//   GET  /state  every partition's configuration and every node's state
// Bad input gets 400 with {"error": "..."}; an unknown table 404; a request the cluster's state
// refuses (table exists, already splitting, a child already registered) 409.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultRequest, type FaultResult, parseFaultRequest } from '../cluster/faults.ts';
import type { ClusterState } from '../cluster/state.ts';
import {
  parseSplitRequest,
  parseTableRequest,
  type SplitRequest,
  type TableRequest,
  type TopologyResult,
} from '../cluster/topology-requests.ts';

export interface ControlTarget {
  fault(request: FaultRequest): FaultResult;
  split(request: SplitRequest): TopologyResult;
  table(request: TableRequest): TopologyResult;
  state(): ClusterState;
}

type PostRoute = (target: ControlTarget, body: unknown) => { status: number; body: unknown };

function topology<R>(
  parse: (b: unknown) => R | { error: string },
  run: (t: ControlTarget, r: R) => TopologyResult,
): PostRoute {
  return (target, body) => {
    const parsed = parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      return { status: 400, body: { error: parsed.error } };
    }
    const result = run(target, parsed as R);
    if (!result.ok) return { status: result.status, body: { error: result.error } };
    return { status: 200, body: result };
  };
}

const POST_ROUTES: Record<string, PostRoute> = {
  '/fault': (target, body) => {
    const parsed = parseFaultRequest(body);
    if ('error' in parsed) return { status: 400, body: { error: parsed.error } };
    const result = target.fault(parsed);
    if (!result.ok) return { status: 400, body: { error: result.error } };
    return { status: 200, body: { ok: true, message: result.message } };
  },
  '/split': topology(parseSplitRequest, (t, r) => t.split(r)),
  '/table': topology(parseTableRequest, (t, r) => t.table(r)),
};

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
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/state') {
    if (req.method !== 'GET') {
      send(res, 405, { error: 'use GET /state' });
      return;
    }
    send(res, 200, target.state());
    return;
  }
  const route = Object.hasOwn(POST_ROUTES, path) ? POST_ROUTES[path] : undefined;
  if (route === undefined) {
    send(res, 404, { error: 'not found; use POST /fault, POST /split, POST /table or GET /state' });
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, { error: `use POST ${path}` });
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
    const answer = route(target, body);
    send(res, answer.status, answer.body);
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
