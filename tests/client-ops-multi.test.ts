// client/ops/multi-get.ts and batch-get.ts without a server: how a multiGet query becomes the
// request (its defaults, a range, a filter), how its answer is read, and how batchGet groups keys
// by partition and matches the server's found records to the keys asked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchGetPlan, checkKeys, groupByPartition } from '../client/ops/batch-get.ts';
import { multiGetPlan } from '../client/ops/multi-get.ts';
import { StorageRefusal } from '../client/ops/op-plan.ts';
import { partitionHash, partitionIndex } from '../core/routing/index.ts';
import { FilterType, StorageStatus } from '../core/wire/index.ts';

const B = (s: string) => Buffer.from(s);
const EMPTY = B('');
const answer = { app_id: 1, partition_index: 0, server: 's:1' };

function refusal(run: () => unknown): StorageRefusal {
  try {
    run();
  } catch (e) {
    if (e instanceof StorageRefusal) return e;
    throw e;
  }
  return assert.fail('expected a StorageRefusal');
}

const NONE = new Uint8Array(0);
const DEFAULTS = {
  hash_key: B('h'),
  sort_keys: [],
  max_kv_count: 0,
  max_kv_size: 0,
  no_value: false,
  start_sortkey: NONE,
  stop_sortkey: NONE,
  start_inclusive: true,
  stop_inclusive: false,
  sort_key_filter_type: FilterType.FT_NO_FILTER,
  sort_key_filter_pattern: NONE,
  reverse: false,
};

describe('multiGet plans', () => {
  it('a list of sort keys: exactly those keys, every other field at its default', () => {
    const plan = multiGetPlan('h', ['a', B('b')]);
    assert.deepEqual(plan.args, { ...DEFAULTS, sort_keys: [B('a'), B('b')] });
    assert.deepEqual([plan.op, plan.rpc, plan.idempotent], ['multiGet', 'RPC_RRDB_RRDB_MULTI_GET', true]);
    assert.equal(plan.partitionHash, partitionHash(B('h'), EMPTY));
  });

  it('{} is every sort key with the defaults; a range sets each field it names', () => {
    assert.deepEqual(multiGetPlan('h', {}).args, DEFAULTS);
    const plan = multiGetPlan('h', {
      start: 'a',
      stop: 'z',
      startInclusive: false,
      stopInclusive: true,
      maxCount: 10,
      maxBytes: 2048,
      noValue: true,
      reverse: true,
      filter: { type: 'postfix', pattern: 'x' },
    });
    assert.deepEqual(plan.args, {
      ...DEFAULTS,
      start_sortkey: B('a'),
      stop_sortkey: B('z'),
      start_inclusive: false,
      stop_inclusive: true,
      max_kv_count: 10,
      max_kv_size: 2048,
      no_value: true,
      reverse: true,
      sort_key_filter_type: FilterType.FT_MATCH_POSTFIX,
      sort_key_filter_pattern: B('x'),
    });
    assert.equal(
      multiGetPlan('h', { filter: { type: 'prefix', pattern: 'p' } }).args.sort_key_filter_type,
      FilterType.FT_MATCH_PREFIX,
    );
    assert.equal(
      multiGetPlan('h', { filter: { type: 'anywhere', pattern: 'p' } }).args.sort_key_filter_type,
      FilterType.FT_MATCH_ANYWHERE,
    );
  });

  it('bad queries: no query, an empty list (never read as "every sort key"), unknown keys, bad filter types', () => {
    assert.throws(() => multiGetPlan('h', undefined), /multiGet needs a list of sort keys or a range object/);
    assert.throws(
      () => multiGetPlan('h', []),
      /^PegasusArgumentError: sortKeys must not be empty; pass a range \(\{\}\) to read every sort key$/,
    );
    assert.throws(() => multiGetPlan('h', { limit: 3 }), /range has an unknown key "limit"/);
    assert.throws(
      () => multiGetPlan('h', { filter: { type: 'prefix', pattern: 'p', x: 1 } }),
      /range.filter has an unknown key "x"/,
    );
    for (const type of ['toString', 'regex', undefined, { toString: () => 'prefix' }])
      assert.throws(
        () => multiGetPlan('h', { filter: { type, pattern: 'p' } }),
        (e: unknown) =>
          e instanceof Error &&
          e.message ===
            `range.filter.type must be 'prefix', 'postfix' or 'anywhere', got ${JSON.stringify(type)}`,
      );
  });

  it('the answer: Ok is complete, Incomplete is a part, both copied; another status refuses', () => {
    const plan = multiGetPlan('h', {});
    const key = B('a');
    const kvs = [
      { key, value: B('1') },
      { key: B('b'), value: B('2') },
    ];
    const ok = plan.decode({ ...answer, error: StorageStatus.Ok, kvs });
    key[0] = 0x7a;
    assert.deepEqual(ok, {
      entries: [
        { sortKey: B('a'), value: B('1') },
        { sortKey: B('b'), value: B('2') },
      ],
      complete: true,
    });
    const part = plan.decode({ ...answer, error: StorageStatus.Incomplete, kvs: [] });
    assert.deepEqual(part, { entries: [], complete: false });
    const r = refusal(() => plan.decode({ ...answer, error: StorageStatus.NotFound, kvs }));
    assert.deepEqual([r.status, r.detail], [StorageStatus.NotFound, '']);
  });
});

