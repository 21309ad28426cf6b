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

  it('control endpoint: POST /split and POST /table, their refusals, and what GET /state shows', async () => {
    const box = await startTcpOnebox({
      detectMs: 1000,
      splitMs: 100,
      tables: [{ name: 't', partitionCount: 2 }],
    });
    try {
      type Table = {
        name: string;
        appId: number;
        partitionCount: number;
        validatePartitionHash: boolean;
        split?: {
          fromPartitionCount: number;
          parents: Array<{ index: number; child: number; phase: string }>;
        };
        partitions: Array<{ ballot: number }>;
      };
      const tableT = async () =>
        ((await http(box.control, 'GET', '/state')).json.tables as Table[]).find((t) => t.name === 't')!;
      assert.equal((await tableT()).validatePartitionHash, false);
      const split = await http(box.control, 'POST', '/split', JSON.stringify({ table: 't' }));
      assert.equal(split.status, 200, JSON.stringify(split.json));
      const during = await tableT();
      assert.equal(during.partitionCount, 4);
      assert.equal(during.validatePartitionHash, true);
      assert.deepEqual(during.split?.fromPartitionCount, 2);
      assert.deepEqual(
        during.split?.parents.map((p) => [p.index, p.child]),
        [
          [0, 2],
          [1, 3],
        ],
      );
      assert.deepEqual(
        during.partitions.map((p) => p.ballot < 0),
        [false, false, true, true],
      );
      assert.equal((await http(box.control, 'POST', '/split', JSON.stringify({ table: 't' }))).status, 409);
      const deadline = Date.now() + 5000;
      while ((await tableT()).split !== undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.ok((await tableT()).partitions.every((p) => p.ballot > 0));
      const cancel = await http(box.control, 'POST', '/split', JSON.stringify({ table: 't', cancel: true }));
      assert.equal(cancel.status, 409);

      const created = await http(
        box.control,
        'POST',
        '/table',
        JSON.stringify({ name: 'u', action: 'create', partitions: 4, replicas: 2 }),
      );
      assert.equal(created.status, 200, JSON.stringify(created.json));
      assert.equal(created.json.partitionCount, 4);
      const appId = created.json.appId as number;
      assert.equal(
        (await http(box.control, 'POST', '/table', JSON.stringify({ name: 'u', action: 'create' }))).status,
        409,
      );
      assert.equal(
        (await http(box.control, 'POST', '/table', JSON.stringify({ name: 'u', action: 'drop' }))).status,
        200,
      );
      assert.equal(
        (await http(box.control, 'POST', '/table', JSON.stringify({ name: 'u', action: 'drop' }))).status,
        404,
      );
      const again = await http(
        box.control,
        'POST',
        '/table',
        JSON.stringify({ name: 'u', action: 'create' }),
      );
      assert.equal(again.status, 200);
      assert.ok((again.json.appId as number) > appId);

      const node = box.replicas[0]!;
      const throttle = await http(
        box.control,
        'POST',
        '/fault',
        JSON.stringify({ node, kind: 'throttle-backup' }),
      );
      assert.equal(throttle.status, 200);
      type Replica = { address: string; throttlingBackup: boolean; backupRequests: Record<string, number> };
      const replicaState = async () =>
        ((await http(box.control, 'GET', '/state')).json.replicas as Replica[]).find(
          (r) => r.address === node,
        )!;
      assert.equal((await replicaState()).throttlingBackup, true);
      assert.deepEqual((await replicaState()).backupRequests, {
        served: 0,
        dropped: 0,
        refused: 0,
        flaggedWrites: 0,
      });
      await http(box.control, 'POST', '/fault', JSON.stringify({ node, kind: 'heal' }));
      assert.equal((await replicaState()).throttlingBackup, false);

      const bad: Array<[string, string, RegExp]> = [
        ['/split', '{}', /table/],
        ['/split', JSON.stringify({ table: 't', cancel: 'yes' }), /cancel/],
        ['/split', JSON.stringify({ table: 't', force: true }), /unknown field/],
        ['/table', JSON.stringify({ name: 'v' }), /action/],
        ['/table', JSON.stringify({ name: 'v', action: 'create', partitions: 0 }), /partitions/],
        ['/table', JSON.stringify({ name: 'v', action: 'drop', partitions: 4 }), /create only/],
        ['/table', JSON.stringify({ name: '', action: 'drop' }), /name/],
      ];
      for (const [path, body, message] of bad) {
        const r = await http(box.control, 'POST', path, body);
        assert.equal(r.status, 400, body);
        assert.match(String(r.json.error), message, body);
      }
      assert.equal(
        (await http(box.control, 'POST', '/split', JSON.stringify({ table: 'nope' }))).status,
        404,
      );
      assert.equal((await http(box.control, 'GET', '/split')).status, 405);
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
        '--split-ms',
        '0',
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
      // a split over the control endpoint (children register at once with --split-ms 0)
      assert.equal(
        (await http(info.control, 'POST', '/split', JSON.stringify({ table: 'demo' }))).status,
        200,
      );
      const until = Date.now() + 10_000;
      let cfg = await queryTcp(meta, 'demo');
      while (cfg.partitions.some((p) => p.ballot < 0n) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        cfg = await queryTcp(meta, 'demo');
      }
      assert.equal(cfg.partition_count, 8);
      assert.ok(cfg.partitions.every((p) => p.ballot > 0n));
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
