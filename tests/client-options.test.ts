// Options objects: an unknown key is refused with a TypeError naming the valid keys (a misspelt
// `ttl` for `ttlSeconds` must not write a record that never expires), every documented key is
// accepted, and openTable honours an AbortSignal.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClient,
  type Table,
  type TraceRecord,
} from '../client/index.ts';
import { CLIENT_OPTION_KEYS } from '../client/options.ts';
import { CoreHarness } from './helpers/core-harness.ts';
import { configReply, FakeServer, QUERY_CFG } from './helpers/fake-server.ts';

let server: FakeServer;
let client: PegasusClient;
let table: Table;
const trace: TraceRecord[] = [];

before(async () => {
  server = await FakeServer.start((f) =>
    f.name === QUERY_CFG ? configReply(f, 1, () => server.address) : 'silent',
  );
  client = new PegasusClient({ metaServers: [server.address], trace: (r) => trace.push(r) });
  table = await client.openTable('t');
});

after(async () => {
  try {
    // no data RPC reached the wire and the core never saw a call: every case here fails before
    assert.deepEqual(
      server.received.map((f) => f.name).filter((n) => n !== QUERY_CFG),
      [],
    );
    assert.equal(
      trace.filter((r) => r.type === 'in' && (r.event as { type: string }).type === 'call').length,
      0,
    );
  } finally {
    await client.close();
    await server.close();
  }
});

const bad = (v: unknown) => v as never;

async function rejectsUnknown(p: Promise<unknown> | (() => unknown), key: string, valid: string[]) {
  const run = typeof p === 'function' ? (async () => p())() : p;
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof PegasusArgumentError, `expected PegasusArgumentError, got ${String(e)}`);
    assert.ok(e instanceof TypeError);
    assert.match(e.message, new RegExp(`unknown key "${key}"`));
    const listed = /valid keys: (.*)$/.exec(e.message)?.[1]?.split(', ');
    assert.deepEqual(listed, valid, e.message);
    return true;
  });
}

const CALL = ['timeoutMs', 'signal'];
const WRITE = [...CALL, 'ttlSeconds'];

describe('unknown option keys are refused, naming the valid ones', () => {
  it('client options', async () => {
    await rejectsUnknown(
      () => new PegasusClient(bad({ metaServers: ['127.0.0.1:1'], timeotMs: 5 })),
      'timeotMs',
      [...CLIENT_OPTION_KEYS],
    );
    await assert.rejects(
      PegasusClient.connect(bad({ metaServers: ['127.0.0.1:1'], timeotMs: 5 })),
      /did you mean "timeoutMs"\?/,
    );
    // the list is complete: every core tunable and the client-only keys
    for (const k of [
      'metaServers',
      'timeoutMs',
      'openTimeoutMs',
      'maxWriteBytes',
      'meterProvider',
      'trace',
      'machines',
      'maxFrameBytes',
      'seed',
    ])
      assert.ok(CLIENT_OPTION_KEYS.includes(k), k);
  });

  it('openTable options', async () => {
    await rejectsUnknown(client.openTable('t', bad({ timeout: 5 })), 'timeout', [...CALL, 'maxWriteBytes']);
  });

  it('per-call options of every operation', async () => {
    const u = bad({ timeout: 10 });
    await rejectsUnknown(table.get('h', 's', u), 'timeout', CALL);
    await rejectsUnknown(table.del('h', 's', u), 'timeout', CALL);
    await rejectsUnknown(table.multiGet('h', ['s'], u), 'timeout', CALL);
    await rejectsUnknown(table.multiDel('h', ['s'], u), 'timeout', CALL);
    await rejectsUnknown(table.ttl('h', 's', u), 'timeout', CALL);
    await rejectsUnknown(table.exist('h', 's', u), 'timeout', CALL);
    await rejectsUnknown(table.sortKeyCount('h', u), 'timeout', CALL);
    await rejectsUnknown(table.set('h', 's', 'v', bad({ ttl: 5 })), 'ttl', WRITE);
    await rejectsUnknown(table.multiSet('h', [['s', 'v']], bad({ ttl: 5 })), 'ttl', WRITE);
    await rejectsUnknown(table.incr('h', 's', 1n, bad({ ttl: 5 })), 'ttl', WRITE);
    await rejectsUnknown(
      table.checkAndSet('h', 's', 'noCheck', '', 's', 'v', bad({ returnCheckValues: true })),
      'returnCheckValues',
      [...WRITE, 'returnCheckValue'],
    );
    // a key a wider op takes is still unknown to a narrower one
    await rejectsUnknown(table.get('h', 's', bad({ ttlSeconds: 5 })), 'ttlSeconds', CALL);
    await assert.rejects(table.set('h', 's', 'v', bad({ ttl: 5 })), /did you mean "ttlSeconds"\?/);
  });

  it('multiGet range and filter objects', async () => {
    await rejectsUnknown(table.multiGet('h', bad({ limit: 10 })), 'limit', [
      'start',
      'stop',
      'startInclusive',
      'stopInclusive',
      'filter',
      'maxCount',
      'maxBytes',
      'noValue',
      'reverse',
    ]);
    await rejectsUnknown(
      table.multiGet('h', { filter: bad({ type: 'prefix', pattern: 'a', caseless: true }) }),
      'caseless',
      ['type', 'pattern'],
    );
  });

  it('inherited enumerable keys are read, so they are checked too', async () => {
    const o = Object.create({ ttl: 5 }) as object;
    await rejectsUnknown(table.set('h', 's', 'v', bad(o)), 'ttl', WRITE);
  });
});

