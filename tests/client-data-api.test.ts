// The data calls added beside scans, through the public API against a TCP onebox: checkAndMutate,
// compareExchange, batchGet (across partitions, input order, duplicates, missing keys), the batch
// helpers' per-item outcomes, multiGetSortKeys, delRange and multiSet from a plain object; each
// refusing bad arguments before anything is sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PegasusArgumentError, PegasusClient, PegasusStorageError, type Table } from '../client/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';

const B = (s: string) => Buffer.from(s);
const str = (b: Buffer | null | undefined) => (b === null || b === undefined ? b : b.toString());

describe('data API over TCP', () => {
  let box: Onebox;
  let client: PegasusClient;
  let t: Table;
  before(async () => {
    // a small write limit lets one item of a batch fail on the server
    box = await startTcpOnebox({
      replicas: 3,
      tables: [{ name: 'data', partitionCount: 8 }],
      maxWriteBytes: 4096,
    });
    client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 3000 });
    t = await client.openTable('data');
  });
  after(async () => {
    await client.close();
    await box.close();
  });

  it('checkAndMutate applies every mutation only when the check passes', async () => {
    await t.set('order', 'state', 'open');
    await t.set('order', 'cart', 'x');
    const miss = await t.checkAndMutate('order', 'state', 'valueBytesEqual', 'paid', [
      { type: 'set', sortKey: 'state', value: 'shipped' },
    ]);
    assert.deepEqual(miss, { mutateSucceed: false });
    const hit = await t.checkAndMutate(
      'order',
      'state',
      'valueBytesEqual',
      'open',
      [
        { type: 'set', sortKey: 'state', value: 'paid' },
        { type: 'set', sortKey: 'receipt', value: 'r1', ttlSeconds: 600 },
        { type: 'del', sortKey: 'cart' },
      ],
      { returnCheckValue: true },
    );
    assert.deepEqual(hit, { mutateSucceed: true, checkValue: B('open') });
    assert.equal(str(await t.get('order', 'state')), 'paid');
    assert.equal(await t.get('order', 'cart'), null);
    const ttl = await t.ttl('order', 'receipt');
    assert.ok(ttl.exists && ttl.ttlSeconds !== null && ttl.ttlSeconds > 590);
  });

  it('an int comparison against a value that is not a decimal int64 is a storage error that says so', async () => {
    await t.set('conditional', 'text', 'abc');
    const isIntError = (e: unknown) =>
      e instanceof PegasusStorageError && e.code === 'InvalidArgument' && /decimal int64/.test(e.message);
    await assert.rejects(t.checkAndSet('conditional', 'text', 'valueIntLess', '5', 'text', 'x'), isIntError);
    await assert.rejects(
      t.checkAndMutate('conditional', 'text', 'valueIntGreater', '1', [{ type: 'del', sortKey: 'text' }]),
      isIntError,
    );
    assert.equal(str(await t.get('conditional', 'text')), 'abc', 'nothing was applied');
  });

  it('compareExchange swaps only the expected value and reports the actual one', async () => {
    await t.set('lock', 'owner', 'me');
    assert.deepEqual(await t.compareExchange('lock', 'owner', 'you', 'them'), {
      setSucceed: false,
      actualValue: B('me'),
    });
    assert.deepEqual(await t.compareExchange('lock', 'owner', 'me', 'you'), {
      setSucceed: true,
      actualValue: null,
    });
    assert.equal(str(await t.get('lock', 'owner')), 'you');
    assert.deepEqual(await t.compareExchange('lock', 'nobody', 'x', 'y'), {
      setSucceed: false,
      actualValue: null,
    });
  });

  it('batchGet reads keys of many partitions, in input order', async () => {
    for (let i = 0; i < 20; i++) await t.set(`bg${i}`, 's', `v${i}`);
    const keys = [
      ...Array.from({ length: 20 }, (_, i) => [`bg${19 - i}`, 's'] as const),
      ['bg3', 's'] as const,
      ['none', 's'] as const,
    ];
    const got = await t.batchGet(keys);
    assert.deepEqual(got.map(str), [...Array.from({ length: 20 }, (_, i) => `v${19 - i}`), 'v3', null]);
  });

  it('batch helpers give one outcome per item, in order, and a failed item hides nothing', async () => {
    const sets = await t.batchSet([
      { hashKey: 'b1', sortKey: 's', value: '1' },
      { hashKey: 'b2', sortKey: 's', value: '2', ttlSeconds: 60 },
    ]);
    assert.deepEqual(sets, [
      { ok: true, value: undefined },
      { ok: true, value: undefined },
    ]);
    const ms = await t.batchMultiSet([
      { hashKey: 'm1', entries: { a: '1', b: '2' } },
      { hashKey: 'm2', entries: new Map([['c', '3']]) },
    ]);
    assert.ok(ms.every((o) => o.ok));
    const mg = await t.batchMultiGet([
      { hashKey: 'm1', query: {} },
      { hashKey: 'm2', query: ['c', 'missing'] },
    ]);
    assert.deepEqual(
      mg.map((o) => (o.ok ? o.value.entries.map((e) => `${e.sortKey}=${e.value}`) : o.error.code)),
      [['a=1', 'b=2'], ['c=3']],
    );
    // the server refuses the oversized item only
    const mixed = await t.batchSet([
      { hashKey: 'x1', sortKey: 's', value: '1' },
      { hashKey: 'x2', sortKey: 's', value: Buffer.alloc(8192) },
      { hashKey: 'x3', sortKey: 's', value: '3' },
    ]);
    assert.deepEqual(
      mixed.map((o) => (o.ok ? 'ok' : o.error.code)),
      ['ok', 'ERR_INVALID_DATA', 'ok'],
    );
    assert.equal(str(await t.get('x3', 's')), '3');
    const dels = await t.batchDel([
      ['b1', 's'],
      ['b2', 's'],
    ]);
    assert.ok(dels.every((o) => o.ok));
    assert.equal(await t.get('b1', 's'), null);
    const md = await t.batchMultiDel([{ hashKey: 'm1', sortKeys: ['a'] }]);
    assert.deepEqual(md, [{ ok: true, value: undefined }]);
    assert.equal(await t.get('m1', 'a'), null);
  });

  it('multiGetSortKeys and delRange', async () => {
    await t.multiSet(
      'log',
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`e${String(i).padStart(2, '0')}`, `v${i}`])),
    );
    const all = await t.multiGetSortKeys('log');
    assert.equal(all.sortKeys.length, 30);
    assert.equal(all.complete, true);
    assert.equal(await t.delRange('log', 'e05', 'e15', { batchSize: 3 }), 10);
    const left = await t.multiGetSortKeys('log');
    assert.deepEqual(
      left.sortKeys.map(String),
      Array.from({ length: 30 }, (_, i) => `e${String(i).padStart(2, '0')}`).filter(
        (k) => k < 'e05' || k >= 'e15',
      ),
    );
    assert.equal(await t.delRange('log', 'e20', ''), 10, 'an empty stop deletes to the end');
  });

  it('bad arguments are refused before anything is sent', async () => {
    await assert.rejects(t.checkAndMutate('h', 'c', 'valueExist', '', []), PegasusArgumentError);
    await assert.rejects(
      t.checkAndMutate('h', 'c', 'valueExist', '', [{ type: 'put' } as never]),
      PegasusArgumentError,
    );
    await assert.rejects(
      t.checkAndMutate('h', 'c', 'valueExist', '', [
        { type: 'set', sortKey: 'a', value: 'b', ttl: 3 } as never,
      ]),
      PegasusArgumentError,
    );
    await assert.rejects(
      t.checkAndMutate('', 'c', 'valueExist', '', [{ type: 'del', sortKey: 'a' }]),
      PegasusArgumentError,
    );
    await assert.rejects(t.compareExchange('h', 's', 1 as never, 'x'), PegasusArgumentError);
    await assert.rejects(t.batchGet([]), PegasusArgumentError);
    await assert.rejects(t.batchGet([['h'] as never]), PegasusArgumentError);
    await assert.rejects(t.batchSet([{ hashKey: 'h', sortKey: 's' } as never]), PegasusArgumentError);
    await assert.rejects(t.batchDel([]), PegasusArgumentError);
    await assert.rejects(t.multiSet('h', new Date() as never), PegasusArgumentError);
    await assert.rejects(t.delRange('h', 'a', 'b', { batchSize: 0 }), PegasusArgumentError);
    await assert.rejects(t.multiGetSortKeys('h', { maxCount: -1 }), PegasusArgumentError);
  });
});
