// The driver's socket layer: loss reasons, no report after destroy, stale links ignored, and a
// client with nothing pending does not keep the process alive.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { NodeDriver } from '../client/node-driver.ts';
import { type LinkSink, SocketLink } from '../client/socket-link.ts';
import type { ConnectionLossReason } from '../core/client/index.ts';
import { encodeRequest, encodeResponse } from '../core/wire/index.ts';
import { args, configReply, FakeServer, QUERY_CFG, refusedAddress } from './helpers/fake-server.ts';

class Spy implements LinkSink {
  readonly log: string[] = [];
  private waiters: Array<() => void> = [];
  connected(): void {
    this.push('connected');
  }
  data(_l: SocketLink, bytes: Buffer): void {
    this.push(`data:${bytes.length}`);
  }
  lost(_l: SocketLink, reason: ConnectionLossReason): void {
    this.push(`lost:${reason}`);
  }
  next(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  private push(s: string): void {
    this.log.push(s);
    for (const w of this.waiters.splice(0)) w();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('SocketLink', () => {
  it('a refused connect is reported once as refused', async () => {
    const spy = new Spy();
    const link = new SocketLink(await refusedAddress(), spy, true);
    await spy.next();
    await link.closed;
    await settle();
    assert.deepEqual(spy.log, ['lost:refused']);
  });

  it('peer close is "closed", peer reset is "reset"', async () => {
    for (const [how, reason] of [
      ['close', 'closed'],
      ['reset', 'reset'],
    ] as const) {
      const server = await FakeServer.start(() => how);
      const spy = new Spy();
      const link = new SocketLink(server.address, spy, true);
      await spy.next();
      // any request frame makes the server act
      link.write([
        encodeRequest('RPC_RRDB_RRDB_GET', 1, Buffer.from('k'), {
          app_id: 1,
          partition_index: 0,
          client_timeout_ms: 100,
          partition_hash: 0n,
          is_backup_request: false,
        }),
      ]);
      await spy.next();
      await link.closed;
      await settle();
      assert.deepEqual(spy.log, ['connected', `lost:${reason}`]);
      await server.close();
    }
  });

  it('a destroyed link reports nothing, not even its own close', async () => {
    const server = await FakeServer.start();
    const spy = new Spy();
    const link = new SocketLink(server.address, spy, true);
    await spy.next();
    link.destroy();
    await link.closed;
    await settle();
    assert.deepEqual(spy.log, ['connected']);
    assert.equal(link.isDead, true);
    await server.drained();
    await server.close();
  });
});

describe('NodeDriver', () => {
  it('arms no timer and holds no socket after close', async () => {
    const server = await FakeServer.start((f) =>
      f.name === QUERY_CFG && args(QUERY_CFG, f).app_name === 't'
        ? configReply(f, 1, () => server.address)
        : 'silent',
    );
    const driver = new NodeDriver({ metaServers: [server.address] });
    const opened = await driver.openTable('t', 1000);
    assert.equal(opened.ok, true);
    assert.ok(driver.core.nextTimerMs() !== null, 'routing keeps a poll/quiet timer while open');
    await driver.close();
    assert.equal(driver.core.nextTimerMs(), null);
    assert.deepEqual(driver.core.openConnections(), []);
    await server.drained();
    await server.close();
  });
});

describe('process lifetime', () => {
  it('a client with nothing pending lets the process exit without close()', async () => {
    const server = await FakeServer.start((f) =>
      f.name === QUERY_CFG
        ? configReply(f, 1, () => server.address)
        : encodeResponse('RPC_RRDB_RRDB_GET', f.seqid, 'ERR_OK', {
            error: 0,
            value: Buffer.from('v'),
            app_id: 1,
            partition_index: 0,
            server: '',
          }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'pegasus-ts-exit-'));
    const entry = pathToFileURL(resolve(import.meta.dirname, '../client/index.ts')).href;
    const script = join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { PegasusClient } from ${JSON.stringify(entry)};
       const c = await PegasusClient.connect({ metaServers: [${JSON.stringify(server.address)}] });
       const t = await c.openTable('t');
       console.log(String(await t.get('h', 's')));`,
    );
    try {
      const started = performance.now();
      const out = await new Promise<string>((res, rej) =>
        execFile(process.execPath, ['--import', 'tsx', script], { timeout: 10_000 }, (err, stdout) =>
          err ? rej(err) : res(stdout),
        ),
      );
      assert.equal(out.trim(), 'v');
      // connections stay open but unreferenced: the child ends as soon as its work is done
      assert.ok(performance.now() - started < 8000, 'performance.now() - started < 8000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  });
});
