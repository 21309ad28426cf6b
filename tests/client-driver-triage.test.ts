// client/node-driver.ts's scan paths (scanNext, scanClose) over a scripted server, in-process: a scan
// yields the server's batches, leaving it early clears the server's context at once, and a scanner
// ended after client.close() feeds the closed core nothing. Pinned because only the TCP onebox scan
// test reached these lines, and mutants of them survived the driver runs. Also NodeNetwork's
// starting keep-alive state (client/node-ports.ts, client/socket-link.ts): a socket opened before any
// ref switch does not hold the process (a child process shows it). And client/metrics.ts's answer to
// meterProvider 'global' when the optional peer dependency @opentelemetry/api is not installed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  PegasusArgumentError,
  PegasusClient,
  type PegasusScanner,
  type TraceRecord,
} from '../client/index.ts';
import { encodeKey } from '../core/routing/index.ts';
import type { RequestFrame } from '../core/wire/index.ts';
import type { KeyValue } from '../core/wire/types.ts';
import { args, configReply, FakeServer, QUERY_CFG, reply, tableMissingReply } from './helpers/fake-server.ts';

const GET_SCANNER = 'RPC_RRDB_RRDB_GET_SCANNER';
const SCAN = 'RPC_RRDB_RRDB_SCAN';
const CLEAR = 'RPC_RRDB_RRDB_CLEAR_SCANNER';
const CONTEXT = 5n;

const kv = (h: string, s: string): KeyValue => ({
  key: encodeKey(Buffer.from(h), Buffer.from(s)),
  value: Buffer.from(`v${s}`),
});

/**
 * The meta and only primary of table "t" (1 partition): get_scanner answers s1, s2 and keeps
 * context 5 open; a scan of it answers s3 and completes, unless `scanSilent`.
 */
async function scanServer(scanSilent = false): Promise<FakeServer> {
  const s = await FakeServer.start();
  s.handler = (f: RequestFrame) => {
    if (f.name === QUERY_CFG)
      return args(QUERY_CFG, f).app_name === 't' ? configReply(f, 1, () => s.address) : tableMissingReply(f);
    if (f.name === GET_SCANNER)
      return reply(f, GET_SCANNER, { error: 0, kvs: [kv('h', '1'), kv('h', '2')], context_id: CONTEXT });
    if (f.name === SCAN && !scanSilent)
      return reply(f, SCAN, { error: 0, kvs: [kv('h', '3')], context_id: -1n });
    return 'silent';
  };
  return s;
}