describe('batchGet plans', () => {
  it('checkKeys: a non-empty array of [hashKey, sortKey] pairs, each with its partition hash', () => {
    assert.deepEqual(
      checkKeys([
        ['h', 's'],
        ['', 'x'],
      ]),
      [
        { hashKey: B('h'), sortKey: B('s'), hash: partitionHash(B('h'), B('s')) },
        { hashKey: EMPTY, sortKey: B('x'), hash: partitionHash(EMPTY, B('x')) },
      ],
    );
    for (const bad of [[], 'hs', undefined])
      assert.throws(
        () => checkKeys(bad),
        /^PegasusArgumentError: keys must be a non-empty array of \[hashKey, sortKey\]$/,
      );
    assert.throws(
      () => checkKeys([['h', 's'], ['h']]),
      /^PegasusArgumentError: keys\[1\] must be \[hashKey, sortKey\]$/,
    );
    assert.throws(() => checkKeys([['h', 's', 't']]), /keys\[0\] must be \[hashKey, sortKey\]/);
    assert.throws(() => checkKeys(['hs']), /keys\[0\] must be \[hashKey, sortKey\]/);
    assert.throws(
      () =>
        checkKeys([
          ['h', 's'],
          ['h', 5],
        ]),
      /keys\[1\]\[1\] must be/,
    );
  });

  it('groupByPartition: positions of each partition together, in first-seen order', () => {
    const keys = checkKeys(Array.from({ length: 12 }, (_, i) => [`h${i}`, 's']));
    const groups = groupByPartition(keys, 3);
    assert.deepEqual(
      groups.flat().sort((a, b) => a - b),
      keys.map((_, i) => i),
    );
    for (const g of groups) {
      const p = partitionIndex(keys[g[0]!]!.hash, 3);
      assert.ok(g.every((i) => partitionIndex(keys[i]!.hash, 3) === p));
      assert.deepEqual(
        g,
        [...g].sort((a, b) => a - b),
      );
    }
    assert.equal(new Set(groups.map((g) => partitionIndex(keys[g[0]!]!.hash, 3))).size, groups.length);
    assert.deepEqual(groupByPartition(keys, 1), [keys.map((_, i) => i)]);
  });

  it('a plan asks for its group in order; the answer is matched by key, null where not found', () => {
    const keys = checkKeys([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
    const plan = batchGetPlan(keys, [2, 0]);
    assert.deepEqual([plan.op, plan.rpc, plan.idempotent], ['batchGet', 'RPC_RRDB_RRDB_BATCH_GET', true]);
    assert.deepEqual(plan.args, {
      keys: [
        { hash_key: B('a'), sort_key: B('3') },
        { hash_key: B('a'), sort_key: B('1') },
      ],
    });
    assert.equal(plan.partitionHash, keys[2]!.hash);
    // found records come back in any order; a key's hash part and sort part are told apart
    const value = B('v1');
    const got = plan.decode({
      ...answer,
      error: StorageStatus.Ok,
      data: [
        { hash_key: B('a'), sort_key: B('1'), value },
        { hash_key: B('a1'), sort_key: B(''), value: B('wrong') },
      ],
    });
    value[0] = 0;
    assert.deepEqual(got, [null, B('v1')]);
    const r = refusal(() => plan.decode({ ...answer, error: StorageStatus.Busy, data: [] }));
    assert.deepEqual([r.status, r.detail], [StorageStatus.Busy, '']);
  });
});
