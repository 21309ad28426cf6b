// The scanner kind at the core (core/client/scanner-kind.ts), driven by scripted servers: what a
// get_scanner and a scan carry, where a scan goes on after each kind of failure, what the consumer's
// failure says, and the contexts cleared when nobody reads them any more. Pinned because Stryker
// mutants of the scanner kind survived the core and scan-trace tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScannerSpec } from '../core/client/events.ts';
import { encodeKey } from '../core/routing/index.ts';
import { encodeResponse, type RequestFrame } from '../core/wire/index.ts';
import type { KeyValue, ScanResponse } from '../core/wire/types.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import { GET, get, META, N1, N2, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { BudgetHarness } from './helpers/budget-harness.ts';
import {
  argsOf,
  errorReply,
  getReply,
  partitionConfig,
  queryCfgReply,
  type ServerAnswer,
} from './helpers/core-harness.ts';
import { fullScanSpec } from './helpers/scanner-spec.ts';

const GET_SCANNER = 'RPC_RRDB_RRDB_GET_SCANNER';
const SCAN = 'RPC_RRDB_RRDB_SCAN';
const CLEAR = 'RPC_RRDB_RRDB_CLEAR_SCANNER';
const key = (h: string, s: string) => encodeKey(Buffer.from(h), Buffer.from(s));
const kv = (h: string, s: string, v = 'v'): KeyValue => ({ key: key(h, s), value: Buffer.from(v) });

/** a get_scanner or scan answer (by the request's own name) */
function scanAnswer(req: RequestFrame, resp: Partial<ScanResponse>, delayMs = 1): ServerAnswer {
  const full: ScanResponse = {
    error: 0,
    kvs: [],
    context_id: -1n,
    app_id: req.header.app_id,
    partition_index: req.header.partition_index,
    server: '',
    ...resp,
  };
  return {
    kind: 'reply',
    delayMs,
    bytes: encodeResponse(req.name as typeof SCAN, req.seqid, 'ERR_OK', full),
  };
}

/** N1 answers scanner requests in turn from `answers` (then stays silent); other requests silent */
function scripted(h: BudgetHarness, answers: Array<(req: RequestFrame) => ServerAnswer>): void {
  h.scripts.set(N1, (req) => {
    if (req.name !== GET_SCANNER && req.name !== SCAN) return { kind: 'silent' };
    const next = answers.shift();
    return next === undefined ? { kind: 'silent' } : next(req);
  });
}

/** the consumer asks for the next batch of scanner 1 as call `callId`; returns its settle command */
function next(h: BudgetHarness, callId: number, spec?: ScannerSpec, runMs = 100) {
  h.feed(
    spec === undefined
      ? { type: 'scanNext', callId, scannerId: 1 }
      : { type: 'scanNext', callId, scannerId: 1, spec },
  );
  h.runUntil(h.nowMs + runMs);
  return h.commands.map((c) => c.cmd).find((c) => c.type === 'settle' && c.callId === callId);
}

const recordsOf = (settle: ReturnType<typeof next>) =>
  settle?.type === 'settle' && settle.ok ? (settle.result as { records: Array<{ key: Buffer }> }) : null;
const failureOf = (settle: ReturnType<typeof next>) =>
  settle?.type === 'settle' && !settle.ok ? settle.failure : null;

