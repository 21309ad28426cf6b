// Every invalid argument is rejected with PegasusArgumentError (a TypeError) and a message naming
// the argument, before anything reaches the core or the network.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PegasusArgumentError, PegasusClient, type Table, type TraceRecord } from '../client/index.ts';
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
  // nothing but the meta query ever reached the wire, and the core never saw a call
  assert.deepEqual(
    server.received.map((f) => f.name).filter((n) => n !== QUERY_CFG),
    [],
  );
  assert.equal(
    trace.filter((r) => r.type === 'in' && (r.event as { type: string }).type === 'call').length,
    0,
  );
  await client.close();
  await server.drained();
  await server.close();
});

async function rejectsArg(p: Promise<unknown> | (() => unknown), message: RegExp): Promise<void> {
  const run = typeof p === 'function' ? (async () => p())() : p;
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof PegasusArgumentError, `expected PegasusArgumentError, got ${String(e)}`);
    assert.ok(e instanceof TypeError, 'e instanceof TypeError');
    assert.equal(e.code, 'ERR_INVALID_PARAMETERS');
    assert.match(e.message, message);
    return true;
  });
}

const bad = (v: unknown) => v as never;

describe('client options', () => {
  it('metaServers, timeouts and hooks are checked at construction', async () => {
    await rejectsArg(() => new PegasusClient(bad(undefined)), /options must be an object/);
    await rejectsArg(() => new PegasusClient(bad({})), /metaServers/);
    await rejectsArg(() => new PegasusClient({ metaServers: [] }), /metaServers/);
    await rejectsArg(() => new PegasusClient({ metaServers: ['no-port'] }), /host:port/);
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await rejectsArg(() => new PegasusClient({ metaServers: ['127.0.0.1:1'], timeoutMs }), /timeoutMs/);
    }
    await rejectsArg(
      () => new PegasusClient({ metaServers: ['127.0.0.1:1'], openTimeoutMs: bad('5') }),
      /openTimeoutMs/,
    );
    await rejectsArg(() => new PegasusClient({ metaServers: ['127.0.0.1:1'], trace: bad(5) }), /trace/);
    await rejectsArg(
      () => new PegasusClient({ metaServers: ['127.0.0.1:1'], attemptTimeoutMs: -3 }),
      /attemptTimeoutMs/,
    );
    await rejectsArg(PegasusClient.connect({ metaServers: [] }), /metaServers/);
  });

  it('openTable checks the name and timeout', async () => {
    await rejectsArg(client.openTable(''), /table name/);
    await rejectsArg(client.openTable(bad(5)), /table name/);
    await rejectsArg(client.openTable('t', { timeoutMs: -1 }), /timeoutMs/);
    await rejectsArg(client.openTable('t', bad('fast')), /options must be an object/);
  });

  it('event names and listeners are checked', () => {
    assert.throws(() => client.on(bad('nope'), () => {}), PegasusArgumentError);
    assert.throws(() => client.on(bad('toString'), () => {}), /unknown event/);
    assert.throws(() => client.on('health', bad(null)), /listener must be a function/);
  });
});

describe('keys and values', () => {
  it('keys and values must be Buffer, Uint8Array or string', async () => {
    await rejectsArg(table.get(bad(5), 's'), /hashKey must be a Buffer, Uint8Array or string, got 5/);
    await rejectsArg(table.get('h', bad(null)), /sortKey .* got null/);
    await rejectsArg(table.get(bad({}), 's'), /hashKey .* got object/);
    await rejectsArg(table.set('h', 's', bad(123)), /value .* got 123/);
    await rejectsArg(table.del('h', bad(undefined)), /sortKey/);
    await rejectsArg(table.ttl(bad([1]), 's'), /hashKey .* got an array/);
    await rejectsArg(table.exist('h', bad(1n)), /sortKey .* got 1n/);
  });

  it('hash keys must be shorter than 65535 bytes', async () => {
    await rejectsArg(table.get(Buffer.alloc(0xffff), 's'), /65535/);
    await rejectsArg(table.set('x'.repeat(70_000), 's', 'v'), /70000 bytes/);
  });

  it('an empty hash key is refused where several sort keys must share a partition', async () => {
    await rejectsArg(table.multiGet('', {}), /hashKey must not be empty/);
    await rejectsArg(table.multiSet('', [['a', 'b']]), /hashKey must not be empty/);
    await rejectsArg(table.multiDel('', ['a']), /hashKey must not be empty/);
    await rejectsArg(table.sortKeyCount(''), /hashKey must not be empty/);
    await rejectsArg(table.checkAndSet('', 'a', 'noCheck', '', 'a', 'v'), /hashKey must not be empty/);
  });
});

