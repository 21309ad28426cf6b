// The TCP onebox end to end: RPCs over real sockets, the HTTP control endpoint, and the CLI.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { startTcpOnebox } from '../onebox/index.ts';
import { bytes, queryTcp, routeIn, text } from './helpers/onebox-fixtures.ts';
import { fullKey, TcpRawClient } from './helpers/onebox-raw-client.ts';

async function http(control: string, method: string, path: string, body?: string) {
  const init: RequestInit = { method, signal: AbortSignal.timeout(3000) };
  if (body !== undefined) {
    init.body = body;
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(`http://${control}${path}`, init);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('onebox over TCP', () => {
  it('serves meta and replica RPCs on loopback ports', async () => {
    const box = await startTcpOnebox({ metas: 2, detectMs: 1000 });
    const clients: TcpRawClient[] = [];
    try {
      assert.ok(box.metas.every((a) => a.startsWith('127.0.0.1:')));
      const meta = await TcpRawClient.connect(box.metas[0]!);
      clients.push(meta);
      const cfg = await queryTcp(meta, 'temp');
      assert.equal(cfg.partition_count, 8);
      const route = routeIn(cfg, 'tcp');
      const c = await TcpRawClient.connect(route.config.primary);
      clients.push(c);
      const put = await c.ok(
        'RPC_RRDB_RRDB_PUT',
        { key: fullKey('tcp', 's'), value: bytes('v'), expire_ts_seconds: 0 },
        {
          header: route.header,
        },
      );
      assert.equal(put.server, route.config.primary);
      assert.equal(
        text((await c.ok('RPC_RRDB_RRDB_GET', fullKey('tcp', 's'), { header: route.header })).value),
        'v',
      );
      const follower = await TcpRawClient.connect(box.metas[1]!);
      clients.push(follower);
      const fwd = await queryTcp(follower, 'temp');
      assert.equal(fwd.err, 'ERR_FORWARD_TO_OTHERS');
      assert.equal(fwd.partitions[0]!.primary, box.metas[0]);
    } finally {
      for (const c of clients) c.close();
      await box.close();
    }
  });

  it('control endpoint: POST /fault, GET /state, 400 on bad input', async () => {
    const box = await startTcpOnebox({ detectMs: 1000, tables: [{ name: 't', partitionCount: 4 }] });
    try {
      const state = await http(box.control, 'GET', '/state');
      assert.equal(state.status, 200);
      const tables = state.json.tables as Array<{
        name: string;
        partitions: Array<{ ballot: number; primary: string; secondaries: string[] }>;
      }>;
      assert.equal(tables[0]!.name, 't');
      assert.equal(tables[0]!.partitions.length, 4);
      assert.equal(tables[0]!.partitions[0]!.ballot, 3);
      assert.equal(tables[0]!.partitions[0]!.secondaries.length, 2);
      assert.equal((state.json.replicas as unknown[]).length, 3);
      assert.equal(state.json.leader, box.metas[0]);

      const node = box.replicas[0]!;
      const ok = await http(box.control, 'POST', '/fault', JSON.stringify({ node, kind: 'busy', ms: 5000 }));
      assert.equal(ok.status, 200);
      assert.equal(ok.json.ok, true);
      const after = await http(box.control, 'GET', '/state');
      const replica = (after.json.replicas as Array<{ address: string; busy: boolean }>).find(
        (r) => r.address === node,
      );
      assert.equal(replica?.busy, true);
      assert.equal(
        (await http(box.control, 'POST', '/fault', JSON.stringify({ node, kind: 'crash' }))).status,
        200,
      );
      const crashed = await http(box.control, 'GET', '/state');
      assert.equal((crashed.json.replicas as Array<{ process: string }>)[0]!.process, 'crashed');

      const bad: Array<[string, RegExp]> = [
        ['not json', /JSON/],
        ['[]', /object/],
        [JSON.stringify({ kind: 'crash' }), /node/],
        [JSON.stringify({ node, kind: 'explode' }), /kind/],
        [JSON.stringify({ node, kind: 'slow' }), /ms.*required/],
        [JSON.stringify({ node, kind: 'hang', ms: -1 }), /ms/],
        [JSON.stringify({ node, kind: 'hang', extra: 1 }), /unknown field/],
        [JSON.stringify({ node: '127.0.0.1:1', kind: 'crash' }), /unknown node/],
        [JSON.stringify({ node: box.metas[0], kind: 'busy' }), /replica/],
      ];
      for (const [body, message] of bad) {
        const r = await http(box.control, 'POST', '/fault', body);
        assert.equal(r.status, 400, body);
        assert.match(String(r.json.error), message, body);
      }
      assert.equal((await http(box.control, 'GET', '/nope')).status, 404);
      assert.equal((await http(box.control, 'POST', '/state', '{}')).status, 405);
      assert.equal((await http(box.control, 'GET', '/fault')).status, 405);
    } finally {
      await box.close();
    }
  });

  it('CLI: prints one JSON line, serves, and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'onebox/cli.ts',
        '--meta-port',
        '0',
        '--replicas',
        '3',
        '--partitions',
        '4',
        '--table',
        'demo',
        '--detect-ms',
        '3000',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(out.slice(0, nl));
        });
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const info = JSON.parse(line) as {
        metas: string[];
        replicas: string[];
        tables: Record<string, { appId: number; partitionCount: number }>;
        control: string;
      };
      assert.equal(info.metas.length, 1);
      assert.equal(info.replicas.length, 3);
      assert.deepEqual(info.tables, { demo: { appId: 1, partitionCount: 4 } });
      const state = await http(info.control, 'GET', '/state');
      assert.equal(state.status, 200);
      const meta = await TcpRawClient.connect(info.metas[0]!);
      assert.equal((await queryTcp(meta, 'demo')).partition_count, 4);
      meta.close();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    } finally {
      clearTimeout(killTimer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('CLI: bad arguments exit with status 2 and a usage line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'onebox/cli.ts', '--metas', 'many'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err += c;
    });
    const [code] = await once(child, 'exit');
    clearTimeout(killTimer);
    assert.equal(code, 2);
    assert.match(err, /usage/);
  });
});
