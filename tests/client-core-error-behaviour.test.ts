// The error classification, checked through what a call does, not by reading the table back: for
// every error name a server can send (and one no server sends yet), a get and an incr whose first
// attempt gets that error, and an openTable whose first meta answer carries it. The expectations
// below are written out from docs/PROTOCOL.md 6 and 8, independently of core/wire/error-codes.ts,
// so a changed row there (retry, refresh, meta action) fails here by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_ERROR_NAMES } from '../core/wire/error-codes.ts';
import type { RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import {
  GET,
  get,
  INCR,
  incr,
  incrReply,
  META,
  META2,
  N1,
  open,
  QUERY,
  sentTo,
  world,
} from './fixtures/machines/kill-world.ts';
import { errorReply, getReply, partitionConfig, queryCfgReply } from './helpers/core-harness.ts';

const NAMES = [
  ...SERVER_ERROR_NAMES.filter((n) => n !== 'ERR_OK'),
  'ERR_SESSION_RESET',
  'ERR_FROM_A_NEWER_SERVER',
];

type Op = 'get' | 'incr';
/** what one call does after its first attempt is answered with the error */
type Behaviour =
  /** routing is queried again, then the call is resent to the (new) primary */
  | 'refresh+retry'
  /** the call is resent to the same primary after a back-off, without asking meta */
  | 'retry'
  /** the call fails with this error at once; the server rejected it, so its outcome is known */
  | 'fail'
  /** the call fails with this error at once and is never resent: it may have been applied */
  | 'fail-unknown';

// docs/PROTOCOL.md 6.2: rejected before replication, routing stale -> any call refreshes and retries
const REFRESH = new Set(['ERR_OBJECT_NOT_FOUND', 'ERR_INVALID_STATE', 'ERR_PARENT_PARTITION_MISUSED']);
// the primary is right but cannot accept the write now -> wait and resend, any call
const RETRY = new Set(['ERR_NOT_ENOUGH_MEMBER', 'ERR_CAPACITY_EXCEEDED', 'ERR_SPLITTING']);
// the request may have been applied -> only an idempotent call may be resent
const AMBIGUOUS: Record<string, Behaviour> = { ERR_TIMEOUT: 'retry', ERR_SESSION_RESET: 'refresh+retry' };

function expected(op: Op, name: string): Behaviour {
  if (REFRESH.has(name)) return 'refresh+retry';
  if (RETRY.has(name)) return 'retry';
  if (name in AMBIGUOUS) return op === 'get' ? AMBIGUOUS[name]! : 'fail-unknown';
  return 'fail';
}

function observe(op: Op, name: string) {
  const { h } = world(MACHINES);
  let first = true;
  h.scripts.set(N1, (req: RequestFrame) => {
    if (first) {
      first = false;
      return errorReply(req, name);
    }
    return op === 'get' ? getReply(req, 'v') : incrReply(req);
  });
  open(h);
  const queriesBefore = sentTo(h, META, QUERY).length;
  const startMs = h.nowMs;
  const id = h.call(op === 'get' ? get() : incr());
  h.runUntil(h.nowMs + 1100);
  const settled = h.settledOf(id);
  assert.ok(settled !== undefined, `${op} ${name}: the call settled by its deadline`);
  const attempts = sentTo(h, N1, op === 'get' ? GET : INCR).map((s) => s.atMs - startMs);
  const queries = sentTo(h, META, QUERY).length - queriesBefore;
  return { settled: { ...settled, atMs: settled.atMs - startMs }, attempts, queries };
}

describe('error classification through behaviour: a replica answers the first attempt with an error', () => {
  for (const op of ['get', 'incr'] as const) {
    for (const name of NAMES) {
      const want = expected(op, name);
      it(`${op} ${name}: ${want}`, () => {
        const { settled, attempts, queries } = observe(op, name);
        switch (want) {
          case 'refresh+retry':
            assert.equal(settled.ok, true, 'succeeds on the resend');
            assert.equal(attempts.length, 2);
            assert.equal(queries, 1, 'asked meta once');
            break;
          case 'retry':
            assert.equal(settled.ok, true, 'succeeds on the resend');
            assert.equal(attempts.length, 2);
            assert.equal(queries, 0, 'meta is not asked');
            assert.ok(attempts[1]! - attempts[0]! >= PINNED.retryBackoffMs, `backs off: ${attempts}`);
            break;
          case 'fail':
          case 'fail-unknown':
            assert.equal(settled.ok, false);
            assert.equal(settled.code, name);
            assert.equal(attempts.length, 1, 'never resent');
            assert.equal(queries, 0);
            assert.ok(settled.atMs - attempts[0]! <= 5, 'fails at once, not at the deadline');
            assert.equal(settled.outcomeUnknown, want === 'fail-unknown');
            break;
        }
      });
    }
  }
});

/** what openTable does when meta's first query_cfg answer carries the error */
type MetaBehaviour =
  | 'apply'
  | 'follow-leader'
  | 'same-meta-later'
  | 'next-meta'
  | 'fail:ERR_APP_NOT_EXIST'
  | 'fail:ERR_BUSY_CREATING'
  | 'fail:ERR_BUSY_DROPPING';

function metaExpected(name: string): MetaBehaviour {
  switch (name) {
    case 'ERR_OK':
      return 'apply';
    case 'ERR_FORWARD_TO_OTHERS':
      return 'follow-leader';
    case 'ERR_SERVICE_NOT_ACTIVE':
    case 'ERR_UNDER_RECOVERY':
      return 'same-meta-later';
    case 'ERR_OBJECT_NOT_FOUND':
    case 'ERR_APP_NOT_EXIST':
      return 'fail:ERR_APP_NOT_EXIST';
    case 'ERR_BUSY_CREATING':
      return 'fail:ERR_BUSY_CREATING';
    case 'ERR_BUSY_DROPPING':
      return 'fail:ERR_BUSY_DROPPING';
    default:
      return 'next-meta';
  }
}

describe('error classification through behaviour: meta answers the first query_cfg with an error', () => {
  for (const name of ['ERR_OK', ...NAMES]) {
    const want = metaExpected(name);
    it(`openTable, meta ${name}: ${want}`, () => {
      const { h } = world(MACHINES, { metas: [META, META2] });
      const forward = name === 'ERR_FORWARD_TO_OTHERS';
      let first = true;
      const script = (req: RequestFrame) => {
        const ok = { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 1n, N1)] };
        if (!first) return queryCfgReply(req, ok);
        first = false;
        // a follower names the leader as the first partition's primary (docs/PROTOCOL.md 8)
        if (forward) return queryCfgReply(req, { err: name, partitions: [partitionConfig(0, 0, 0n, META2)] });
        return queryCfgReply(req, { ...ok, err: name as never });
      };
      h.scripts.set(META, script);
      h.scripts.set(META2, script);
      h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 3000 });
      h.runUntil(3100);
      const opened = h.opened.at(-1);
      const toMeta1 = sentTo(h, META, QUERY).map((s) => s.atMs);
      const toMeta2 = sentTo(h, META2, QUERY).map((s) => s.atMs);
      if (want.startsWith('fail:')) {
        assert.deepEqual(opened, { requestId: 1, ok: false, code: want.slice(5) });
        assert.equal(toMeta1.length + toMeta2.length, 1, 'not asked again');
        return;
      }
      assert.deepEqual(opened, { requestId: 1, ok: true, code: null });
      if (want === 'apply') assert.deepEqual([toMeta1.length, toMeta2.length], [1, 0]);
      if (want === 'follow-leader') {
        assert.equal(toMeta2.length, 1, 'the leader it names is asked');
        assert.ok(toMeta2[0]! - toMeta1[0]! < PINNED.metaBackoffMs, 'at once, without a back-off');
      }
      if (want === 'same-meta-later') {
        assert.deepEqual([toMeta1.length, toMeta2.length], [2, 0], 'the same meta again');
        assert.ok(toMeta1[1]! - toMeta1[0]! >= PINNED.metaBackoffMs, 'after a back-off');
      }
      if (want === 'next-meta') {
        assert.deepEqual([toMeta1.length, toMeta2.length], [1, 1], 'the next meta');
        const afterMs = toMeta2[0]! - toMeta1[0]!;
        // a back-off, not the query timeout (1000 ms): the failure was seen at once
        assert.ok(afterMs >= PINNED.metaBackoffMs && afterMs < 500, `after ${afterMs} ms`);
      }
    });
  }
});
