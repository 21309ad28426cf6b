// Happy path of every public op against a real onebox (meta + 3 replicas) over TCP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PegasusClient,
  PegasusStorageError,
  PegasusTableNotFoundError,
  type Table,
} from '../client/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';

let box: Onebox;
let client: PegasusClient;
let t: Table;
const B = (s: string) => Buffer.from(s);

before(async () => {
  box = await startTcpOnebox({});
  client = await PegasusClient.connect({ metaServers: [...box.metas], timeoutMs: 3000 });
  t = await client.openTable('temp');
});

after(async () => {
  await client.close();
  await box.close();
});

describe('client against a TCP onebox', () => {
  it('opens the default table; a missing table is PegasusTableNotFoundError', async () => {
    assert.equal(t.partitionCount, box.tables.temp?.partitionCount);
    assert.equal(t.appId, box.tables.temp?.appId);
    await assert.rejects(client.openTable('no_such_table'), PegasusTableNotFoundError);
  });

  it('set / get / del, with string, Buffer and Uint8Array keys', async () => {
    await t.set('user', 'name', 'ada');
    await t.set(B('user'), new Uint8Array([0x62, 0x69, 0x6e]), Buffer.from([0, 1, 2, 255]));
    assert.deepEqual(await t.get('user', 'name'), B('ada'));
    assert.deepEqual(await t.get('user', 'bin'), Buffer.from([0, 1, 2, 255]));
    assert.equal(await t.get('user', 'missing'), null);
    await t.del('user', 'name');
    assert.equal(await t.get('user', 'name'), null);
    await t.del('user', 'name'); // deleting an absent record succeeds
  });

  it('an empty hash key addresses one record routed by its sort key', async () => {
    await t.set('', 'lonely', 'x');
    assert.deepEqual(await t.get('', 'lonely'), B('x'));
  });

  it('ttl and exist', async () => {
    await t.set('ttl', 'forever', 'v');
    await t.set('ttl', 'soon', 'v', { ttlSeconds: 300 });
    assert.deepEqual(await t.ttl('ttl', 'forever'), { exists: true, ttlSeconds: null });
    const soon = await t.ttl('ttl', 'soon');
    assert.equal(soon.exists, true);
    assert.ok(
      soon.exists && soon.ttlSeconds !== null && soon.ttlSeconds > 290 && soon.ttlSeconds <= 300,
      'soon.exists && soon.ttlSeconds !== null && soon.ttlSeconds > 290 && soon.ttlSeconds <= 300',
    );
    assert.deepEqual(await t.ttl('ttl', 'none'), { exists: false });
    assert.equal(await t.exist('ttl', 'forever'), true);
    assert.equal(await t.exist('ttl', 'none'), false);
  });

  it('multiSet / multiGet (keys, range, filter, limits, reverse, noValue) / sortKeyCount / multiDel', async () => {
    const entries = new Map<string, string>();
    for (let i = 0; i < 10; i++) entries.set(`k${i}`, `v${i}`);
    entries.set('other', 'o');
    await t.multiSet('multi', entries);
    assert.equal(await t.sortKeyCount('multi'), 11);

    const some = await t.multiGet('multi', ['k1', 'k3', 'absent']);
    assert.deepEqual(
      some.entries.map((e) => [e.sortKey.toString(), e.value.toString()]),
      [
        ['k1', 'v1'],
        ['k3', 'v3'],
      ],
    );
    assert.equal(some.complete, true);

    const all = await t.multiGet('multi', {});
    assert.equal(all.entries.length, 11);
    assert.equal(all.complete, true);

    const range = await t.multiGet('multi', { start: 'k2', stop: 'k5', stopInclusive: true });
    assert.deepEqual(
      range.entries.map((e) => e.sortKey.toString()),
      ['k2', 'k3', 'k4', 'k5'],
    );

    const prefixed = await t.multiGet('multi', { filter: { type: 'prefix', pattern: 'k' }, maxCount: 3 });
    assert.deepEqual(
      prefixed.entries.map((e) => e.sortKey.toString()),
      ['k0', 'k1', 'k2'],
    );
    assert.equal(prefixed.complete, false);

    // reverse picks the last entries; they come back in ascending order (as the server sends them)
    const reversed = await t.multiGet('multi', { reverse: true, maxCount: 2, noValue: true });
    assert.deepEqual(
      reversed.entries.map((e) => [e.sortKey.toString(), e.value.length]),
      [
        ['k9', 0],
        ['other', 0],
      ],
    );

    await t.multiDel('multi', ['k0', 'k1', 'other']);
    assert.equal(await t.sortKeyCount('multi'), 8);
  });

  it('multiSet with a TTL applies it to every entry', async () => {
    await t.multiSet(
      'multi-ttl',
      [
        ['a', '1'],
        ['b', '2'],
      ],
      { ttlSeconds: 100 },
    );
    const a = await t.ttl('multi-ttl', 'b');
    assert.ok(
      a.exists && a.ttlSeconds !== null && a.ttlSeconds > 90,
      'a.exists && a.ttlSeconds !== null && a.ttlSeconds > 90',
    );
  });

  it('incr: bigint arithmetic, TTL handling, and a non-integer value', async () => {
    assert.equal(await t.incr('counter', 'c', 5), 5n);
    assert.equal(await t.incr('counter', 'c', -2n), 3n);
    assert.equal(await t.incr('counter', 'c', 9_007_199_254_740_000n), 9_007_199_254_740_003n);
    await t.incr('counter', 'c', 0, { ttlSeconds: 500 });
    const ttl = await t.ttl('counter', 'c');
    assert.ok(
      ttl.exists && ttl.ttlSeconds !== null && ttl.ttlSeconds > 490,
      'ttl.exists && ttl.ttlSeconds !== null && ttl.ttlSeconds > 490',
    );
    await t.incr('counter', 'c', 1); // keeps the TTL
    const kept = await t.ttl('counter', 'c');
    assert.ok(kept.exists && kept.ttlSeconds !== null, 'kept.exists && kept.ttlSeconds !== null');
    await t.incr('counter', 'c', 1, { ttlSeconds: 0 }); // removes it
    assert.deepEqual(await t.ttl('counter', 'c'), { exists: true, ttlSeconds: null });
    await t.set('counter', 'text', 'abc');
    await assert.rejects(
      t.incr('counter', 'text', 1),
      (e: unknown) => e instanceof PegasusStorageError && e.code === 'InvalidArgument',
    );
  });

  it('checkAndSet: passes, fails, writes a different sort key, returns the checked value', async () => {
    const first = await t.checkAndSet('cas', 'lock', 'valueNotExist', '', 'lock', 'owner-1', {
      returnCheckValue: true,
    });
    assert.deepEqual(first, { setSucceed: true, checkValue: null });
    const second = await t.checkAndSet('cas', 'lock', 'valueNotExist', '', 'lock', 'owner-2', {
      returnCheckValue: true,
    });
    assert.deepEqual(second, { setSucceed: false, checkValue: B('owner-1') });
    const moved = await t.checkAndSet('cas', 'lock', 'valueBytesEqual', 'owner-1', 'data', 'payload');
    assert.deepEqual(moved, { setSucceed: true });
    assert.deepEqual(await t.get('cas', 'data'), B('payload'));
    await t.set('cas', 'n', '10');
    assert.equal((await t.checkAndSet('cas', 'n', 'valueIntGreater', '5', 'n', '11')).setSucceed, true);
    assert.equal((await t.checkAndSet('cas', 'n', 'valueIntLess', '5', 'n', '0')).setSucceed, false);
  });

  it('emits health and routing events while working', async () => {
    const c2 = new PegasusClient({ metaServers: [...box.metas] });
    const seen = new Set<string>();
    c2.on('health', (e) => seen.add(`health:${e.health}`));
    c2.on('routing', (e) => seen.add(`routing:${e.table}`));
    const t2 = await c2.openTable('temp');
    await t2.get('x', 'y');
    await c2.close();
    assert.ok(seen.has('health:ready'), "seen.has('health:ready')");
    assert.ok(seen.has('routing:temp'), "seen.has('routing:temp')");
  });
});