describe('every documented key is accepted', () => {
  // An aborted signal makes each call fail before anything is sent, after its options were checked.
  const signal = AbortSignal.abort(new Error('stop'));
  const aborted = (p: Promise<unknown>) => assert.rejects(p, PegasusAbortError);

  it('by each operation', async () => {
    const call = { timeoutMs: 50, signal };
    const write = { ...call, ttlSeconds: 5 };
    await aborted(table.get('h', 's', call));
    await aborted(table.del('h', 's', call));
    await aborted(table.multiGet('h', ['s'], call));
    await aborted(
      table.multiGet(
        'h',
        {
          start: 'a',
          stop: 'b',
          startInclusive: true,
          stopInclusive: true,
          filter: { type: 'prefix', pattern: 'a' },
          maxCount: 1,
          maxBytes: 1,
          noValue: true,
          reverse: true,
        },
        call,
      ),
    );
    await aborted(table.multiDel('h', ['s'], call));
    await aborted(table.ttl('h', 's', call));
    await aborted(table.exist('h', 's', call));
    await aborted(table.sortKeyCount('h', call));
    await aborted(table.set('h', 's', 'v', write));
    await aborted(table.multiSet('h', [['s', 'v']], write));
    await aborted(table.incr('h', 's', 1n, write));
    await aborted(table.checkAndSet('h', 's', 'noCheck', '', 's', 'v', { ...write, returnCheckValue: true }));
    await aborted(client.openTable('other', { timeoutMs: 50, signal }));
  });

  it('by the client: every key in the list, at valid values', async () => {
    const c = new PegasusClient({
      metaServers: ['127.0.0.1:1'],
      timeoutMs: 1000,
      openTimeoutMs: 1000,
      attemptTimeoutMs: 400,
      retryBackoffMs: 10,
      retryBackoffCapMs: 200,
      connectTimeoutMs: 1000,
      reconnectBackoffMs: 50,
      reconnectBackoffCapMs: 1000,
      pollStartMs: 80,
      pollCapMs: 200,
      quietMs: 1000,
      metaBackoffMs: 100,
      metaBackoffCapMs: 1000,
      metaQueryTimeoutMs: 1000,
      maxForwardHops: 3,
      headerVersion: 1,
      maxFrameBytes: 1 << 20,
      seed: 7,
      trace: () => {},
    });
    await c.close();
  });
});