describe('what a scanner sends', () => {
  it('get_scanner carries the spec; a full scan asks for the partition hash check and a full scan', () => {
    const { h } = world(MACHINES);
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    const spec = fullScanSpec({
      startKey: key('a', '1'),
      stopKey: key('z', ''),
      startInclusive: false,
      stopInclusive: true,
      batchSize: 7,
      noValue: true,
      returnExpireTs: true,
      hashKeyFilterType: 2,
      hashKeyFilterPattern: Buffer.from('h'),
      sortKeyFilterType: 3,
      sortKeyFilterPattern: Buffer.from('s'),
      batchTimeoutMs: 3000,
    });
    const done = next(h, 100, spec);
    assert.deepEqual(recordsOf(done), { records: [], done: true });
    const [req] = sentTo(h, N1, GET_SCANNER);
    assert.ok(req !== undefined);
    const args = argsOf(GET_SCANNER, req.frame);
    assert.deepEqual(
      { ...args },
      {
        start_key: key('a', '1'),
        stop_key: key('z', ''),
        start_inclusive: false,
        stop_inclusive: true,
        batch_size: 7,
        no_value: true,
        hash_key_filter_type: 2,
        hash_key_filter_pattern: Buffer.from('h'),
        sort_key_filter_type: 3,
        sort_key_filter_pattern: Buffer.from('s'),
        validate_partition_hash: true,
        return_expire_ts: true,
        full_scan: true,
        ...('only_return_count' in args ? { only_return_count: args.only_return_count } : {}),
      },
    );
    // a full scan's header hash is its partition index; its budget what is left of the batch's
    assert.equal(req.frame.header.partition_hash, 0n);
    assert.ok(
      req.frame.header.client_timeout_ms <= 3000 && req.frame.header.client_timeout_ms > 2900,
      `${req.frame.header.client_timeout_ms}`,
    );
  });

  it('a hash scan sends its hash key hash and asks for neither the partition check nor a full scan', () => {
    const { h } = world(MACHINES);
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    next(h, 100, fullScanSpec({ hashScanHash: 12345n, partitions: [] }));
    const [req] = sentTo(h, N1, GET_SCANNER);
    assert.ok(req !== undefined);
    const args = argsOf(GET_SCANNER, req.frame);
    assert.equal(args.validate_partition_hash, false);
    assert.equal(args.full_scan, false);
    assert.equal(req.frame.header.partition_hash, 12345n);
  });

  it("a full scan of a partition other than 0 sends that partition's index as its hash", () => {
    const h = new BudgetHarness({ metaServers: [META], seed: 7, machines: MACHINES, ...PINNED });
    h.scripts.set(META, (req) =>
      queryCfgReply(req, {
        app_id: 1,
        partition_count: 2,
        partitions: [partitionConfig(1, 0, 1n, N1), partitionConfig(1, 1, 1n, N1)],
      }),
    );
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    next(h, 100, fullScanSpec({ partitions: [1], partitionCount: 2 }));
    const [req] = sentTo(h, N1, GET_SCANNER);
    assert.equal(req?.frame.header.partition_hash, 1n);
    assert.equal(req?.frame.header.partition_index, 1);
  });

  it('a scan reads on with the context id of the reply (0 is a context), on one attempt budget', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 0n }),
      (req) => scanAnswer(req, { kvs: [kv('b', '1')], context_id: -1n }),
    ]);
    open(h);
    const first = next(h, 100, fullScanSpec({ batchTimeoutMs: 3000 }));
    assert.deepEqual(
      recordsOf(first)?.records.map((r) => r.key),
      [key('a', '1')],
    );
    const second = next(h, 101);
    assert.deepEqual(
      recordsOf(second)?.records.map((r) => r.key),
      [key('b', '1')],
    );
    const scans = sentTo(h, N1, SCAN);
    assert.equal(scans.length, 1);
    assert.deepEqual(argsOf(SCAN, scans[0]!.frame), { context_id: 0n });
    // the attempt timeout bounds a scan (a hung node is left soon), below the batch's budget
    assert.ok(scans[0]!.frame.header.client_timeout_ms <= PINNED.attemptTimeoutMs);
    assert.ok(scans[0]!.frame.header.client_timeout_ms > PINNED.attemptTimeoutMs - 50);
    // no context left: the next request is the end of the scan, without another request
    assert.deepEqual(recordsOf(next(h, 102)), { records: [], done: true });
    assert.equal(sentTo(h, N1, SCAN).length, 1);
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 1);
  });

  it("a scan's budget is the batch's when that is shorter than an attempt's", () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 4n }),
      (req) => scanAnswer(req, {}),
    ]);
    open(h);
    next(h, 100, fullScanSpec({ batchTimeoutMs: 300 }));
    next(h, 101);
    const [scan] = sentTo(h, N1, SCAN);
    assert.ok(scan !== undefined);
    assert.ok(
      scan.frame.header.client_timeout_ms <= 300 && scan.frame.header.client_timeout_ms > 250,
      `${scan.frame.header.client_timeout_ms}`,
    );
  });
});

