// client/pegasus-client.ts and client/node-driver.ts, the edges the driver tests leave: what the
// constructor and openTable refuse and name, where a write's size limit comes from, what connect asks
// meta, off(), closed, the tick a timed-out call's trace shows, and a driver without listeners.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClient,
  PegasusTimeoutError,
  PegasusWriteTooLargeError,
  type TraceRecord,
} from '../client/index.ts';
import { NodeDriver } from '../client/node-driver.ts';
import { DEFAULT_MAX_WRITE_BYTES } from '../client/options.ts';
import { captureWarnings } from './helpers/capture-warnings.ts';
import { args, configReply, FakeServer, QUERY_CFG, reply, tableMissingReply } from './helpers/fake-server.ts';

const B = (s: string) => Buffer.from(s);

/** a server that is the meta and every primary of table "t" (2 partitions); writes succeed, reads are silent */
async function server() {
  const s = await FakeServer.start();
  s.handler = (f) => {
    if (f.name === QUERY_CFG)
      return args(QUERY_CFG, f).app_name === 't' ? configReply(f, 2, () => s.address) : tableMissingReply(f);
    if (f.name === 'RPC_RRDB_RRDB_PUT') return reply(f, 'RPC_RRDB_RRDB_PUT', { error: 0, decree: 1n });
    return 'silent';
  };
  return s;
}

async function stop(client: PegasusClient, s: FakeServer) {
  await client.close();
  await s.drained();
  await s.close();
}

/** the size limit a set of `bytes` bytes of value meets: the error's limit, or 'sent' */
async function limitMet(table: { set: (h: string, s: string, v: Buffer) => Promise<void> }, bytes: number) {
  const e = await table.set('h', 's', Buffer.alloc(bytes)).catch((x: unknown) => x);
  if (e === undefined) return 'sent';
  assert.ok(e instanceof PegasusWriteTooLargeError, String(e));
  return e.limitBytes;
}

describe('client entry: refusals before anything is contacted', () => {
  it("the constructor names 'options' and 'maxWriteBytes'; a bad core option keeps the core's error as cause", () => {
    assert.throws(() => new PegasusClient(5 as never), {
      name: 'PegasusArgumentError',
      message: 'options must be an object, got 5',
    });
    assert.throws(() => new PegasusClient({ metaServers: ['127.0.0.1:1'], maxWriteBytes: 0 }), {
      name: 'PegasusArgumentError',
      message: `maxWriteBytes must be an integer number of bytes from 1 to ${2 ** 31 - 1}, got 0`,
    });
    let caught: unknown;
    try {
      new PegasusClient({ metaServers: ['no-port'] });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof PegasusArgumentError, String(caught));
    assert.equal(caught.message, 'metaServers: "no-port" is not "host:port"');
    assert.ok(caught.cause instanceof TypeError && !(caught.cause instanceof PegasusArgumentError));
    assert.equal((caught.cause as Error).message, caught.message);
  });

  it('openTable names a bad maxWriteBytes, and an aborted signal with its reason, op and table', async () => {
    const client = new PegasusClient({ metaServers: ['127.0.0.1:1'] });
    await assert.rejects(client.openTable('t', { maxWriteBytes: 0 }), {
      name: 'PegasusArgumentError',
      message: `maxWriteBytes must be an integer number of bytes from 1 to ${2 ** 31 - 1}, got 0`,
    });
    const ac = new AbortController();
    const reason = new Error('no');
    ac.abort(reason);
    const e = await client.openTable('t', { signal: ac.signal }).catch((x: unknown) => x);
    assert.ok(e instanceof PegasusAbortError, String(e));
    assert.deepEqual(
      [e.code, e.message, e.cause, e.op, e.table],
      ['ERR_ABORTED', 'opening table "t" aborted before it started', reason, 'openTable', 't'],
    );
    await client.close();
  });

  it('closed: false until close() is called, true after', async () => {
    const client = new PegasusClient({ metaServers: ['127.0.0.1:1'] });
    assert.equal(client.closed, false);
    const closing = client.close();
    assert.equal(client.closed, true);
    await closing;
    assert.equal(client.closed, true);
  });
});

