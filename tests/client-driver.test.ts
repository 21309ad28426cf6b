// The Node driver and the public API against a scripted TCP server (tests/helpers/fake-server.ts):
// every op's request and result translation, failures through real sockets, abort, close.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusClient,
  PegasusClientClosedError,
  PegasusOutcomeUnknownError,
  PegasusStorageError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
  type Table,
  type TraceRecord,
} from '../client/index.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { CasCheckType, FilterType, PEGASUS_EPOCH_UNIX_SEC, type RequestFrame } from '../core/wire/index.ts';
import { captureWarnings } from './helpers/capture-warnings.ts';
import {
  args,
  configReply,
  type FakeAnswer,
  FakeServer,
  QUERY_CFG,
  reply,
  tableMissingReply,
} from './helpers/fake-server.ts';

type OpHandler = (frame: RequestFrame) => FakeAnswer;

/** one server that is the meta and the primary of every partition of table "t" */
async function single(op: OpHandler, partitionCount = 4) {
  const server = await FakeServer.start();
  server.handler = (frame) => {
    if (frame.name === QUERY_CFG) {
      const name = args(QUERY_CFG, frame).app_name;
      return name === 't'
        ? configReply(frame, partitionCount, () => server.address)
        : tableMissingReply(frame);
    }
    return op(frame);
  };
  const trace: TraceRecord[] = [];
  const client = await PegasusClient.connect({
    metaServers: [server.address],
    timeoutMs: 2000,
    trace: (r) => trace.push(r),
  });
  const table = await client.openTable('t');
  const done = async () => {
    await client.close();
    await server.drained();
    await server.close();
  };
  return { server, client, table, trace, done };
}

const B = (s: string) => Buffer.from(s);
/** the events fed to the core, as plain objects */
const fed = (trace: TraceRecord[]) =>
  trace.flatMap((r) => (r.type === 'in' ? [r.event as { type: string; [k: string]: unknown }] : []));
const nowPegasusSec = () => Math.floor(Date.now() / 1000) - PEGASUS_EPOCH_UNIX_SEC;