describe('where a scan goes on after a failure', () => {
  it("a scan answered NotFound (the context is gone) re-opens after the last key, on what is left of the batch's time", () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1'), kv('a', '2')], context_id: 9n }),
      (req) => scanAnswer(req, { error: 1 }, 100),
      (req) => scanAnswer(req, { kvs: [kv('b', '1')] }),
    ]);
    open(h);
    next(h, 100, fullScanSpec({ batchTimeoutMs: 3000 }));
    const second = next(h, 101, undefined, 200);
    assert.deepEqual(
      recordsOf(second)?.records.map((r) => r.key),
      [key('b', '1')],
    );
    const opens = sentTo(h, N1, GET_SCANNER);
    assert.equal(opens.length, 2);
    const resumed = argsOf(GET_SCANNER, opens[1]!.frame);
    assert.deepEqual(resumed.start_key, key('a', '2'));
    assert.equal(resumed.start_inclusive, false);
    assert.equal(resumed.full_scan, true, 'a resumed full scan is still a full scan');
    const budget = opens[1]!.frame.header.client_timeout_ms;
    assert.ok(budget < 2950 && budget > 2800, `the batch's time left: ${budget}`);
    // the lost context is cleared (one-way) before the re-open
    assert.deepEqual(
      sentTo(h, N1, CLEAR).map((r) => argsOf(CLEAR, r.frame)),
      [9n],
    );
  });

  it('a get_scanner answered with a storage error fails the scan with that status (NotFound too)', () => {
    for (const status of [1, 5]) {
      const { h } = world(MACHINES);
      scripted(h, [(req) => scanAnswer(req, { error: status })]);
      open(h);
      const f = failureOf(next(h, 100, fullScanSpec()));
      assert.equal(f?.code, `ERR_STORAGE_${status}`);
      assert.equal(f?.cause, null);
      assert.equal(f?.outcomeUnknown, false);
      assert.deepEqual(
        f?.attempts.map((a) => a.outcome),
        ['ERR_OK'],
      );
      assert.equal(sentTo(h, N1, GET_SCANNER).length, 1, 'not re-opened');
      assert.deepEqual(h.core.openScannerIds(), []);
    }
  });

  it('a scan answered with another storage error fails the scan and clears nothing more', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => scanAnswer(req, { error: 5 }),
    ]);
    open(h);
    next(h, 100, fullScanSpec());
    const f = failureOf(next(h, 101));
    assert.equal(f?.code, 'ERR_STORAGE_5');
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 1);
  });

  it('a scan answered with an error that is not about the context fails the scan, not re-opened', () => {
    for (const code of ['ERR_INVALID_PARAMETERS', 'ERR_UNKNOWN']) {
      const { h } = world(MACHINES);
      scripted(h, [
        (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
        (req) => ({ kind: 'reply', delayMs: 1, bytes: encodeResponse(SCAN, req.seqid, code) }),
      ]);
      open(h);
      next(h, 100, fullScanSpec());
      const f = failureOf(next(h, 101, undefined, 100));
      assert.equal(f?.code, code);
      assert.equal(sentTo(h, N1, GET_SCANNER).length, 1, `${code}: not re-opened`);
    }
  });
});

