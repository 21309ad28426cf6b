// client/ops/scan-plan.ts without a server: the scanner spec of a hash scan (the keys of one hash
// key, stopping just past it by default) and of a full-table scan (every key of some partitions),
// each option's default, and which options belong to which scan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_SCAN_BATCH_SIZE,
  DEFAULT_SCAN_TIMEOUT_MS,
  fullScanOptions,
  hashScanPlan,
} from '../client/ops/scan-plan.ts';
import { encodeKey, nextKeyOf, partitionHash } from '../core/routing/index.ts';
import { FilterType } from '../core/wire/index.ts';

const B = (s: string) => Buffer.from(s);
const EMPTY = Buffer.alloc(0);

const READING_DEFAULTS = {
  batchSize: DEFAULT_SCAN_BATCH_SIZE,
  noValue: false,
  returnExpireTs: false,
  hashKeyFilterType: FilterType.FT_NO_FILTER,
  hashKeyFilterPattern: EMPTY,
  sortKeyFilterType: FilterType.FT_NO_FILTER,
  sortKeyFilterPattern: EMPTY,
  batchTimeoutMs: DEFAULT_SCAN_TIMEOUT_MS,
};

describe('hash scan plans', () => {
  it('defaults: from the first sort key of the hash key to just past its last', () => {
    const plan = hashScanPlan('t', 'h', undefined);
    assert.deepEqual(plan, {
      spec: {
        table: 't',
        hashScanHash: partitionHash(B('h'), EMPTY),
        partitions: [],
        partitionCount: 0,
        startKey: encodeKey(B('h'), EMPTY),
        stopKey: nextKeyOf(B('h')),
        startInclusive: true,
        stopInclusive: false,
        ...READING_DEFAULTS,
      },
      signal: undefined,
    });
    assert.equal(DEFAULT_SCAN_BATCH_SIZE, 100);
    assert.equal(DEFAULT_SCAN_TIMEOUT_MS, 5000);
  });

  it('every option reaches the spec', () => {
    const ac = new AbortController();
    const plan = hashScanPlan('t', 'h', {
      startSortKey: 'a',
      stopSortKey: 'm',
      startInclusive: false,
      stopInclusive: true,
      sortKeyFilter: { type: 'anywhere', pattern: 'x' },
      batchSize: 7,
      noValue: true,
      returnExpireTs: true,
      timeoutMs: 250,
      signal: ac.signal,
    });
    assert.equal(plan.signal, ac.signal);
    assert.deepEqual(plan.spec, {
      table: 't',
      hashScanHash: partitionHash(B('h'), EMPTY),
      partitions: [],
      partitionCount: 0,
      startKey: encodeKey(B('h'), B('a')),
      stopKey: encodeKey(B('h'), B('m')),
      startInclusive: false,
      stopInclusive: true,
      ...READING_DEFAULTS,
      batchSize: 7,
      noValue: true,
      returnExpireTs: true,
      sortKeyFilterType: FilterType.FT_MATCH_ANYWHERE,
      sortKeyFilterPattern: B('x'),
      batchTimeoutMs: 250,
    });
  });

  it('stopInclusive applies only to a given stop key (the default stop is past the hash key)', () => {
    assert.equal(hashScanPlan('t', 'h', { stopInclusive: true }).spec.stopInclusive, false);
    assert.equal(hashScanPlan('t', 'h', { stopSortKey: 'z', stopInclusive: true }).spec.stopInclusive, true);
  });

  it('refused: an empty hash key, a hash key filter, bad filters and options', () => {
    assert.throws(() => hashScanPlan('t', '', {}), /hashKey must not be empty/);
    assert.throws(
      () => hashScanPlan('t', 'h', { hashKeyFilter: { type: 'prefix', pattern: 'a' } }),
      /^PegasusArgumentError: hashKeyFilter applies to full-table scans only$/,
    );
    // that is the error even when the filter itself is malformed: it is not looked at
    assert.throws(
      () => hashScanPlan('t', 'h', { hashKeyFilter: { type: 'regex', pattern: 'a' } }),
      /^PegasusArgumentError: hashKeyFilter applies to full-table scans only$/,
    );
    for (const type of ['regex', 'toString', { toString: () => 'prefix' }])
      assert.throws(
        () => hashScanPlan('t', 'h', { sortKeyFilter: { type, pattern: 'a' } }),
        (e: unknown) =>
          e instanceof Error &&
          e.message ===
            `sortKeyFilter.type must be 'prefix', 'postfix' or 'anywhere', got ${JSON.stringify(type)}`,
      );
    assert.throws(
      () => hashScanPlan('t', 'h', { sortKeyFilter: { type: 'prefix', pattern: 5 } }),
      /sortKeyFilter.pattern/,
    );
    assert.throws(() => hashScanPlan('t', 'h', { batch: 5 }), /options has an unknown key "batch"/);
    assert.throws(() => hashScanPlan('t', 'h', { batchSize: 0 }), /batchSize/);
    assert.throws(() => hashScanPlan('t', 'h', { timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => hashScanPlan('t', 'h', { signal: {} }), /signal must be an AbortSignal/);
    assert.throws(() => hashScanPlan('t', 'h', { noValue: 1 }), /noValue must be a boolean/);
    assert.throws(() => hashScanPlan('t', 'h', { returnExpireTs: 1 }), /returnExpireTs must be a boolean/);
    assert.throws(() => hashScanPlan('t', 'h', { startInclusive: 1 }), /startInclusive must be a boolean/);
    assert.throws(() => hashScanPlan('t', 'h', { stopInclusive: 1 }), /stopInclusive must be a boolean/);
  });
});

describe('full-table scan plans', () => {
  it('every key of the given partitions, from 00 00 to ff ff, with the reading options', () => {
    const ac = new AbortController();
    const o = fullScanOptions({
      hashKeyFilter: { type: 'prefix', pattern: 'u' },
      sortKeyFilter: { type: 'postfix', pattern: 'v' },
      batchSize: 3,
      signal: ac.signal,
    });
    assert.equal(o.signal, ac.signal);
    assert.deepEqual(o.specFor('t', [1, 3], 8), {
      table: 't',
      hashScanHash: null,
      partitions: [1, 3],
      partitionCount: 8,
      startKey: Buffer.from([0, 0]),
      stopKey: Buffer.from([0xff, 0xff]),
      startInclusive: true,
      stopInclusive: false,
      ...READING_DEFAULTS,
      batchSize: 3,
      hashKeyFilterType: FilterType.FT_MATCH_PREFIX,
      hashKeyFilterPattern: B('u'),
      sortKeyFilterType: FilterType.FT_MATCH_POSTFIX,
      sortKeyFilterPattern: B('v'),
    });
    assert.deepEqual(fullScanOptions(undefined).specFor('t', [0], 1), {
      table: 't',
      hashScanHash: null,
      partitions: [0],
      partitionCount: 1,
      startKey: Buffer.from([0, 0]),
      stopKey: Buffer.from([0xff, 0xff]),
      startInclusive: true,
      stopInclusive: false,
      ...READING_DEFAULTS,
    });
  });

  it('a full-table scan takes no sort key range', () => {
    const msg = /^PegasusArgumentError: startSortKey and stopSortKey apply to scan\(hashKey\) only/;
    assert.throws(() => fullScanOptions({ startSortKey: 'a' }), msg);
    assert.throws(() => fullScanOptions({ stopSortKey: 'a' }), msg);
  });
});