/** rejects when `p` has not settled within `ms` (a scan the driver never fed to the core stalls) */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function untilTrue(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

async function sortKeys(scanner: PegasusScanner): Promise<string[]> {
  const out: string[] = [];
  for await (const r of scanner) out.push(r.sortKey.toString());
  return out;
}

/** every test ends by itself: a stalled call or sleep fails it */
const LIMIT = { timeout: 20_000 };

describe('NodeDriver: scans over a scripted server', () => {
  it('a scan yields every batch the server sends, the first request carrying the spec', LIMIT, async () => {
    const s = await scanServer();
    const client = await PegasusClient.connect({ metaServers: [s.address], timeoutMs: 2000 });
    try {
      const t = await client.openTable('t');
      assert.deepEqual(await within(sortKeys(t.scan('h', { batchSize: 2 })), 3000, 'scan'), ['1', '2', '3']);
      assert.equal(s.frames(GET_SCANNER).length, 1);
      assert.equal(args(GET_SCANNER, s.frames(GET_SCANNER)[0]!).batch_size, 2);
      assert.deepEqual(
        s.frames(SCAN).map((f) => args(SCAN, f).context_id),
        [CONTEXT],
      );
    } finally {
      await client.close();
      await s.close();
    }
  });

  it(
    "leaving a scan early clears the server's context at once, before the client closes",
    LIMIT,
    async () => {
      const s = await scanServer();
      const client = await PegasusClient.connect({ metaServers: [s.address], timeoutMs: 2000 });
      try {
        const t = await client.openTable('t');
        const seen: string[] = [];
        await within(
          (async () => {
            for await (const r of t.scan('h')) {
              seen.push(r.sortKey.toString());
              break;
            }
          })(),
          3000,
          'scan',
        );
        assert.deepEqual(seen, ['1']);
        assert.ok(
          await untilTrue(() => s.frames(CLEAR).length > 0, 2000),
          'no clear_scanner reached the server',
        );
        assert.deepEqual(
          s.frames(CLEAR).map((f) => args(CLEAR, f)),
          [CONTEXT],
        );
        assert.equal(s.frames(SCAN).length, 0);
      } finally {
        await client.close();
        await s.close();
      }
    },
  );

  it(
    'an abort while a batch is awaited ends the scan at once, though the server never answers',
    LIMIT,
    async () => {
      const s = await scanServer(true);
      const client = await PegasusClient.connect({ metaServers: [s.address], timeoutMs: 2000 });
      try {
        const t = await client.openTable('t');
        const ac = new AbortController();
        const scanner = t.scan('h', { signal: ac.signal });
        assert.equal((await within(scanner.next(), 3000, 'first batch')).value?.sortKey.toString(), '1');
        assert.equal((await scanner.next()).value?.sortKey.toString(), '2');
        const pending = scanner.next();
        assert.ok(
          await untilTrue(() => s.frames(SCAN).length > 0, 2000),
          'the second batch was not asked for',
        );
        ac.abort(new Error('stop'));
        await assert.rejects(within(pending, 1000, 'the aborted batch'), { name: 'PegasusAbortError' });
      } finally {
        await client.close();
        await s.close();
      }
    },
  );

  it('two scanners open at once each read their own records', LIMIT, async () => {
    // the server answers each hash key's get_scanner with that key's records, one batch, complete
    const s = await FakeServer.start();
    s.handler = (f: RequestFrame) => {
      if (f.name === QUERY_CFG)
        return args(QUERY_CFG, f).app_name === 't'
          ? configReply(f, 1, () => s.address)
          : tableMissingReply(f);
      if (f.name === GET_SCANNER) {
        const h = args(GET_SCANNER, f).start_key.subarray(2, 3).toString();
        return reply(f, GET_SCANNER, { error: 0, kvs: [kv(h, '1'), kv(h, '2')], context_id: -1n });
      }
      return 'silent';
    };
    const client = await PegasusClient.connect({ metaServers: [s.address], timeoutMs: 2000 });
    try {
      const t = await client.openTable('t');
      const a = t.scan('a');
      const b = t.scan('b');
      const first = await within(a.next(), 3000, 'scanner a');
      const fromB = await within(sortKeys(b), 3000, 'scanner b');
      const restOfA = await within(sortKeys(a), 3000, 'scanner a');
      assert.deepEqual([first.value?.hashKey.toString(), fromB, restOfA], ['a', ['1', '2'], ['2']]);
      assert.equal(s.frames(GET_SCANNER).length, 2);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('a scanner ended after client.close() feeds the closed core nothing', LIMIT, async () => {
    const s = await scanServer();
    const trace: TraceRecord[] = [];
    const traced = new PegasusClient({
      metaServers: [s.address],
      timeoutMs: 2000,
      trace: (r) => trace.push(r),
    });
    try {
      const t = await traced.openTable('t');
      const scanner = t.scan('h');
      assert.equal((await within(scanner.next(), 3000, 'first batch')).value?.sortKey.toString(), '1');
      await traced.close();
      const fedType = (r: TraceRecord) => (r.type === 'in' ? (r.event as { type: string }).type : null);
      const closeAt = trace.findIndex((r) => fedType(r) === 'close');
      assert.ok(closeAt >= 0);
      await scanner.return();
      const after = trace.slice(closeAt + 1).flatMap((r) => {
        const type = fedType(r);
        return type === null ? [] : [type];
      });
      assert.deepEqual(after, []);
    } finally {
      await traced.close();
      await s.close();
    }
  });
});

/**
 * Runs `code` (a module; ADDRESS and NETWORK_URL are given) in a child process; resolves with its
 * stdout once it exits. Fails when it still runs `afterOpenMs` after printing "open".
 */
async function childExit(code: string, address: string, afterOpenMs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pegasus-ts-ref-'));
  const script = join(dir, 'child.mts');
  const url = pathToFileURL(resolve(import.meta.dirname, '../client/node-ports.ts')).href;
  writeFileSync(
    script,
    `const ADDRESS = ${JSON.stringify(address)};\nconst NETWORK_URL = ${JSON.stringify(url)};\n${code}`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let late: NodeJS.Timeout | undefined;
  // tsx's start-up alone can take seconds under load: the limit before "open" is generous
  const startLimit = setTimeout(() => child.kill(), 30_000);
  try {
    return await new Promise<string>((res, rej) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (late === undefined && out.includes('open'))
          late = setTimeout(() => {
            child.kill();
            rej(new Error(`the child still ran ${afterOpenMs} ms after its socket opened`));
          }, afterOpenMs);
      });
      child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`child exit ${code}: ${out}`))));
    });
  } finally {
    clearTimeout(startLimit);
    clearTimeout(late);
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('NodeNetwork: keep-alive before any ref switch', () => {
  it('a socket opened before setRef was ever called does not keep the process alive', LIMIT, async () => {
    // the server keeps every connection open: only the child's own reference could end it
    const conns = new Set<Socket>();
    const server = createServer((c) => {
      conns.add(c);
      c.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const out = await childExit(
        `const { NodeNetwork } = await import(NETWORK_URL);
         // holds the child until the socket is open; after that only the socket could
         const hold = setTimeout(() => {}, 20_000);
         new NodeNetwork().open(ADDRESS, {
           opened() { console.log('open'); clearTimeout(hold); },
           data() {},
           lost(_l, reason) { console.log('lost ' + reason); clearTimeout(hold); },
         });`,
        address,
        3000,
      );
      assert.equal(out.trim(), 'open');
    } finally {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("meterProvider 'global' without @opentelemetry/api", () => {
  it('the constructor refuses it with an argument error that says what to install', () => {
    // the package is a dev dependency here: hide it the way a missing package fails (require throws
    // MODULE_NOT_FOUND), for this test only
    const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = M._load;
    const missing = Object.assign(new Error("Cannot find module '@opentelemetry/api'"), {
      code: 'MODULE_NOT_FOUND',
    });
    M._load = function (this: unknown, request: string, ...rest: unknown[]) {
      if (request === '@opentelemetry/api') throw missing;
      return load.call(this, request, ...rest);
    };
    try {
      let caught: unknown;
      try {
        new PegasusClient({ metaServers: ['127.0.0.1:1'], meterProvider: 'global' });
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof PegasusArgumentError, String(caught));
      assert.equal(
        caught.message,
        "meterProvider 'global' needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api): Error: Cannot find module '@opentelemetry/api'",
      );
    } finally {
      M._load = load;
    }
  });
});