describe("the consumer's requests", () => {
  it('a request while one is awaited fails at once; the scan goes on', () => {
    const { h } = world(MACHINES);
    scripted(h, [(req) => scanAnswer(req, { kvs: [kv('a', '1')] }, 50)]);
    open(h);
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
    const cmds = h.feed({ type: 'scanNext', callId: 101, scannerId: 1 });
    assert.deepEqual(cmds, [
      {
        type: 'settle',
        callId: 101,
        ok: false,
        failure: {
          code: 'ERR_INVALID_STATE',
          cause: 'a batch is already awaited',
          outcomeUnknown: false,
          attempts: [],
        },
      },
    ]);
    h.runUntil(h.nowMs + 100);
    assert.equal(h.settledOf(100)?.ok, true);
  });

  it('a request after close() fails with ERR_CLIENT_CLOSED, also for a new scanner', () => {
    const { h } = world(MACHINES);
    open(h);
    h.feed({ type: 'close' });
    for (const [callId, spec] of [
      [100, fullScanSpec()],
      [101, undefined],
    ] as const) {
      const cmds = h.feed(
        spec === undefined
          ? { type: 'scanNext', callId, scannerId: 1 }
          : { type: 'scanNext', callId, scannerId: 1, spec },
      );
      assert.deepEqual(cmds, [
        {
          type: 'settle',
          callId,
          ok: false,
          failure: { code: 'ERR_CLIENT_CLOSED', cause: null, outcomeUnknown: false, attempts: [] },
        },
      ]);
    }
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 0);
  });
});