describe('client entry: over a scripted server', () => {
  it("a write's limit: the table's maxWriteBytes, else the client's, else the default", async () => {
    const s = await server();
    const client = await PegasusClient.connect({ metaServers: [s.address], maxWriteBytes: 300 });
    try {
      const own = await client.openTable('t', { maxWriteBytes: 200 });
      const inherited = await client.openTable('t');
      assert.equal(await limitMet(own, 250), 200);
      assert.equal(await limitMet(own, 100), 'sent');
      assert.equal(await limitMet(inherited, 350), 300);
      assert.equal(await limitMet(inherited, 150), 'sent');
    } finally {
      await stop(client, s);
    }
    const s2 = await server();
    const plain = await PegasusClient.connect({ metaServers: [s2.address] });
    try {
      assert.equal(
        await limitMet(await plain.openTable('t'), DEFAULT_MAX_WRITE_BYTES + 10),
        DEFAULT_MAX_WRITE_BYTES,
      );
    } finally {
      await stop(plain, s2);
    }
  });

  it('connect asks meta about the empty table name, which no table can have', async () => {
    const s = await server();
    const client = await PegasusClient.connect({ metaServers: [s.address] });
    try {
      const asked = s.frames(QUERY_CFG).map((f) => args(QUERY_CFG, f).app_name);
      assert.deepEqual(asked, ['']);
    } finally {
      await stop(client, s);
    }
  });

  it('off() removes a listener: it hears nothing after', async () => {
    const s = await server();
    const client = new PegasusClient({ metaServers: [s.address] });
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    client.on('routing', removed);
    client.on('routing', (e) => heard.push(`kept:${e.table}`));
    client.off('routing', removed);
    try {
      await client.openTable('t');
      assert.deepEqual(heard, ['kept:t']);
    } finally {
      await stop(client, s);
    }
  });

  it("a call that times out: the trace shows the tick of the client's timer that failed it", async () => {
    const s = await server();
    const trace: TraceRecord[] = [];
    const client = new PegasusClient({ metaServers: [s.address], trace: (r) => trace.push(r) });
    try {
      const table = await client.openTable('t');
      await assert.rejects(table.get('h', 's', { timeoutMs: 30 }), PegasusTimeoutError);
      const fed = trace.flatMap((r) => (r.type === 'in' ? [r.event as { type: string }] : []));
      assert.ok(
        fed.some((e) => e.type === 'tick'),
        JSON.stringify(fed.map((e) => e.type)),
      );
      assert.ok(fed.every((e) => typeof e.type === 'string' && e.type !== ''));
    } finally {
      await stop(client, s);
    }
  });

  it('a driver without an observe hook runs without warnings', async () => {
    const s = await server();
    const driver = new NodeDriver({ metaServers: [s.address] });
    const { warnings } = await captureWarnings(async () => {
      const opened = await driver.openTable('t', 2000);
      assert.deepEqual(opened, { ok: true, appId: 1, partitionCount: 2 });
      const put = await driver.call({
        type: 'call',
        callId: 0,
        table: 't',
        rpc: 'RPC_RRDB_RRDB_PUT',
        args: { key: B('k'), value: B('v'), expire_ts_seconds: 0 },
        partitionHash: 0n,
        idempotent: true,
        timeoutMs: 2000,
      });
      assert.equal(put.ok, true);
      await driver.close();
    }).finally(async () => {
      await driver.close();
      await s.close();
    });
    assert.deepEqual(
      warnings.map((w) => w.message),
      [],
    );
  });

  it('a throwing trace hook becomes a process warning; the driver keeps working', async () => {
    const s = await server();
    const driver = new NodeDriver(
      { metaServers: [s.address] },
      {
        trace: () => {
          throw new Error('hook bug');
        },
      },
    );
    const { warnings } = await captureWarnings(async () => {
      assert.equal((await driver.openTable('t', 2000)).ok, true);
      await driver.close();
    }).finally(async () => {
      await driver.close();
      await s.close();
    });
    assert.ok(warnings.length > 0);
    assert.deepEqual(
      [warnings[0]!.name, warnings[0]!.message],
      ['PegasusListenerWarning', 'pegasus-ts: a trace or event listener threw: Error: hook bug'],
    );
  });
});
