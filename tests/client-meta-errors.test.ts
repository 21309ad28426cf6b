// Issue 15.1: a wrong or unreachable meta address gives a fast, specific error. Over real TCP:
// a refused port, an unresolvable host, listeners that accept and never answer, a missing table.
// Each test would fail on the old behaviour (a bare ERR_TIMEOUT at the 5 s open deadline, no cause).
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import {
  PegasusClient,
  PegasusMetaServerError,
  PegasusMetaUnreachableError,
  PegasusTableNotFoundError,
} from '../client/index.ts';
import { startTcpOnebox } from '../onebox/index.ts';

/** a port nothing listens on: bound, then closed */
async function refusedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** accepts connections and never writes a byte */
async function silentListener(): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** the per-meta errors of a PegasusMetaUnreachableError */
function metaErrorsOf(e: unknown): PegasusMetaServerError[] {
  assert.ok(e instanceof PegasusMetaUnreachableError, `a PegasusMetaUnreachableError, got ${String(e)}`);
  assert.equal(e.code, 'ERR_META_UNREACHABLE');
  assert.ok(e.cause instanceof AggregateError, 'cause is an AggregateError');
  const errors = (e.cause as AggregateError).errors as unknown[];
  for (const m of errors) assert.ok(m instanceof PegasusMetaServerError);
  return errors as PegasusMetaServerError[];
}

async function rejection(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
  assert.fail('expected a rejection');
}

describe('wrong or unreachable meta (TCP)', { timeout: 20_000 }, () => {
  it('connect to a refused port: PegasusMetaUnreachableError with ECONNREFUSED, fast', async () => {
    const meta = await refusedAddress();
    const { error, ms } = await rejection(PegasusClient.connect({ metaServers: [meta] }));
    const errors = metaErrorsOf(error);
    assert.deepEqual(
      errors.map((m) => [m.address, m.code]),
      [[meta, 'ECONNREFUSED']],
    );
    assert.equal((error as Error & { op?: string }).op, 'connect');
    assert.match((error as Error).message, /ECONNREFUSED/);
    assert.ok(ms < 1000, `rejected after ${ms.toFixed(0)} ms, not at the 5 s deadline`);
  });

  it('openTable on a client whose metas refuse: every meta named, well before the deadline', async () => {
    const metas = [await refusedAddress(), await refusedAddress()];
    const client = new PegasusClient({ metaServers: metas });
    try {
      const { error, ms } = await rejection(client.openTable('temp'));
      const errors = metaErrorsOf(error);
      assert.deepEqual(errors.map((m) => m.address).sort(), [...metas].sort());
      assert.ok(
        errors.every((m) => m.code === 'ECONNREFUSED'),
        errors.map((m) => m.code).join(),
      );
      assert.equal((error as PegasusMetaUnreachableError).op, 'openTable');
      assert.ok(ms < 1500, `rejected after ${ms.toFixed(0)} ms`);
      // warm: the metas are known down; a second open gives up within about one meta back-off
      const warm = await rejection(client.openTable('temp'));
      metaErrorsOf(warm.error);
      assert.ok(warm.ms < 1500, `warm rejection after ${warm.ms.toFixed(0)} ms`);
    } finally {
      await client.close();
    }
  });

  it('an unresolvable host: ENOTFOUND', async () => {
    const { error, ms } = await rejection(
      PegasusClient.connect({ metaServers: ['no-such-meta.invalid:34601'] }),
    );
    const errors = metaErrorsOf(error);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.address, 'no-such-meta.invalid:34601');
    // EAI_AGAIN when the resolver itself cannot be reached: still a name-resolution failure; a
    // resolver that hangs is cut off by connectTimeoutMs (1 s), so the test cannot hang with it
    assert.ok(
      ['ENOTFOUND', 'EAI_AGAIN', 'ERR_CONNECT_TIMEOUT'].includes(errors[0]?.code ?? ''),
      errors[0]?.code,
    );
    assert.ok(ms < 4000, `rejected after ${ms.toFixed(0)} ms`);
  });

  it('two silent metas: given up after one query timeout each, not at the open deadline', async () => {
    const a = await silentListener();
    const b = await silentListener();
    try {
      const { error, ms } = await rejection(
        PegasusClient.connect({ metaServers: [a.address, b.address], metaQueryTimeoutMs: 300 }),
      );
      const errors = metaErrorsOf(error);
      assert.deepEqual(
        errors.map((m) => [m.address, m.code]).sort(),
        [
          [a.address, 'ERR_TIMEOUT'],
          [b.address, 'ERR_TIMEOUT'],
        ].sort(),
      );
      // two query timeouts and one meta back-off (100-125 ms): ~700 ms; the open deadline is 5000
      assert.ok(ms >= 590 && ms < 2000, `rejected after ${ms.toFixed(0)} ms`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('one live meta among dead ones: connect succeeds', async () => {
    const box = await startTcpOnebox({});
    const client = await PegasusClient.connect({ metaServers: [await refusedAddress(), ...box.metas] });
    try {
      const t = await client.openTable('temp');
      await t.set('h', 's', 'v');
      assert.deepEqual(await t.get('h', 's'), Buffer.from('v'));
    } finally {
      await client.close();
      await box.close();
    }
  });

  it('a missing table: PegasusTableNotFoundError whose cause names the meta and ERR_OBJECT_NOT_FOUND', async () => {
    const box = await startTcpOnebox({});
    const client = await PegasusClient.connect({ metaServers: [...box.metas] });
    try {
      const { error, ms } = await rejection(client.openTable('no_such_table'));
      assert.ok(error instanceof PegasusTableNotFoundError);
      assert.ok(error.cause instanceof PegasusMetaServerError, 'cause is a PegasusMetaServerError');
      assert.equal(error.cause.code, 'ERR_OBJECT_NOT_FOUND');
      assert.ok(box.metas.includes(error.cause.address), error.cause.address);
      assert.ok(ms < 1000, `${ms}`);
    } finally {
      await client.close();
      await box.close();
    }
  });
});