describe('contexts nobody reads', () => {
  it('a get_scanner reply after its call gave up has its context cleared at once, on its partition', () => {
    for (const id of [42n, 0n]) {
      const { h } = world(MACHINES);
      // the first get_scanner is answered after its attempt timed out; the retry never
      scripted(h, [
        (req) => scanAnswer(req, { context_id: id, partition_index: 0 }, PINNED.attemptTimeoutMs + 100),
      ]);
      open(h);
      h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
      h.runUntil(h.nowMs + PINNED.attemptTimeoutMs + 200);
      const clears = sentTo(h, N1, CLEAR);
      assert.deepEqual(
        clears.map((r) => argsOf(CLEAR, r.frame)),
        [id],
      );
      assert.equal(clears[0]!.frame.header.partition_index, 0);
      assert.equal(clears[0]!.frame.header.app_id, 1);
    }
  });

  it('a late reply with no context, or with a storage error, clears nothing', () => {
    for (const resp of [{ context_id: -1n }, { error: 5, context_id: 42n }]) {
      const { h } = world(MACHINES);
      scripted(h, [(req) => scanAnswer(req, resp, PINNED.attemptTimeoutMs + 100)]);
      open(h);
      h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
      h.runUntil(h.nowMs + PINNED.attemptTimeoutMs + 200);
      assert.deepEqual(
        sentTo(h, N1, CLEAR),
        [],
        JSON.stringify(resp, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
      );
    }
  });
});

describe('how a scan ends', () => {
  it("a scan failing at its batch deadline after a lost context names the lost context's error as its cause", () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => scanAnswer(req, { error: 1 }),
      // the re-open is never answered
    ]);
    open(h);
    next(h, 100, fullScanSpec({ batchTimeoutMs: 300 }));
    const f = failureOf(next(h, 101, undefined, 400));
    assert.equal(f?.code, 'ERR_TIMEOUT');
    assert.equal(f?.cause, 'ERR_STORAGE_1');
    assert.deepEqual(
      f?.attempts.map((a) => [a.node, a.outcome]),
      [[N1, 'ERR_OK']],
    );
    assert.deepEqual(h.core.openScannerIds(), []);
  });

  it('a hash scan ends without asking meta; a full scan asks once, after its last segment', () => {
    const queries = (h: BudgetHarness) => sentTo(h, META, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX').length;
    {
      const { h } = world(MACHINES);
      scripted(h, [(req) => scanAnswer(req, { kvs: [kv('a', '1')] })]);
      open(h);
      const before = queries(h);
      const first = next(h, 100, fullScanSpec({ hashScanHash: 5n, partitions: [] }), 10);
      assert.equal(recordsOf(first)?.records.length, 1);
      const done = next(h, 101, undefined, 5);
      assert.deepEqual(recordsOf(done), { records: [], done: true }, 'done at once');
      assert.equal(queries(h), before);
    }
    {
      const h = new BudgetHarness({ metaServers: [META], seed: 7, machines: MACHINES, ...PINNED });
      h.scripts.set(META, (req) =>
        queryCfgReply(req, {
          app_id: 1,
          partition_count: 2,
          partitions: [partitionConfig(1, 0, 1n, N1), partitionConfig(1, 1, 1n, N1)],
        }),
      );
      scripted(h, [(req) => scanAnswer(req, {}), (req) => scanAnswer(req, {})]);
      open(h);
      const before = queries(h);
      const done = next(h, 100, fullScanSpec({ partitions: [0, 1], partitionCount: 2 }), 200);
      assert.deepEqual(recordsOf(done), { records: [], done: true });
      assert.equal(sentTo(h, N1, GET_SCANNER).length, 2, 'both segments');
      assert.equal(queries(h) - before, 1, 'one confirmation, after the last segment');
    }
  });

  it('a scan that ended after a meta query was sent waits for the answer of a query sent after it', () => {
    const { h } = world(MACHINES);
    open(h);
    const base = h.scripts.get(META)!;
    // meta answers slowly, so the first scanner's confirmation is in flight when the second ends
    h.scripts.set(META, (req, hh) => {
      const a = base(req, hh);
      return a.kind === 'reply' ? { ...a, delayMs: 30 } : a;
    });
    h.scripts.set(N1, (req) =>
      req.name === GET_SCANNER ? scanAnswer(req, {}, req.header.partition_index + 1) : { kind: 'silent' },
    );
    const before = sentTo(h, META, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX').length;
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
    h.runUntil(h.nowMs + 60);
    h.feed({ type: 'scanNext', callId: 200, scannerId: 2, spec: fullScanSpec() });
    h.runUntil(h.nowMs + 400);
    assert.equal(h.settledOf(100)?.ok, true);
    assert.equal(h.settledOf(200)?.ok, true);
    const queries = sentTo(h, META, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX').slice(before);
    assert.equal(queries.length, 2, `queries at ${queries.map((q) => q.atMs)}`);
    // the second scanner ended only after the answer of the query sent after its end
    assert.ok(h.settledOf(200)!.atMs > queries[1]!.atMs);
  });

  it('an ended scan leaves no timer behind', () => {
    const { h } = world(MACHINES);
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    const done = next(h, 100, fullScanSpec({ batchTimeoutMs: 60_000 }));
    assert.deepEqual(recordsOf(done), { records: [], done: true });
    // the table's refresh quiets down; nothing of the scanner (its batch deadline) is left
    h.runUntil(h.nowMs + 5000);
    // the consumer's request settled once, and nothing else did
    assert.deepEqual(
      h.commands.flatMap((c) => (c.cmd.type === 'settle' ? [c.cmd.callId] : [])),
      [100],
    );
    assert.equal(h.core.timerCount(), 0);
    assert.equal(h.core.nextTimerMs(), null);
  });

  it('a closed scanner clears its context only on a connection that is up', () => {
    for (const drop of [false, true]) {
      const { h } = world(MACHINES);
      scripted(h, [(req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n })]);
      open(h);
      next(h, 100, fullScanSpec());
      assert.equal(h.core.scannerState(1), 'yielding');
      if (drop) h.dropConnection(N1);
      const cmds = h.feed({ type: 'scanClose', scannerId: 1, error: 'ERR_ABORTED' });
      const sends = cmds.filter((c) => c.type === 'send' && c.address === N1);
      assert.equal(sends.length, drop ? 0 : 1, `dropped: ${drop}`);
      if (!drop)
        assert.deepEqual(
          sentTo(h, N1, CLEAR).map((r) => argsOf(CLEAR, r.frame)),
          [9n],
        );
      assert.deepEqual(h.core.openScannerIds(), []);
    }
  });
});

