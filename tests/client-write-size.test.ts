// Issue 15.2: write sizes. A write over maxWriteBytes fails with PegasusWriteTooLargeError before
// anything is sent; the server's ERR_INVALID_DATA on a write is not retried and gets the same class.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusArgumentError, PegasusClient, PegasusWriteTooLargeError } from '../client/index.ts';
import { SPLIT_FROM_BYTES } from '../core/client/attempts.ts';
import { encodeKey } from '../core/routing/index.ts';
import { encodeRequest, encodeRequestParts, requestBodyBytes } from '../core/wire/index.ts';
import { startTcpOnebox } from '../onebox/index.ts';
import { configReply, FakeServer, QUERY_CFG } from './helpers/fake-server.ts';

/** one server: meta and primary of table "t"; every data RPC answered OK-ish by `reply` */
async function world(maxWriteBytes?: number) {
  const server = await FakeServer.start((f) =>
    f.name === QUERY_CFG ? configReply(f, 1, () => server.address) : 'silent',
  );
  const client = await PegasusClient.connect(
    maxWriteBytes === undefined
      ? { metaServers: [server.address] }
      : { metaServers: [server.address], maxWriteBytes },
  );
  const table = await client.openTable('t');
  const dataFrames = () => server.received.filter((f) => f.name !== QUERY_CFG).length;
  const done = async () => {
    await client.close();
    await server.close();
  };
  return { server, client, table, dataFrames, done };
}

/** the body of a set of `valueBytes` under hash key "h", sort key "s" */
const setBody = (valueBytes: number) =>
  requestBodyBytes('RPC_RRDB_RRDB_PUT', {
    key: encodeKey(Buffer.from('h'), Buffer.from('s')),
    value: Buffer.alloc(valueBytes),
    expire_ts_seconds: 0,
  });