describe('client over TCP: every op', () => {
  const dones: Array<() => Promise<void>> = [];
  after(async () => {
    for (const d of dones) await d();
  });
  let current: OpHandler = () => 'silent';
  let t: Table;
  let srv: FakeServer;
  const ready = (async () => {
    const s = await single((f) => current(f));
    dones.push(s.done);
    t = s.table;
    srv = s.server;
  })();

  it('opens a table with its app id and partition count', async () => {
    await ready;
    assert.equal(t.name, 't');
    assert.equal(t.appId, 1);
    assert.equal(t.partitionCount, 4);
  });

  it('get: full key, partition hash in the header, value or null', async () => {
    await ready;
    current = (f) => {
      const key = args('RPC_RRDB_RRDB_GET', f);
      const found = Buffer.from(key).equals(encodeKey(B('h'), B('s')));
      return reply(f, 'RPC_RRDB_RRDB_GET', { error: found ? 0 : 1, value: found ? B('v') : B('') });
    };
    assert.deepEqual(await t.get('h', 's'), B('v'));
    assert.equal(await t.get(B('h'), new Uint8Array([0x78])), null);
    const f = srv.frames('RPC_RRDB_RRDB_GET')[0]!;
    assert.equal(f.header.partition_hash, partitionHash(B('h'), B('s')));
    assert.equal(f.header.partition_index, Number(partitionHash(B('h'), B('s')) % 4n));
  });

  it('get with an empty hash key routes by the sort key', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('e') });
    assert.deepEqual(await t.get('', 'only-sort'), B('e'));
    const f = srv.frames('RPC_RRDB_RRDB_GET').at(-1)!;
    assert.equal(f.header.partition_hash, partitionHash(B(''), B('only-sort')));
  });

  it('set: value and absolute expiry in Pegasus-epoch seconds (0 without TTL)', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_PUT', { error: 0, decree: 1n });
    await t.set('h', 's', 'v');
    await t.set('h', 's', B('w'), { ttlSeconds: 60 });
    const [a, b] = srv.frames('RPC_RRDB_RRDB_PUT').map((f) => args('RPC_RRDB_RRDB_PUT', f));
    assert.equal(a!.expire_ts_seconds, 0);
    assert.deepEqual(Buffer.from(a!.value), B('v'));
    assert.ok(
      Math.abs(b!.expire_ts_seconds - (nowPegasusSec() + 60)) <= 1,
      'Math.abs(b!.expire_ts_seconds - (nowPegasusSec() + 60)) <= 1',
    );
  });

  it('del sends the full key', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_REMOVE', { error: 0, decree: 1n });
    await t.del('h', 's');
    assert.deepEqual(
      Buffer.from(args('RPC_RRDB_RRDB_REMOVE', srv.frames('RPC_RRDB_RRDB_REMOVE')[0]!)),
      encodeKey(B('h'), B('s')),
    );
  });

  it('multiGet by sort keys and by range, with limits, filter and completeness', async () => {
    await ready;
    let error = 0;
    current = (f) =>
      reply(f, 'RPC_RRDB_RRDB_MULTI_GET', {
        error,
        kvs: [
          { key: B('a'), value: B('1') },
          { key: B('b'), value: B('2') },
        ],
      });
    const byKeys = await t.multiGet('h', ['a', B('b')]);
    assert.deepEqual(byKeys, {
      entries: [
        { sortKey: B('a'), value: B('1') },
        { sortKey: B('b'), value: B('2') },
      ],
      complete: true,
    });
    error = 7;
    const range = await t.multiGet('h', {
      start: 'a',
      stop: 'z',
      stopInclusive: true,
      filter: { type: 'prefix', pattern: 'p' },
      maxCount: 2,
      maxBytes: 1000,
      noValue: true,
      reverse: true,
    });
    assert.equal(range.complete, false);
    const [k, r] = srv.frames('RPC_RRDB_RRDB_MULTI_GET').map((f) => args('RPC_RRDB_RRDB_MULTI_GET', f));
    assert.deepEqual(
      k!.sort_keys.map((x) => Buffer.from(x).toString()),
      ['a', 'b'],
    );
    assert.equal(Buffer.from(r!.start_sortkey).toString(), 'a');
    assert.equal(Buffer.from(r!.stop_sortkey).toString(), 'z');
    assert.equal(r!.start_inclusive, true);
    assert.equal(r!.stop_inclusive, true);
    assert.equal(r!.sort_key_filter_type, FilterType.FT_MATCH_PREFIX);
    assert.equal(Buffer.from(r!.sort_key_filter_pattern).toString(), 'p');
    assert.equal(r!.max_kv_count, 2);
    assert.equal(r!.max_kv_size, 1000);
    assert.equal(r!.no_value, true);
    assert.equal(r!.reverse, true);
    const f = srv.frames('RPC_RRDB_RRDB_MULTI_GET')[0]!;
    assert.equal(f.header.partition_hash, partitionHash(B('h'), B('')));
  });

  it('multiSet from a Map or pairs, one TTL for all', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_MULTI_PUT', { error: 0, decree: 1n });
    await t.multiSet('h', new Map([['a', '1']]));
    await t.multiSet(
      'h',
      [
        [B('b'), B('2')],
        ['c', '3'],
      ],
      { ttlSeconds: 10 },
    );
    const [a, b] = srv.frames('RPC_RRDB_RRDB_MULTI_PUT').map((f) => args('RPC_RRDB_RRDB_MULTI_PUT', f));
    assert.equal(a!.kvs.length, 1);
    assert.equal(a!.expire_ts_seconds, 0);
    assert.deepEqual(
      b!.kvs.map((kv) => Buffer.from(kv.key).toString()),
      ['b', 'c'],
    );
    assert.ok(
      Math.abs(b!.expire_ts_seconds - (nowPegasusSec() + 10)) <= 1,
      'Math.abs(b!.expire_ts_seconds - (nowPegasusSec() + 10)) <= 1',
    );
  });

  it('multiDel sends the sort keys and max_count 0', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_MULTI_REMOVE', { error: 0, count: 2n, decree: 1n });
    await t.multiDel('h', ['a', 'b']);
    const a = args('RPC_RRDB_RRDB_MULTI_REMOVE', srv.frames('RPC_RRDB_RRDB_MULTI_REMOVE')[0]!);
    assert.equal(a.sort_keys.length, 2);
    assert.equal(a.max_count, 0n);
  });

  it('incr: bigint result; TTL omitted keeps (0), 0 removes (-1), n sets', async () => {
    await ready;
    current = (f) =>
      reply(f, 'RPC_RRDB_RRDB_INCR', { error: 0, new_value: 9_007_199_254_740_993n, decree: 1n });
    assert.equal(await t.incr('h', 'n', 1), 9_007_199_254_740_993n);
    await t.incr('h', 'n', -5n, { ttlSeconds: 0 });
    await t.incr('h', 'n', 2n ** 62n, { ttlSeconds: 30 });
    const [a, b, c] = srv.frames('RPC_RRDB_RRDB_INCR').map((f) => args('RPC_RRDB_RRDB_INCR', f));
    assert.equal(a!.increment, 1n);
    assert.equal(a!.expire_ts_seconds, 0);
    assert.equal(b!.increment, -5n);
    assert.equal(b!.expire_ts_seconds, -1);
    assert.equal(c!.increment, 2n ** 62n);
    assert.ok(
      Math.abs(c!.expire_ts_seconds - (nowPegasusSec() + 30)) <= 1,
      'Math.abs(c!.expire_ts_seconds - (nowPegasusSec() + 30)) <= 1',
    );
  });

  it('incr on a non-integer value: PegasusStorageError InvalidArgument', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_INCR', { error: 4, new_value: 0n, decree: 0n });
    await assert.rejects(t.incr('h', 's', 1), (e: unknown) => {
      assert.ok(e instanceof PegasusStorageError, 'e instanceof PegasusStorageError');
      assert.equal(e.code, 'InvalidArgument');
      assert.equal(e.status, 4);
      assert.equal(e.attempts.length, 1);
      return true;
    });
  });

  it('checkAndSet: check type, diff sort key, check value returned; TryAgain = not set', async () => {
    await ready;
    let error = 0;
    current = (f) =>
      reply(f, 'RPC_RRDB_RRDB_CHECK_AND_SET', {
        error,
        check_value_returned: true,
        check_value_exist: error === 0,
        check_value: B('old'),
        decree: 1n,
      });
    const ok = await t.checkAndSet('h', 'c', 'valueBytesEqual', 'old', 's', 'new', {
      returnCheckValue: true,
      ttlSeconds: 5,
    });
    assert.deepEqual(ok, { setSucceed: true, checkValue: B('old') });
    error = 13;
    const no = await t.checkAndSet('h', 'c', 'valueNotExist', '', 'c', 'x', { returnCheckValue: true });
    assert.deepEqual(no, { setSucceed: false, checkValue: null });
    const plain = await t.checkAndSet('h', 'c', 'valueIntLess', '10', 'c', '1');
    assert.deepEqual(plain, { setSucceed: false });
    const [a, b] = srv
      .frames('RPC_RRDB_RRDB_CHECK_AND_SET')
      .map((f) => args('RPC_RRDB_RRDB_CHECK_AND_SET', f));
    assert.equal(a!.check_type, CasCheckType.CT_VALUE_BYTES_EQUAL);
    assert.equal(a!.set_diff_sort_key, true);
    assert.equal(a!.return_check_value, true);
    assert.ok(
      Math.abs(a!.set_expire_ts_seconds - (nowPegasusSec() + 5)) <= 1,
      'Math.abs(a!.set_expire_ts_seconds - (nowPegasusSec() + 5)) <= 1',
    );
    assert.equal(b!.check_type, CasCheckType.CT_VALUE_NOT_EXIST);
    assert.equal(b!.set_diff_sort_key, false);
  });

  it('ttl and exist', async () => {
    await ready;
    let answer = { error: 0, ttl_seconds: 42 };
    current = (f) => reply(f, 'RPC_RRDB_RRDB_TTL', answer);
    assert.deepEqual(await t.ttl('h', 's'), { exists: true, ttlSeconds: 42 });
    assert.equal(await t.exist('h', 's'), true);
    answer = { error: 0, ttl_seconds: -1 };
    assert.deepEqual(await t.ttl('h', 's'), { exists: true, ttlSeconds: null });
    answer = { error: 1, ttl_seconds: 0 };
    assert.deepEqual(await t.ttl('h', 's'), { exists: false });
    assert.equal(await t.exist('h', 's'), false);
  });

  it('sortKeyCount; a count the server gave up on (-1) is an Incomplete storage error', async () => {
    await ready;
    let count = 3n;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_SORTKEY_COUNT', { error: 0, count });
    assert.equal(await t.sortKeyCount('h'), 3);
    assert.deepEqual(
      Buffer.from(args('RPC_RRDB_RRDB_SORTKEY_COUNT', srv.frames('RPC_RRDB_RRDB_SORTKEY_COUNT')[0]!)),
      B('h'),
    );
    count = -1n;
    await assert.rejects(
      t.sortKeyCount('h'),
      (e: unknown) => e instanceof PegasusStorageError && e.code === 'Incomplete',
    );
  });

  it('many concurrent calls all settle (writes batched per socket)', async () => {
    await ready;
    current = (f) => reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: args('RPC_RRDB_RRDB_GET', f) });
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const values = await Promise.all(keys.map((k) => t.get(k, 's')));
    values.forEach((v, i) => {
      assert.deepEqual(v, encodeKey(B(keys[i]!), B('s')));
    });
  });
});