describe('a table split more often than a scan can follow', () => {
  const splitWorld = (counts: number[]) => {
    const h = new BudgetHarness({ metaServers: [META], seed: 7, machines: MACHINES, ...PINNED });
    h.scripts.set(META, (req) =>
      queryCfgReply(req, {
        app_id: 1,
        partition_count: counts.length > 1 ? counts.shift()! : counts[0]!,
        partitions: [partitionConfig(1, 0, 1n, N1)],
      }),
    );
    return h;
  };

  it('found in a reply: the scan fails with ERR_SPLITTING and clears the context it got', () => {
    const h = splitWorld([512]);
    scripted(h, [(req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n })]);
    open(h);
    const f = failureOf(next(h, 100, fullScanSpec()));
    assert.equal(f?.code, 'ERR_SPLITTING');
    assert.equal(f?.cause, 'the table split too often during the scan');
    assert.equal(f?.outcomeUnknown, false);
    assert.deepEqual(
      f?.attempts.map((a) => a.outcome),
      ['ERR_OK'],
    );
    assert.deepEqual(
      sentTo(h, N1, CLEAR).map((r) => argsOf(CLEAR, r.frame)),
      [9n],
    );
  });

  it("found in meta's confirmation: the scan fails with ERR_SPLITTING", () => {
    const h = splitWorld([1, 512]);
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    const f = failureOf(next(h, 100, fullScanSpec()));
    assert.equal(f?.code, 'ERR_SPLITTING');
    assert.equal(f?.cause, 'the table split too often during the scan');
    assert.equal(f?.outcomeUnknown, false);
    assert.deepEqual(f?.attempts, []);
    assert.deepEqual(h.core.openScannerIds(), []);
  });
});

describe('scanner details the consumer sees', () => {
  it('records carry their expiry only when the reply gives one; a batch settles without attempts', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) =>
        scanAnswer(req, {
          kvs: [{ ...kv('a', '1'), expire_ts_seconds: 77 }, kv('a', '2')],
          context_id: -1n,
        }),
    ]);
    open(h);
    const first = next(h, 100, fullScanSpec({ returnExpireTs: true }));
    assert.deepEqual(first, {
      type: 'settle',
      callId: 100,
      ok: true,
      result: {
        records: [
          { key: key('a', '1'), value: Buffer.from('v'), expireTs: 77 },
          { key: key('a', '2'), value: Buffer.from('v') },
        ],
        done: false,
      },
      attempts: [],
    });
  });

  it('an empty batch with a context leaves the resume point at the scan start', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [], context_id: 9n }),
      (req) => scanAnswer(req, { error: 1 }),
      (req) => scanAnswer(req, { kvs: [kv('b', '1')] }),
    ]);
    open(h);
    const spec = fullScanSpec({ startKey: key('a', ''), startInclusive: true });
    const first = next(h, 100, spec, 200);
    assert.deepEqual(
      recordsOf(first)?.records.map((r) => r.key),
      [key('b', '1')],
    );
    const opens = sentTo(h, N1, GET_SCANNER);
    assert.equal(opens.length, 2);
    const resumed = argsOf(GET_SCANNER, opens[1]!.frame);
    assert.deepEqual(resumed.start_key, key('a', ''));
    assert.equal(resumed.start_inclusive, true);
  });

  it('a scan that times out on a hung node re-opens after its last key', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => scanAnswer(req, { kvs: [kv('b', '1')] }),
    ]);
    h.scripts.set(
      N1,
      ((base) => (req: RequestFrame, hh: BudgetHarness) => {
        // scans stay silent; get_scanner is answered from the list
        if (req.name === SCAN) return { kind: 'silent' } as const;
        return base(req, hh);
      })(h.scripts.get(N1)!) as never,
    );
    open(h);
    next(h, 100, fullScanSpec({ batchTimeoutMs: 5000 }));
    const second = next(h, 101, undefined, 1000);
    assert.deepEqual(
      recordsOf(second)?.records.map((r) => r.key),
      [key('b', '1')],
    );
    const opens = sentTo(h, N1, GET_SCANNER);
    assert.equal(opens.length, 2);
    assert.deepEqual(argsOf(GET_SCANNER, opens[1]!.frame).start_key, key('a', '1'));
  });

  it("a scanner's calls take new negative ids, never a caller's", () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => scanAnswer(req, { kvs: [kv('a', '2')], context_id: 9n }),
      (req) => scanAnswer(req, { kvs: [kv('a', '3')], context_id: 9n }),
    ]);
    open(h);
    const seen = new Set<number>();
    next(h, 100, fullScanSpec());
    for (let i = 0; i < 3; i++) {
      h.feed({ type: 'scanNext', callId: 101 + i, scannerId: 1 });
      for (const id of h.core.pendingCallIds()) seen.add(id);
      h.runUntil(h.nowMs + 20);
    }
    assert.equal(seen.size, 3, `a new id for each scan: ${[...seen]}`);
    assert.ok(
      [...seen].every((id) => id < 0),
      `${[...seen]}`,
    );
  });

  it('a consumer that stops fails its awaited batch with exactly its error', () => {
    const { h } = world(MACHINES);
    scripted(h, []);
    open(h);
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
    const cmds = h.feed({ type: 'scanClose', scannerId: 1, error: 'ERR_ABORTED' });
    assert.deepEqual(
      cmds.filter((c) => c.type === 'settle'),
      [
        {
          type: 'settle',
          callId: 100,
          ok: false,
          failure: { code: 'ERR_ABORTED', cause: null, outcomeUnknown: false, attempts: [] },
        },
      ],
    );
  });
});