describe('openTable honours its AbortSignal', () => {
  it('aborting rejects at once with PegasusAbortError and leaves nothing pending', async () => {
    const silentMeta = await FakeServer.start(() => 'silent');
    const records: TraceRecord[] = [];
    const c = new PegasusClient({ metaServers: [silentMeta.address], trace: (r) => records.push(r) });
    try {
      const ac = new AbortController();
      const reason = new Error('user gave up');
      const started = performance.now();
      const open = c.openTable('t', { timeoutMs: 400, signal: ac.signal });
      setTimeout(() => ac.abort(reason), 20);
      await assert.rejects(open, (e: unknown) => {
        assert.ok(e instanceof PegasusAbortError, String(e));
        assert.equal(e.code, 'ERR_ABORTED');
        assert.equal(e.op, 'openTable');
        assert.equal(e.table, 't');
        assert.equal(e.cause, reason);
        return true;
      });
      const tookMs = performance.now() - started;
      assert.ok(tookMs < 300, `settled ${tookMs.toFixed(0)} ms after the open, its deadline was 400 ms`);
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'listener left on the signal');
      // Past the open's deadline: the core settled the open once (aborted) and never timed it out.
      await new Promise((r) => setTimeout(r, 500));
      const opened = records.filter(
        (r) => r.type === 'out' && (r.cmd as { type: string }).type === 'tableOpened',
      );
      assert.equal(opened.length, 1, JSON.stringify(opened));
      assert.match(JSON.stringify(opened[0]), /ERR_ABORTED/);
    } finally {
      await c.close();
      await silentMeta.close();
    }
  });

  it('an already aborted signal contacts nobody', async () => {
    const meta = await FakeServer.start(() => 'silent');
    const c = new PegasusClient({ metaServers: [meta.address] });
    try {
      await assert.rejects(c.openTable('t', { signal: AbortSignal.abort() }), PegasusAbortError);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(meta.accepted, 0);
    } finally {
      await c.close();
      await meta.close();
    }
  });

  it('a signal that never fires keeps no listener once the table is open', async () => {
    const ac = new AbortController();
    await client.openTable('t2', { signal: ac.signal });
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  it('core: abortOpen settles that open only, and cancels its deadline', () => {
    const h = new CoreHarness({ metaServers: ['127.0.0.1:34601'] });
    h.connectBehaviour.set('127.0.0.1:34601', 'hang');
    // deadlines before the meta's connect timeout (1000 ms), after which the open would be given up
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 500 });
    h.feed({ type: 'openTable', requestId: 2, table: 't', timeoutMs: 500 });
    h.runUntil(10);
    h.feed({ type: 'abortOpen', requestId: 1, table: 't', error: 'ERR_ABORTED' });
    h.feed({ type: 'abortOpen', requestId: 1, table: 't', error: 'ERR_ABORTED' }); // settled: ignored
    h.feed({ type: 'abortOpen', requestId: 9, table: 'nope', error: 'ERR_ABORTED' }); // unknown: ignored
    h.runUntil(2000);
    assert.deepEqual(h.opened, [
      { requestId: 1, ok: false, code: 'ERR_ABORTED' },
      { requestId: 2, ok: false, code: 'ERR_TIMEOUT' },
    ]);
  });
});

describe('one AbortSignal shared by many calls', () => {
  it('holds one listener on the signal, warns of no leak, and aborts every call', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const silent = await FakeServer.start((f) =>
      f.name === QUERY_CFG ? configReply(f, 1, () => silent.address) : 'silent',
    );
    const c = new PegasusClient({ metaServers: [silent.address] });
    try {
      const table = await c.openTable('t');
      const ac = new AbortController();
      const calls = Array.from({ length: 30 }, (_, i) =>
        table.get('h', `s${i}`, { signal: ac.signal, timeoutMs: 5000 }).then(
          () => 'ok',
          (e: unknown) => (e instanceof PegasusAbortError ? e.code : String(e)),
        ),
      );
      assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
      ac.abort();
      assert.deepEqual(new Set(await Promise.all(calls)), new Set(['ERR_ABORTED']));
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
      // calls that settle by themselves leave nothing on a signal that never fires
      const idle = new AbortController();
      const timedOut = Array.from({ length: 15 }, (_, i) =>
        table
          .get('h', `t${i}`, { signal: idle.signal, timeoutMs: 30 })
          .catch((e: { code: string }) => e.code),
      );
      assert.deepEqual(new Set(await Promise.all(timedOut)), new Set(['ERR_TIMEOUT']));
      assert.equal(getEventListeners(idle.signal, 'abort').length, 0);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
      await c.close();
      await silent.close();
    }
  });
});
