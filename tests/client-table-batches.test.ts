// client/table.ts over a stand-in driver: the helpers made of several calls (batchGet per partition
// with its fallback for old servers, the batch* helpers, multiGetSortKeys, delRange), how scans
// split partitions, and what an observed call reports to the metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PegasusError, PegasusTimeoutError } from '../client/errors.ts';
import type { ClientMetrics } from '../client/metrics.ts';
import { Table } from '../client/table.ts';
import { decodeKey, encodeKey, partitionHash, partitionIndex } from '../core/routing/index.ts';
import { batch, FakeDriver, failed, ok } from './helpers/fake-driver.ts';

const B = (s: string) => Buffer.from(s);
const read = { app_id: 1, partition_index: 0, server: 's:1' };
const write = { ...read, decree: 1n };

const table = (d: FakeDriver, metrics: ClientMetrics | null = null) =>
  new Table(d.asDriver, 't', 7, 4, undefined, metrics);

/** the keys of a batch_get event, as "hash/sort" strings */
function keysOf(args: unknown): string[] {
  return (args as { keys: Array<{ hash_key: Uint8Array; sort_key: Uint8Array }> }).keys.map(
    (k) => `${Buffer.from(k.hash_key)}/${Buffer.from(k.sort_key)}`,
  );
}

describe('batchGet', () => {
  const keys: Array<[string, string]> = Array.from({ length: 10 }, (_, i) => [`h${i}`, 's']);

  it('one batch_get per partition of the current count; values in the order of the keys', async () => {
    const d = new FakeDriver();
    d.answer = (e) => {
      const data = keysOf(e.args)
        .filter((k) => k !== 'h3/s')
        .map((k) => {
          const [h, s] = k.split('/');
          return { hash_key: B(h!), sort_key: B(s!), value: B(`v-${h}`) };
        });
      return ok({ ...read, error: 0, data });
    };
    const got = await table(d).batchGet(keys);
    assert.deepEqual(
      got,
      keys.map(([h]) => (h === 'h3' ? null : B(`v-${h}`))),
    );
    // the table's count when the router knows none
    const groups = d.calls.map((c) => keysOf(c.event.args));
    assert.equal(groups.flat().length, keys.length);
    const partitionOf = (k: string) => partitionIndex(partitionHash(B(k.split('/')[0]!), B('s')), 4);
    for (const g of groups) assert.equal(new Set(g.map(partitionOf)).size, 1, JSON.stringify(g));
    assert.equal(new Set(groups.map((g) => partitionOf(g[0]!))).size, groups.length);
    assert.ok(groups.length > 1);
  });

  it("the router's count when it has one (after a split), else the table's", async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 0, data: [] });
    d.routes = { partitionCount: 1 };
    await table(d).batchGet(keys);
    assert.equal(d.calls.length, 1, 'one partition: one batch_get');
    d.routes = { partitionCount: 0 };
    await table(d).batchGet(keys);
    assert.ok(d.calls.length > 2, 'no count from the router: the table’s 4');
  });

  it('ERR_HANDLER_NOT_FOUND (a server before batch_get): each key read by get instead', async () => {
    const d = new FakeDriver();
    d.answer = (e) =>
      e.rpc === 'RPC_RRDB_RRDB_BATCH_GET'
        ? failed('ERR_HANDLER_NOT_FOUND')
        : ok({ ...read, error: 0, value: B('g') });
    d.routes = { partitionCount: 1 };
    assert.deepEqual(
      await table(d).batchGet([
        ['a', '1'],
        ['b', '2'],
      ]),
      [B('g'), B('g')],
    );
    assert.deepEqual(
      d.calls.map((c) => c.event.rpc),
      ['RPC_RRDB_RRDB_BATCH_GET', 'RPC_RRDB_RRDB_GET', 'RPC_RRDB_RRDB_GET'],
    );
    // another failure is the batch's failure, with no get tried
    d.answer = (e) =>
      e.rpc === 'RPC_RRDB_RRDB_BATCH_GET' ? failed('ERR_TIMEOUT') : ok({ ...read, error: 0, value: B('g') });
    const before = d.calls.length;
    await assert.rejects(table(d).batchGet([['a', '1']]), PegasusTimeoutError);
    assert.equal(d.calls.length, before + 1);
  });
});