describe('a scan stays on the node holding its context', () => {
  it('after the primary moved, the next batch is still read from the node that opened the context', () => {
    const { h, cfg } = world(MACHINES);
    h.scripts.set(N1, (req) => {
      if (req.name === GET_SCANNER) return scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n });
      if (req.name === SCAN) return scanAnswer(req, { kvs: [kv('a', '2')] });
      return errorReply(req, 'ERR_INVALID_STATE');
    });
    h.scripts.set(N2, (req) => (req.name === GET ? getReply(req, 'v') : { kind: 'silent' }));
    open(h);
    next(h, 100, fullScanSpec());
    // the primary moves to N2; a caller's read on N1 learns it
    cfg.primary = N2;
    cfg.ballot = 2n;
    const id = h.call(get());
    h.runUntil(h.nowMs + 200);
    assert.equal(h.settledOf(id)?.ok, true);
    assert.equal(h.core.routeTable('t')?.partitions[0]?.primary, N2);
    const second = next(h, 101);
    assert.deepEqual(
      recordsOf(second)?.records.map((r) => r.key),
      [key('a', '2')],
    );
    assert.equal(sentTo(h, N1, SCAN).length, 1);
    assert.equal(sentTo(h, N2, SCAN).length, 0);
  });
});

describe('clearing a context on a suspect node', () => {
  it('a closed scanner clears its context also while its node is suspect (an attempt on it timed out)', () => {
    const { h } = world(MACHINES);
    // N1 answers scanners, never a caller's get
    scripted(h, [(req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n })]);
    open(h);
    next(h, 100, fullScanSpec());
    assert.equal(h.core.scannerState(1), 'yielding');
    h.call(get(5000));
    h.runUntil(h.nowMs + PINNED.attemptTimeoutMs + 5);
    assert.equal(h.core.nodeHealth(N1), 'suspect');
    h.feed({ type: 'scanClose', scannerId: 1, error: 'ERR_ABORTED' });
    assert.deepEqual(
      sentTo(h, N1, CLEAR).map((r) => argsOf(CLEAR, r.frame)),
      [9n],
    );
  });
});