describe('write sizes', { timeout: 30_000 }, () => {
  it('a set over the default 1 MiB fails at once, nothing sent, with its size and the limit', async () => {
    const w = await world();
    try {
      const t0 = performance.now();
      const e = await w.table.set('h', 's', Buffer.alloc(1024 * 1024)).catch((x: unknown) => x);
      assert.ok(e instanceof PegasusWriteTooLargeError, String(e));
      assert.equal(e.code, 'ERR_WRITE_TOO_LARGE');
      assert.equal(e.limitBytes, 1024 * 1024);
      assert.equal(e.sizeBytes, setBody(1024 * 1024));
      assert.equal(e.op, 'set');
      assert.deepEqual(e.attempts, []);
      assert.ok(performance.now() - t0 < 100, 'at once');
      assert.equal(w.dataFrames(), 0, 'nothing was sent');
    } finally {
      await w.done();
    }
  });

  it('the limit is inclusive: a body of exactly maxWriteBytes goes out, one byte more does not', async () => {
    const limit = 4096;
    const w = await world(limit);
    try {
      const fits = limit - setBody(0);
      assert.equal(setBody(fits), limit);
      // the silent server never answers: the call times out, but it was sent
      await assert.rejects(w.table.set('h', 's', Buffer.alloc(fits), { timeoutMs: 50 }), {
        code: 'ERR_TIMEOUT',
      });
      assert.equal(w.dataFrames(), 1);
      await assert.rejects(w.table.set('h', 's', Buffer.alloc(fits + 1)), PegasusWriteTooLargeError);
      assert.equal(w.dataFrames(), 1, 'the larger one was not sent');
    } finally {
      await w.done();
    }
  });

  it('multiSet, multiDel and checkAndSet count every entry; reads are never limited', async () => {
    const w = await world(2000);
    try {
      const entries = new Map(Array.from({ length: 30 }, (_, i) => [`k${i}`, Buffer.alloc(60)]));
      await assert.rejects(w.table.multiSet('h', entries), PegasusWriteTooLargeError);
      const keys = Array.from({ length: 30 }, () => Buffer.alloc(70));
      await assert.rejects(w.table.multiDel('h', keys), PegasusWriteTooLargeError);
      await assert.rejects(
        w.table.checkAndSet('h', 'c', 'noCheck', '', 's', Buffer.alloc(2000)),
        PegasusWriteTooLargeError,
      );
      assert.equal(w.dataFrames(), 0);
      // a multiGet of many long sort keys is not a write
      await assert.rejects(w.table.multiGet('h', keys, { timeoutMs: 50 }), { code: 'ERR_TIMEOUT' });
      assert.equal(w.dataFrames(), 1);
    } finally {
      await w.done();
    }
  });

  it('openTable sets its own limit; bad values are argument errors', async () => {
    const w = await world();
    try {
      const small = await w.client.openTable('t', { maxWriteBytes: 100 });
      assert.equal(small.maxWriteBytes, 100);
      await assert.rejects(small.set('h', 's', Buffer.alloc(100)), PegasusWriteTooLargeError);
      for (const bad of [0, -1, 1.5, '1000', 2 ** 31]) {
        await assert.rejects(w.client.openTable('t', { maxWriteBytes: bad as number }), PegasusArgumentError);
        assert.throws(
          () => new PegasusClient({ metaServers: [w.server.address], maxWriteBytes: bad as number }),
          PegasusArgumentError,
        );
      }
    } finally {
      await w.done();
    }
  });

  it("the server's ERR_INVALID_DATA on a write fails at once, one attempt, not retried", async () => {
    const box = await startTcpOnebox({ maxWriteBytes: 1000 });
    const client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 3000 });
    try {
      const t = await client.openTable('temp');
      const t0 = performance.now();
      const e = await t.set('h', 's', Buffer.alloc(5000)).catch((x: unknown) => x);
      const ms = performance.now() - t0;
      assert.ok(e instanceof PegasusWriteTooLargeError, String(e));
      assert.equal(e.code, 'ERR_INVALID_DATA');
      assert.equal(e.attempts.length, 1, 'not retried');
      assert.equal(e.attempts[0]?.outcome, 'ERR_INVALID_DATA');
      assert.ok(ms < 1000, `settled after ${ms.toFixed(0)} ms, not at the 3 s deadline`);
      // a read answered ERR_INVALID_DATA would not be "too large": only writes get the class
      assert.equal(await t.get('h', 's'), null);
    } finally {
      await client.close();
      await box.close();
    }
  });

  it('a large frame is encoded in parts that reference the value, not copy it, and add up to the frame', () => {
    const value = Buffer.alloc(3 * 1024 * 1024, 7);
    const args = { key: encodeKey(Buffer.from('h'), Buffer.from('s')), value, expire_ts_seconds: 0 };
    const header = {
      app_id: 1,
      partition_index: 0,
      client_timeout_ms: 100,
      partition_hash: 0n,
      is_backup_request: false,
    };
    const parts = encodeRequestParts('RPC_RRDB_RRDB_PUT', 5, args, header, SPLIT_FROM_BYTES);
    assert.ok(parts.length >= 3, `parts: ${parts.length}`);
    assert.ok(
      parts.some(
        (p) => p.buffer === value.buffer && p.byteOffset === value.byteOffset && p.length === value.length,
      ),
      "the value is one part, the caller's own memory",
    );
    assert.deepEqual(Buffer.concat(parts), encodeRequest('RPC_RRDB_RRDB_PUT', 5, args, header));
    // below the split size: one Buffer, as before
    const small = { ...args, value: Buffer.alloc(1000) };
    assert.equal(encodeRequestParts('RPC_RRDB_RRDB_PUT', 5, small, header, SPLIT_FROM_BYTES).length, 1);
  });

  it('a raised limit: a 4 MiB value sent in parts arrives whole', async () => {
    const limit = 8 * 1024 * 1024;
    const box = await startTcpOnebox({ maxWriteBytes: limit });
    const client = await PegasusClient.connect({
      metaServers: [...box.metas],
      maxWriteBytes: limit,
      timeoutMs: 5000,
    });
    try {
      const t = await client.openTable('temp');
      const value = Buffer.alloc(4 * 1024 * 1024);
      for (let i = 0; i < value.length; i += 4096) value[i] = i & 0xff;
      await t.set('big', 's', value);
      assert.ok((await t.get('big', 's'))?.equals(value), 'the same bytes came back');
    } finally {
      await client.close();
      await box.close();
    }
  });
});