describe('batch helpers', () => {
  it('each item is its own call; the outcomes in item order, failures as errors', async () => {
    const d = new FakeDriver();
    d.answer = (e) => {
      const key = decodeKey(
        Buffer.from(
          e.rpc === 'RPC_RRDB_RRDB_PUT' ? (e.args as unknown as { key: Buffer }).key : (e.args as Buffer),
        ),
      );
      return String(key.hashKey) === 'bad' ? failed('ERR_BUSY') : ok({ ...write, error: 0 });
    };
    const t = table(d);
    const sets = await t.batchSet([
      { hashKey: 'a', sortKey: 's', value: 'v' },
      { hashKey: 'bad', sortKey: 's', value: 'v', ttlSeconds: 5 },
    ]);
    assert.deepEqual(sets[0], { ok: true, value: undefined });
    assert.equal(sets[1]!.ok, false);
    assert.equal((sets[1] as { error: PegasusError }).error.code, 'ERR_BUSY');
    const dels = await t.batchDel([
      ['bad', 's'],
      ['a', 's'],
    ]);
    assert.deepEqual(
      dels.map((o) => o.ok),
      [false, true],
    );
  });

  it('multi-record helpers: one call per item', async () => {
    const d = new FakeDriver();
    d.answer = (e) =>
      ok(
        e.rpc === 'RPC_RRDB_RRDB_MULTI_GET'
          ? { ...read, error: 0, kvs: [{ key: B('k'), value: B('v') }] }
          : { ...write, error: 0, count: 1n },
      );
    const t = table(d);
    const mg = await t.batchMultiGet([
      { hashKey: 'a', query: {} },
      { hashKey: 'b', query: ['x'] },
    ]);
    assert.deepEqual(mg[0], {
      ok: true,
      value: { entries: [{ sortKey: B('k'), value: B('v') }], complete: true },
    });
    assert.equal(mg.length, 2);
    const ms = await t.batchMultiSet([{ hashKey: 'a', entries: { k: 'v' }, ttlSeconds: 3 }]);
    assert.deepEqual(ms, [{ ok: true, value: undefined }]);
    const md = await t.batchMultiDel([{ hashKey: 'a', sortKeys: ['k'] }]);
    assert.deepEqual(md, [{ ok: true, value: undefined }]);
    assert.deepEqual(
      d.calls.map((c) => c.event.rpc),
      [
        'RPC_RRDB_RRDB_MULTI_GET',
        'RPC_RRDB_RRDB_MULTI_GET',
        'RPC_RRDB_RRDB_MULTI_PUT',
        'RPC_RRDB_RRDB_MULTI_REMOVE',
      ],
    );
  });

  it('items: a non-empty array; each item an object of its own keys, or a pair for batchDel', async () => {
    const d = new FakeDriver();
    const t = table(d);
    for (const run of [
      () => t.batchSet([]),
      () => t.batchDel('x' as never),
      () => t.batchMultiGet([]),
      () => t.batchMultiSet([]),
      () => t.batchMultiDel([]),
    ])
      await assert.rejects(run(), /^PegasusArgumentError: items must be a non-empty array$/);
    await assert.rejects(
      t.batchSet([{ hashKey: 'a', sortKey: 's', value: 'v', ttl: 1 } as never]),
      /items\[0\] has an unknown key "ttl"/,
    );
    await assert.rejects(
      t.batchDel([['a', 's'], ['a'] as never]),
      /^PegasusArgumentError: items\[1\] must be \[hashKey, sortKey\]$/,
    );
    await assert.rejects(t.batchDel(['as' as never]), /items\[0\] must be \[hashKey, sortKey\]/);
    await assert.rejects(
      t.batchMultiGet([{ hashKey: 'a', q: {} } as never]),
      /items\[0\] has an unknown key "q"/,
    );
    await assert.rejects(
      t.batchMultiSet([{ hashKey: 'a', kvs: {} } as never]),
      /items\[0\] has an unknown key "kvs"/,
    );
    await assert.rejects(
      t.batchMultiDel([{ hashKey: 'a', keys: [] } as never]),
      /items\[0\] has an unknown key "keys"/,
    );
    assert.equal(d.calls.length, 0);
  });
});