describe('a table dropped during a scan', () => {
  it('fails the scan with ERR_APP_NOT_EXIST, without re-opening it', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => ({
        kind: 'reply',
        delayMs: 1,
        bytes: encodeResponse(SCAN, req.seqid, 'ERR_OBJECT_NOT_FOUND'),
      }),
    ]);
    open(h);
    next(h, 100, fullScanSpec());
    // meta now says the table is gone
    h.scripts.set(META, (req) => queryCfgReply(req, { err: 'ERR_OBJECT_NOT_FOUND' }));
    const f = failureOf(next(h, 101, undefined, 500));
    assert.equal(f?.code, 'ERR_APP_NOT_EXIST');
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 1, 'not re-opened');
    assert.deepEqual(
      f?.attempts.map((a) => [a.node, a.outcome]),
      [[N1, 'ERR_OBJECT_NOT_FOUND']],
    );
  });
});

describe('a split too deep found by a scan', () => {
  it('fails the scan with ERR_SPLITTING at once, without re-opening it', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req) => {
      if (req.name === GET_SCANNER) return scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n });
      if (req.name === SCAN) return scanAnswer(req, { kvs: [kv('a', '2')], context_id: 9n }, 200);
      return errorReply(req, 'ERR_INVALID_STATE');
    });
    open(h);
    next(h, 100, fullScanSpec());
    // the table now has more partitions than the scan can follow; a caller's read learns it
    h.scripts.set(META, (req) =>
      queryCfgReply(req, { app_id: 1, partition_count: 512, partitions: [partitionConfig(1, 0, 2n, N1)] }),
    );
    h.feed({ type: 'scanNext', callId: 101, scannerId: 1 });
    h.call(get(5000));
    h.runUntil(h.nowMs + 600);
    assert.equal(h.core.routeTable('t')?.partitionCount, 512);
    const settle = h.commands.map((c) => c.cmd).find((c) => c.type === 'settle' && c.callId === 101);
    const f = failureOf(settle);
    assert.equal(f?.code, 'ERR_SPLITTING');
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 1, 'not re-opened');
  });
});

describe('a scan answered with an ambiguous error', () => {
  it('is resent on its context (a scan is idempotent), not re-opened', () => {
    const { h } = world(MACHINES);
    scripted(h, [
      (req) => scanAnswer(req, { kvs: [kv('a', '1')], context_id: 9n }),
      (req) => ({ kind: 'reply', delayMs: 1, bytes: encodeResponse(SCAN, req.seqid, 'ERR_TIMEOUT') }),
      (req) => scanAnswer(req, { kvs: [kv('b', '1')] }),
    ]);
    open(h);
    next(h, 100, fullScanSpec());
    const second = next(h, 101, undefined, 300);
    assert.deepEqual(
      recordsOf(second)?.records.map((r) => r.key),
      [key('b', '1')],
    );
    assert.equal(sentTo(h, N1, SCAN).length, 2);
    assert.equal(sentTo(h, N1, GET_SCANNER).length, 1, 'not re-opened');
  });
});

describe("another table's meta answer", () => {
  it("does not confirm a scan's end: only its own table's answer does", () => {
    const { h } = world(MACHINES);
    scripted(h, [(req) => scanAnswer(req, {})]);
    open(h);
    const base = h.scripts.get(META)!;
    // meta answers about 't' slowly, about 'u' at once
    h.scripts.set(META, (req, hh) => {
      const a = base(req, hh);
      const table = argsOf('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', req).app_name;
      return a.kind === 'reply' && table === 't' ? { ...a, delayMs: 300 } : a;
    });
    h.feed({ type: 'scanNext', callId: 100, scannerId: 1, spec: fullScanSpec() });
    h.runUntil(h.nowMs + 100);
    assert.equal(h.core.scannerState(1), 'confirming');
    h.feed({ type: 'openTable', requestId: 2, table: 'u', timeoutMs: 1000 });
    h.runUntil(h.nowMs + 50);
    assert.equal(h.opened.at(-1)?.requestId, 2, "'u' opened");
    assert.equal(h.settledOf(100), undefined, "not confirmed by 'u'");
    h.runUntil(h.nowMs + 500);
    assert.equal(h.settledOf(100)?.ok, true);
  });
});