describe('op arguments', () => {
  it('ttlSeconds is an integer from 0 to 2^31-1 whose expiry fits in i32', async () => {
    for (const ttlSeconds of [-1, 1.5, Number.NaN, 2 ** 31, bad('10')]) {
      await rejectsArg(table.set('h', 's', 'v', { ttlSeconds }), /ttlSeconds/);
    }
    await rejectsArg(
      table.set('h', 's', 'v', { ttlSeconds: 2 ** 31 - 1 }),
      /beyond what the server can store/,
    );
    await rejectsArg(table.incr('h', 's', 1, { ttlSeconds: -1 }), /ttlSeconds/);
    await rejectsArg(table.multiSet('h', [['a', 'b']], { ttlSeconds: 0.5 }), /ttlSeconds/);
    await rejectsArg(table.checkAndSet('h', 'a', 'noCheck', '', 'a', 'v', { ttlSeconds: -2 }), /ttlSeconds/);
  });

  it('incr delta is an integer in int64', async () => {
    await rejectsArg(table.incr('h', 's', 1.5), /delta must be a safe integer/);
    await rejectsArg(table.incr('h', 's', 2 ** 53), /delta must be a safe integer/);
    await rejectsArg(table.incr('h', 's', 2n ** 63n), /outside the int64 range/);
    await rejectsArg(table.incr('h', 's', -(2n ** 63n) - 1n), /outside the int64 range/);
    await rejectsArg(table.incr('h', 's', bad('1')), /delta must be a bigint/);
  });

  it('per-call options: timeoutMs positive finite, signal an AbortSignal, options an object', async () => {
    for (const timeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, bad('100')]) {
      await rejectsArg(table.get('h', 's', { timeoutMs }), /timeoutMs must be a positive finite number/);
    }
    await rejectsArg(
      table.get('h', 's', { signal: bad({ aborted: false }) }),
      /signal must be an AbortSignal/,
    );
    await rejectsArg(table.get('h', 's', bad(100)), /options must be an object/);
    await rejectsArg(table.set('h', 's', 'v', bad('ttl')), /options must be an object/);
  });

  it('multiGet: non-empty sort key list, or a valid range', async () => {
    await rejectsArg(table.multiGet('h', []), /sortKeys must not be empty/);
    await rejectsArg(table.multiGet('h', bad(undefined)), /list of sort keys or a range/);
    await rejectsArg(table.multiGet('h', ['a', bad(2)]), /sortKeys\[1\]/);
    await rejectsArg(table.multiGet('h', { start: bad(5) }), /range.start/);
    await rejectsArg(
      table.multiGet('h', { filter: { type: bad('regex'), pattern: 'a' } }),
      /range.filter.type/,
    );
    await rejectsArg(
      table.multiGet('h', { filter: { type: 'prefix', pattern: bad(null) } }),
      /range.filter.pattern/,
    );
    await rejectsArg(table.multiGet('h', { maxCount: 0 }), /range.maxCount/);
    await rejectsArg(table.multiGet('h', { maxBytes: -1 }), /range.maxBytes/);
    await rejectsArg(table.multiGet('h', { noValue: bad('yes') }), /range.noValue must be a boolean/);
    await rejectsArg(table.multiGet('h', { reverse: bad(1) }), /range.reverse/);
  });

  it('multiSet: a non-empty Map, list of [sortKey, value] pairs or plain object', async () => {
    await rejectsArg(table.multiSet('h', []), /entries must not be empty/);
    await rejectsArg(table.multiSet('h', new Map()), /entries must not be empty/);
    await rejectsArg(table.multiSet('h', {}), /entries must not be empty/);
    await rejectsArg(table.multiSet('h', bad({ a: 1 })), /entries\[0\] value/);
    await rejectsArg(table.multiSet('h', bad(new Date())), /entries must be a Map, an array/);
    await rejectsArg(table.multiSet('h', bad('ab')), /entries must be a Map, an array/);
    await rejectsArg(table.multiSet('h', bad([['a']])), /entries\[0\] must be a \[sortKey, value\] pair/);
    await rejectsArg(table.multiSet('h', bad([['a', 1]])), /entries\[0\] value/);
  });

  it('multiDel: a non-empty list of sort keys', async () => {
    await rejectsArg(table.multiDel('h', []), /sortKeys must not be empty/);
    await rejectsArg(table.multiDel('h', bad('a')), /sortKeys must be an array/);
  });

  it('checkAndSet: a known check type, a boolean returnCheckValue', async () => {
    await rejectsArg(
      table.checkAndSet('h', 'a', bad('bogus'), '', 'a', 'v'),
      /checkType must be one of noCheck/,
    );
    await rejectsArg(table.checkAndSet('h', 'a', bad('CT_VALUE_EXIST'), '', 'a', 'v'), /checkType/);
    await rejectsArg(table.checkAndSet('h', 'a', 'valueExist', bad(7), 'a', 'v'), /checkOperand/);
    await rejectsArg(
      table.checkAndSet('h', 'a', 'valueExist', '', 'a', 'v', { returnCheckValue: bad(1) }),
      /returnCheckValue must be a boolean/,
    );
  });
});