describe('multiGetSortKeys and delRange', () => {
  it('multiGetSortKeys: a no-value range with the given limits only', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 7, kvs: [{ key: B('a'), value: B('') }] });
    const t = table(d);
    assert.deepEqual(await t.multiGetSortKeys('h'), { sortKeys: [B('a')], complete: false });
    await t.multiGetSortKeys('h', { maxCount: 3, maxBytes: 99 });
    const [plain, limited] = d.calls.map(
      (c) => c.event.args as { no_value: boolean; max_kv_count: number; max_kv_size: number },
    );
    assert.deepEqual([plain!.no_value, plain!.max_kv_count, plain!.max_kv_size], [true, 0, 0]);
    assert.deepEqual([limited!.no_value, limited!.max_kv_count, limited!.max_kv_size], [true, 3, 99]);
  });

  it('delRange: scans the range without values, deletes in chunks of batchSize, returns the count', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...write, error: 0, count: 1n });
    const rec = (s: string) => ({ key: encodeKey(B('h'), B(s)), value: B('') });
    d.scanReplies.set(1, [batch([rec('a'), rec('b'), rec('c')], false), batch([rec('d'), rec('e')], true)]);
    const ac = new AbortController();
    const n = await table(d).delRange('h', 'a', 'z', { batchSize: 2, timeoutMs: 77, signal: ac.signal });
    assert.equal(n, 5);
    const spec = d.scanNexts[0]!.spec!;
    assert.deepEqual([spec.noValue, spec.batchSize, spec.batchTimeoutMs], [true, 2, 77]);
    assert.deepEqual(spec.stopKey, encodeKey(B('h'), B('z')));
    const chunks = d.calls.map((c) => (c.event.args as { sort_keys: Uint8Array[] }).sort_keys.map(String));
    assert.deepEqual(chunks, [['a', 'b'], ['c', 'd'], ['e']]);
    assert.ok(d.calls.every((c) => c.signal === ac.signal && c.event.timeoutMs === 77));
  });

  it('delRange: an empty stop key is the end of the hash key; 100 per chunk by default; nothing found, no call', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([], true)]);
    assert.equal(await table(d).delRange('h', '', ''), 0);
    const spec = d.scanNexts[0]!.spec!;
    assert.equal(spec.batchSize, 100);
    assert.equal(spec.batchTimeoutMs, 5000);
    assert.notDeepEqual(spec.stopKey, encodeKey(B('h'), B('')));
    assert.equal(d.calls.length, 0);
    await assert.rejects(table(d).delRange('h', 'a', 'b', { batchSize: 0 }), /batchSize/);
    await assert.rejects(table(d).delRange('h', 'a', 'b', { size: 1 } as never), /unknown key "size"/);
  });
});

describe('scans over partitions', () => {
  it('scanAll reads every partition of the current count', async () => {
    const d = new FakeDriver();
    d.scanReplies.set(1, [batch([], true)]);
    for await (const _ of table(d).scanAll()) assert.fail('no records');
    assert.deepEqual(d.scanNexts[0]!.spec!.partitions, [0, 1, 2, 3]);
    d.routes = { partitionCount: 8 };
    const s = table(d).scanAll();
    d.scanReplies.set(2, [batch([], true)]);
    await s.next();
    assert.deepEqual(d.scanNexts[1]!.spec!.partitions, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(d.scanNexts[1]!.spec!.partitionCount, 8);
  });

  it('unorderedScanners: at most one scanner per partition, partitions dealt round-robin', async () => {
    const d = new FakeDriver();
    // each scanner's first batch carries its spec (the fake driver leaves it pending)
    const partitionsOf = async (scanners: ReturnType<Table['unorderedScanners']>) => {
      const before = d.scanNexts.length;
      for (const s of scanners) void s.next();
      await new Promise((r) => setImmediate(r));
      return d.scanNexts.slice(before).map((n) => [...n.spec!.partitions]);
    };
    assert.deepEqual(await partitionsOf(table(d).unorderedScanners(3)), [[0, 3], [1], [2]]);
    assert.deepEqual(await partitionsOf(table(d).unorderedScanners(9)), [[0], [1], [2], [3]]);
    assert.throws(() => table(d).unorderedScanners(0), /count must be an integer/);
  });
});

describe('observed calls', () => {
  function recorder() {
    const settled: unknown[][] = [];
    const metrics = { settled: (...a: unknown[]) => settled.push(a) } as unknown as ClientMetrics;
    return { settled, metrics };
  }
  const attempt = { node: 'n:1', sentAtMs: 1, outcome: 'ERR_OK', endedAtMs: 2 };

  it('a success reports the op, table, seconds, no code and the attempts', async () => {
    const d = new FakeDriver();
    d.answer = () => ok({ ...read, error: 0, value: B('v') }, [attempt]);
    const r = recorder();
    await table(d, r.metrics).get('h', 's');
    assert.equal(r.settled.length, 1);
    const [op, t, seconds, code, attempts] = r.settled[0]!;
    assert.deepEqual([op, t, code, attempts], ['get', 't', null, [attempt]]);
    assert.ok(typeof seconds === 'number' && seconds >= 0 && seconds < 5, String(seconds));
  });

  it("a failure reports its code and the error's attempts; an error without a code is ERR_UNKNOWN", async () => {
    const d = new FakeDriver();
    const r = recorder();
    d.answer = () => ({
      ok: false,
      failure: { code: 'ERR_BUSY', cause: null, outcomeUnknown: false, attempts: [attempt] },
    });
    await assert.rejects(table(d, r.metrics).get('h', 's'));
    assert.deepEqual(r.settled[0]!.slice(3), ['ERR_BUSY', [attempt]]);
    // a decode that throws a TypeError without a code (a multi_get answer without its list)
    d.answer = () => ok({ ...read, error: 0 }, [attempt]);
    await assert.rejects(table(d, r.metrics).multiGet('h', {}), TypeError);
    assert.deepEqual(r.settled[1]!.slice(3), ['ERR_UNKNOWN', [attempt]]);
  });
});