describe('client over TCP: failures', () => {
  it('openTable of a missing table: PegasusTableNotFoundError', async () => {
    const s = await single(() => 'silent');
    await assert.rejects(s.client.openTable('nope'), (e: unknown) => {
      assert.ok(e instanceof PegasusTableNotFoundError, 'e instanceof PegasusTableNotFoundError');
      assert.equal(e.code, 'ERR_APP_NOT_EXIST');
      return true;
    });
    await s.done();
  });

  it('a silent replica: get times out (PegasusTimeoutError), incr is outcome-unknown', async () => {
    const s = await single(() => 'silent');
    const started = performance.now();
    await assert.rejects(s.table.get('h', 's', { timeoutMs: 120 }), (e: unknown) => {
      assert.ok(e instanceof PegasusTimeoutError, 'e instanceof PegasusTimeoutError');
      assert.equal(e.code, 'ERR_TIMEOUT');
      assert.ok(e.attempts.length >= 1, 'e.attempts.length >= 1');
      return true;
    });
    assert.ok(performance.now() - started < 1000, 'performance.now() - started < 1000');
    await assert.rejects(s.table.incr('h', 'n', 1, { timeoutMs: 120 }), (e: unknown) => {
      assert.ok(e instanceof PegasusOutcomeUnknownError, 'e instanceof PegasusOutcomeUnknownError');
      assert.equal(e.code, 'ERR_TIMEOUT');
      assert.equal(e.outcomeUnknown, true);
      assert.equal(e.attempts.length, 1, 'never resent');
      return true;
    });
    await s.done();
  });

  it('a reset after send: get is resent on a new connection, incr fails as outcome-unknown', async () => {
    let resets = 0;
    const s = await single((f) => {
      if (resets < 1) {
        resets++;
        return 'reset';
      }
      return f.name === 'RPC_RRDB_RRDB_GET'
        ? reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('v') })
        : 'reset';
    });
    assert.deepEqual(await s.table.get('h', 's'), B('v'));
    assert.equal(s.server.frames('RPC_RRDB_RRDB_GET').length, 2);
    await assert.rejects(s.table.incr('h', 'n', 1), (e: unknown) => {
      assert.ok(e instanceof PegasusOutcomeUnknownError, 'e instanceof PegasusOutcomeUnknownError');
      assert.equal(e.code, 'ERR_SESSION_RESET');
      assert.equal(e.attempts.length, 1);
      return true;
    });
    const lost = fed(s.trace).filter((e) => e.type === 'connectionLost');
    assert.ok(lost.length >= 2, 'lost.length >= 2');
    assert.ok(
      lost.every((e) => e.reason === 'reset'),
      "lost.every((e) => e.reason === 'reset')",
    );
    await s.done();
  });

  it('a refused primary: calls wait for a new route and succeed on the new primary', async () => {
    const { refusedAddress } = await import('./helpers/fake-server.ts');
    const dead = await refusedAddress();
    let queries = 0;
    const server = await FakeServer.start();
    server.handler = (f) => {
      if (f.name === QUERY_CFG) {
        queries++;
        return configReply(f, 1, () => (queries <= 1 ? dead : server.address), BigInt(queries));
      }
      if (f.name === 'RPC_RRDB_RRDB_INCR')
        return reply(f, 'RPC_RRDB_RRDB_INCR', { error: 0, new_value: 1n, decree: 1n });
      return reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('v') });
    };
    const trace: TraceRecord[] = [];
    const health: string[] = [];
    const client = new PegasusClient({ metaServers: [server.address], trace: (r) => trace.push(r) });
    client.on('health', (e) => {
      if (e.address === dead) health.push(e.health);
    });
    const table = await client.openTable('t');
    const [v, n] = await Promise.all([table.get('h', 's'), table.incr('h', 'n', 1)]);
    assert.deepEqual(v, B('v'));
    assert.equal(n, 1n, 'nothing was written before the refusal, so incr may go elsewhere');
    assert.ok(
      fed(trace).some((e) => e.type === 'connectionLost' && e.reason === 'refused'),
      "fed(trace).some((e) => e.type === 'connectionLost' && e.reason === 'refused')",
    );
    assert.ok(health.includes('down'), "health.includes('down')");
    await client.close();
    await server.drained();
    await server.close();
  });

  it('a malformed reply: the core drops the connection; the driver reports nothing for that socket', async () => {
    let garbage = true;
    const s = await single((f) => {
      if (garbage) {
        garbage = false;
        return Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
      }
      return reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('v') });
    });
    assert.deepEqual(await s.table.get('h', 's'), B('v'));
    const types = s.trace.map((r) =>
      r.type === 'in'
        ? `in:${(r.event as { type: string }).type}`
        : `out:${(r.cmd as { type: string }).type}`,
    );
    assert.ok(types.includes('out:disconnect'), "types.includes('out:disconnect')");
    // the socket the core closed never reports its own close back
    assert.equal(types.filter((x) => x === 'in:connectionLost').length, 0);
    await s.done();
  });

  it('AbortSignal: already aborted sends nothing; a later abort settles with the reason as cause', async () => {
    const s = await single(() => 'silent');
    const before = s.server.received.length;
    const ac = new AbortController();
    ac.abort(new Error('user gave up'));
    await assert.rejects(s.table.get('h', 's', { signal: ac.signal }), (e: unknown) => {
      assert.ok(e instanceof PegasusAbortError, 'e instanceof PegasusAbortError');
      assert.equal(e.attempts.length, 0);
      assert.equal((e.cause as Error).message, 'user gave up');
      return true;
    });
    assert.equal(s.server.received.length, before);
    const ac2 = new AbortController();
    const p = s.table.incr('h', 'n', 1, { signal: ac2.signal, timeoutMs: 5000 });
    setTimeout(() => ac2.abort('stop'), 30);
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof PegasusAbortError, 'e instanceof PegasusAbortError');
      assert.equal(e.code, 'ERR_ABORTED');
      assert.equal(e.cause, 'stop');
      assert.equal(e.outcomeUnknown, true, 'the incr was sent and never answered');
      return true;
    });
    await s.done();
  });

  it('close(): pending calls reject with PegasusClientClosedError, sockets are released, later calls fail', async () => {
    const s = await single(() => 'silent');
    const pending = assert.rejects(s.table.get('h', 's', { timeoutMs: 10_000 }), PegasusClientClosedError);
    await new Promise((r) => setTimeout(r, 20));
    await s.client.close();
    await pending;
    await s.server.drained();
    assert.equal(s.client.closed, true);
    await assert.rejects(s.table.get('h', 's'), PegasusClientClosedError);
    await assert.rejects(s.client.openTable('t'), PegasusClientClosedError);
    // nothing of ours keeps the loop alive: no timer, no socket
    const ours = process.getActiveResourcesInfo().filter((r) => r === 'Timeout');
    assert.equal(ours.length, 0);
    await s.server.close();
  });

  it('hooks and listeners that call back into the client are queued, never re-entrant', async () => {
    const server = await FakeServer.start();
    server.handler = (f) => (f.name === QUERY_CFG ? configReply(f, 1, () => server.address) : 'silent');
    const ac = new AbortController();
    const order: string[] = [];
    let inside = false;
    const client = new PegasusClient({
      metaServers: [server.address],
      trace: (r) => {
        const type = r.type === 'in' ? (r.event as { type: string }).type : (r.cmd as { type: string }).type;
        order.push(`${r.type === 'in' ? 'event' : 'command'}:${type}`);
        // abort synchronously while the driver is performing the command that sent the call
        if (r.type === 'out' && type === 'send' && order.includes('event:call') && !inside) {
          inside = true;
          ac.abort('from a hook');
          order.push('aborted');
        }
      },
    });
    const table = await client.openTable('t');
    await assert.rejects(table.get('h', 's', { signal: ac.signal }), PegasusAbortError);
    // the abort event was fed after the batch that sent the call, not in the middle of it
    const sendAt = order.indexOf('aborted');
    const abortAt = order.indexOf('event:abort');
    assert.ok(abortAt > sendAt, 'abortAt > sendAt');
    // close() from a listener: the close is fed after the current batch and everything settles
    const pending = assert.rejects(table.get('h', 's2', { timeoutMs: 5000 }), PegasusClientClosedError);
    client.on('health', () => void client.close());
    server.handler = () => 'reset'; // the reset makes the node report its health
    const other = assert.rejects(table.get('x', 'y', { timeoutMs: 5000 }), PegasusClientClosedError);
    await Promise.all([pending, other]);
    await client.close();
    await server.drained();
    await server.close();
  });

  it('a throwing listener becomes a process warning; the client keeps working', async () => {
    let first = true;
    // the first get is answered by a reset: the node goes down and its health listener runs
    const s = await single((f) => {
      if (first) {
        first = false;
        return 'reset';
      }
      return reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('v') });
    });
    s.client.on('health', () => {
      throw new Error('listener bug');
    });
    const { result, warnings } = await captureWarnings(async () => {
      const value = await s.table.get('h', 's');
      await s.done();
      return value;
    });
    assert.deepEqual(result, B('v'));
    const names = warnings.map((w) => w.name);
    assert.ok(names.includes('PegasusListenerWarning'), `warnings: ${names.join(',')}`);
    assert.match(warnings[0]!.message, /a "health" listener threw: Error: listener bug/);
  });

  it('observability: health, routing and refresh events; trace records are plain JSON', async () => {
    const server = await FakeServer.start();
    server.handler = (f) =>
      f.name === QUERY_CFG
        ? configReply(f, 2, () => server.address)
        : reply(f, 'RPC_RRDB_RRDB_GET', { error: 0, value: B('v') });
    const seen: string[] = [];
    const trace: TraceRecord[] = [];
    const client = new PegasusClient({ metaServers: [server.address], trace: (r) => trace.push(r) });
    client.on('health', (e) => seen.push(`health:${e.health}`));
    const offRouting = client.on('routing', (e) =>
      seen.push(`routing:${e.table}:${e.partitionCount}:${e.changed.length}`),
    );
    client.on('refresh', (e) => seen.push(`refresh:${e.phase}`));
    const table = await client.openTable('t');
    await table.get('h', 's');
    offRouting();
    await client.close();
    assert.ok(seen.includes('health:ready'), "seen.includes('health:ready')");
    assert.ok(seen.includes('routing:t:2:2'), "seen.includes('routing:t:2:2')");
    assert.ok(seen.includes('refresh:query'), "seen.includes('refresh:query')");
    const json = JSON.parse(JSON.stringify(trace)) as TraceRecord[];
    assert.deepEqual(json, trace);
    const call = fed(trace).find((e) => e.type === 'call');
    assert.deepEqual(call?.partitionHash, {
      $bigint: partitionHash(B('h'), B('s')).toString(),
    });
    assert.ok(
      trace.every((r, i) => i === 0 || r.t >= trace[i - 1]!.t),
      'monotonic timestamps',
    );
    await server.drained();
    await server.close();
  });
});
