// Edges of the hand-written core, each pinned because a planted one-character bug in core/client
// survived the suite without it (docs/MUTANTS.md): sequence ids wrapping, the timer heap (cancel,
// ties, exact deadlines, compaction), a clock that goes backwards, a refused connection versus a
// reset one, a table dropped while calls wait on it, and close() with opens and calls pending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection } from '../core/client/connection.ts';
import { TimerQueue } from '../core/client/timer-queue.ts';
import { encodeResponse, type RequestFrame } from '../core/wire/index.ts';
import { MACHINES } from '../machines/index.ts';
import { PINNED } from './fixtures/machines/delays.ts';
import {
  GET,
  get,
  INCR,
  incr,
  incrReply,
  META,
  N1,
  N2,
  open,
  QUERY,
  sentTo,
  world,
} from './fixtures/machines/kill-world.ts';
import { errorReply, getReply, partitionConfig, queryCfgReply } from './helpers/core-harness.ts';

const PINNED_META_BACKOFF_MS = PINNED.metaBackoffMs;

describe('sequence ids', () => {
  it('wrap from the largest i32 to 1, never 0 or negative', () => {
    const conn = new Connection<string>(1024);
    (conn as unknown as { nextSeqid: number }).nextSeqid = 0x7ffffffe;
    assert.deepEqual(
      [conn.allocateSeqid(), conn.allocateSeqid(), conn.allocateSeqid()],
      [0x7ffffffe, 0x7fffffff, 1],
    );
    assert.equal(conn.register('x'), 2);
    assert.equal(conn.pending.get(2), 'x');
  });

  it('a reply to a request sent under the wrapped id is matched to it', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    open(h);
    h.call(get());
    h.runUntil(h.nowMs + 5);
    const conn = (
      h.core as unknown as { s: { nodes: Map<string, { conn: Connection<unknown> }> } }
    ).s.nodes.get(N1)!.conn;
    (conn as unknown as { nextSeqid: number }).nextSeqid = 0x7fffffff;
    const a = h.call(get());
    const b = h.call(get());
    h.runUntil(h.nowMs + 5);
    assert.deepEqual(
      sentTo(h, N1, GET)
        .slice(-2)
        .map((s) => s.frame.seqid),
      [0x7fffffff, 1],
    );
    assert.equal(h.settledOf(a)?.ok, true);
    assert.equal(h.settledOf(b)?.ok, true);
  });
});

describe('timer queue', () => {
  it('fires at exactly its deadline, ties in the order set, and a cancelled timer never', () => {
    const q = new TimerQueue<string>();
    const a = q.add(10, 'a');
    q.add(10, 'b');
    q.add(5, 'c');
    const d = q.add(7, 'd');
    q.cancel(d);
    q.cancel(d);
    assert.equal(q.size, 3, 'a second cancel changes nothing');
    assert.equal(q.nextDueMs(), 5);
    assert.equal(q.popDue(4), null);
    assert.equal(q.popDue(5)?.payload, 'c', 'due at exactly now');
    assert.equal(q.nextDueMs(), 10, 'the cancelled 7 is skipped');
    assert.equal(q.popDue(10)?.payload, 'a');
    q.cancel(a);
    assert.equal(q.size, 1, 'cancelling a fired timer changes nothing');
    assert.equal(q.popDue(10)?.payload, 'b');
    assert.equal(q.popDue(100), null);
    assert.equal(q.nextDueMs(), null);
    assert.equal(q.size, 0);
  });

  it('agrees with a sorted list through thousands of adds, cancels and pops (compaction included)', () => {
    const q = new TimerQueue<number>();
    const model: Array<{ due: number; id: number; entry: ReturnType<typeof q.add> }> = [];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let now = 0;
    let id = 0;
    for (let step = 0; step < 6000; step++) {
      const op = rand(10);
      if (op < 5) {
        const due = now + rand(50);
        model.push({ due, id, entry: q.add(due, id) });
        id++;
      } else if (op < 8 && model.length > 0) {
        // cancel-heavy: the heap fills with dead entries and must be compacted
        const [gone] = model.splice(rand(model.length), 1);
        q.cancel(gone!.entry);
      } else {
        now += rand(4);
        for (;;) {
          model.sort((x, y) => x.due - y.due || x.id - y.id);
          const want = model[0] !== undefined && model[0].due <= now ? model.shift()! : null;
          const got = q.popDue(now);
          assert.equal(got?.payload ?? null, want?.id ?? null, `step ${step}`);
          if (want === null) break;
        }
      }
      assert.equal(q.size, model.length);
      model.sort((x, y) => x.due - y.due || x.id - y.id);
      assert.equal(q.nextDueMs(), model[0]?.due ?? null);
    }
  });

  it('clear() drops every timer, and a cleared entry cannot be cancelled below zero', () => {
    const q = new TimerQueue<string>();
    const a = q.add(1, 'a');
    q.add(2, 'b');
    q.clear();
    q.cancel(a);
    assert.equal(q.size, 0);
    assert.equal(q.nextDueMs(), null);
    q.add(3, 'c');
    assert.equal(q.size, 1);
  });
});

describe('client core: edges', () => {
  it('a clock that goes backwards: the core keeps its own time, and a deadline is never early', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    h.runUntil(100);
    h.feed({ type: 'tick' });
    assert.equal(h.core.now, 100);
    h.nowMs = 0; // the wall clock jumps back 100 ms
    h.feed({ type: 'tick' });
    assert.equal(h.core.now, 100, 'core time does not go back');
    const id = h.call(get(1000));
    h.runUntil(1050);
    assert.equal(h.settledOf(id), undefined, 'not settled before its 1000 ms are up');
    h.runUntil(1100);
    assert.equal(h.settledOf(id)?.code, 'ERR_TIMEOUT');
  });

  it('a refused connection is no reset: an incr that was never written moves on to the new primary', () => {
    const { h, cfg } = world(MACHINES);
    h.connectBehaviour.set(N1, 'refuse');
    h.scripts.set(N2, (req) => incrReply(req));
    open(h);
    const id = h.call(incr(1000));
    h.runUntil(h.nowMs + 30);
    assert.equal(h.settledOf(id), undefined, 'a refusal does not fail the incr');
    cfg.ballot = 2n;
    cfg.primary = N2;
    h.runUntil(h.nowMs + 900);
    const s = h.settledOf(id);
    assert.equal(s?.ok, true, `${s?.code}`);
    assert.equal(sentTo(h, N2, INCR).length, 1);
    assert.equal(sentTo(h, N1, INCR).length, 0);
  });

  it('a reset after the incr was written: outcome unknown, never resent', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, () => ({ kind: 'reset', delayMs: 3 }));
    open(h);
    const id = h.call(incr(1000));
    h.runUntil(h.nowMs + 900);
    const s = h.settledOf(id);
    assert.equal(s?.code, 'ERR_SESSION_RESET');
    assert.equal(s?.outcomeUnknown, true);
    assert.equal(sentTo(h, N1, INCR).length, 1);
  });

  it('a table dropped while calls wait: meta says it is gone, and the calls fail at once', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req: RequestFrame) => errorReply(req, 'ERR_OBJECT_NOT_FOUND'));
    open(h);
    h.scripts.set(META, (req) => queryCfgReply(req, { err: 'ERR_OBJECT_NOT_FOUND' }));
    const startMs = h.nowMs;
    const g = h.call(get(1000));
    const i = h.call(incr(1000));
    h.runUntil(h.nowMs + 200);
    for (const id of [g, i]) {
      const s = h.settledOf(id);
      assert.equal(s?.code, 'ERR_APP_NOT_EXIST', `call ${id}`);
      assert.ok(s!.atMs - startMs < 100, `call ${id} failed at ${s!.atMs - startMs} ms, not at its deadline`);
    }
  });

  it('close(): pending opens and calls settle ERR_CLIENT_CLOSED, no timer is left, later calls fail at once', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    h.scripts.set(META, () => ({ kind: 'silent' }));
    h.feed({ type: 'openTable', requestId: 2, table: 'other', timeoutMs: 1000 });
    const call = h.call(get());
    h.runUntil(h.nowMs + 5);
    h.feed({ type: 'close' });
    assert.deepEqual(h.opened.at(-1), { requestId: 2, ok: false, code: 'ERR_CLIENT_CLOSED' });
    assert.equal(h.settledOf(call)?.code, 'ERR_CLIENT_CLOSED');
    assert.equal(h.core.nextTimerMs(), null, 'no timer left');
    h.feed({ type: 'close' });
    h.feed({ type: 'openTable', requestId: 3, table: 't', timeoutMs: 1000 });
    assert.deepEqual(h.opened.at(-1), { requestId: 3, ok: false, code: 'ERR_CLIENT_CLOSED' });
    const late = h.call(get());
    assert.equal(h.settledOf(late)?.code, 'ERR_CLIENT_CLOSED');
    assert.equal(h.core.nextTimerMs(), null);
    const sends = h.commands.length;
    h.runUntil(h.nowMs + 2000);
    assert.equal(h.commands.length, sends, 'nothing happens after close');
  });
});

describe('client core: a malformed reply', () => {
  it('a frame after a malformed one in the same chunk is not trusted: its call is resent on a new connection', () => {
    const { h } = world(MACHINES);
    let firstSeqid = -1;
    let n = 0;
    h.scripts.set(N1, (req: RequestFrame) => {
      n++;
      if (n === 1) {
        firstSeqid = req.seqid;
        return { kind: 'silent' };
      }
      if (n === 2) {
        // one chunk: the first call's reply with a truncated body, then the second call's good reply
        const good = encodeResponse('RPC_RRDB_RRDB_GET', firstSeqid, 'ERR_OK', {
          error: 0,
          value: Buffer.from('v'),
          app_id: 1,
          partition_index: 0,
          server: '',
        });
        const bad = Buffer.from(good.subarray(0, good.length - 1));
        bad.writeInt32BE(bad.length, 0);
        const second = getReply(req, 'second') as { kind: 'reply'; bytes: Buffer };
        return { kind: 'reply', bytes: Buffer.concat([bad, second.bytes]) };
      }
      return getReply(req, 'again');
    });
    open(h);
    const a = h.call(get());
    const b = h.call(get());
    h.runUntil(h.nowMs + 900);
    assert.ok(h.commands.some((c) => c.cmd.type === 'disconnect' && c.cmd.address === N1));
    for (const id of [a, b]) {
      const s = h.settledOf(id);
      assert.equal(s?.ok, true, `call ${id}`);
      const value = Buffer.from((s!.result as { value: Uint8Array }).value).toString();
      assert.equal(value, 'again', `call ${id} took its answer from the new connection, not "${value}"`);
    }
  });
});

describe('client core: the meta path', () => {
  it('a lost meta connection with a query in flight: the next meta is asked after a back-off, not a query timeout', () => {
    const META2 = '127.0.0.1:34602';
    const { h } = world(MACHINES, { metas: [META, META2] });
    h.scripts.set(META, () => ({ kind: 'silent' }));
    h.scripts.set(META2, (req) =>
      queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 1n, N1)] }),
    );
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 3000 });
    h.runUntil(5);
    h.dropConnection(META);
    h.runUntil(3000);
    const asked = sentTo(h, META2, QUERY).map((s) => s.atMs);
    assert.equal(asked.length, 1);
    assert.ok(asked[0]! < 500, `the next meta asked at ${asked[0]} ms (query timeout is 1000)`);
    assert.deepEqual(h.opened, [{ requestId: 1, ok: true, code: null }]);
  });

  it('a leader named by a forward that is already in the meta list is not added twice', () => {
    const META2 = '127.0.0.1:34602';
    const { h } = world(MACHINES, { metas: [META, META2] });
    let n = 0;
    const order: string[] = [];
    const script = (who: string) => (req: RequestFrame) => {
      order.push(who);
      n++;
      if (n === 1) return { kind: 'reset' as const };
      // META2 forwards to META, the first of the list
      if (n === 2)
        return queryCfgReply(req, {
          err: 'ERR_FORWARD_TO_OTHERS',
          partitions: [partitionConfig(0, 0, 0n, META)],
        });
      if (n < 6) return queryCfgReply(req, { err: 'ERR_UNKNOWN' });
      return queryCfgReply(req, {
        app_id: 1,
        partition_count: 1,
        partitions: [partitionConfig(1, 0, 1n, N1)],
      });
    };
    h.scripts.set(META, script('m1'));
    h.scripts.set(META2, script('m2'));
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 5000 });
    h.runUntil(5000);
    assert.deepEqual(
      order,
      ['m1', 'm2', 'm1', 'm2', 'm1', 'm2'],
      'failures rotate over two metas, not three',
    );
    assert.deepEqual(h.opened, [{ requestId: 1, ok: true, code: null }]);
  });

  it('openTable of a table already loaded answers at once from the cache, without asking meta', () => {
    const { h } = world(MACHINES);
    open(h);
    const queries = sentTo(h, META, QUERY).length;
    const commands = h.feed({ type: 'openTable', requestId: 9, table: 't', timeoutMs: 1000 });
    assert.deepEqual(h.opened.at(-1), { requestId: 9, ok: true, code: null });
    assert.ok(commands.every((c) => c.type !== 'send'));
    h.runUntil(h.nowMs + 100);
    assert.equal(sentTo(h, META, QUERY).length, queries);
  });
});

describe('client core: routing answers of every age', () => {
  /** a get whose first attempt is rejected as stale routing, with meta's answers scripted in order */
  function staleThen(answers: Array<{ appId: number; ballot: bigint; primary: string }>) {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req: RequestFrame) => errorReply(req, 'ERR_INVALID_STATE'));
    h.scripts.set(N2, (req) => getReply(req, 'v'));
    open(h);
    let next = 0;
    h.scripts.set(META, (req) => {
      const a = answers[Math.min(next++, answers.length - 1)]!;
      return queryCfgReply(req, {
        app_id: a.appId,
        partition_count: 1,
        partitions: [partitionConfig(a.appId, 0, a.ballot, a.primary)],
      });
    });
    const id = h.call(get(1000));
    h.runUntil(h.nowMs + 1100);
    return { h, settled: h.settledOf(id), toN2: sentTo(h, N2, GET) };
  }

  it('an older ballot does not route, an equal one restores the cached primary, a newer one moves the call', () => {
    const older = staleThen([
      { appId: 1, ballot: 0n, primary: N2 },
      { appId: 1, ballot: 2n, primary: N2 },
    ]);
    assert.equal(older.settled?.ok, true);
    assert.equal(older.toN2.length, 1, 'sent to N2 once, after the newer answer');
    assert.ok(sentTo(older.h, META, QUERY).length >= 3, 'the older answer did not end the refresh');

    const equal = staleThen([{ appId: 1, ballot: 1n, primary: N2 }]);
    assert.equal(equal.toN2.length, 0, 'an equal ballot never replaces the cached primary');
    assert.ok(sentTo(equal.h, N1, GET).length >= 2, 'the cached primary is restored and asked again');
  });

  it('a table recreated under its name (another app_id): cached ballots are dropped and calls carry the new app_id', () => {
    const recreated = staleThen([{ appId: 2, ballot: 1n, primary: N2 }]);
    assert.equal(recreated.settled?.ok, true);
    assert.equal(recreated.toN2.length, 1, 'a ballot equal to the old table’s is taken from the new table');
    assert.equal(recreated.toN2[0]!.frame.header.app_id, 2);
  });
});

describe('client core: what an attempt carries', () => {
  it('the header version option is honoured; a plain request is not flagged as a backup request', () => {
    for (const headerVersion of [0, 1] as const) {
      const { h } = world(MACHINES, { options: { headerVersion } });
      h.scripts.set(N1, (req) => getReply(req, 'v'));
      open(h);
      h.call(get());
      h.runUntil(h.nowMs + 20);
      const frame = sentTo(h, N1, GET)[0]!.frame;
      assert.equal(frame.headerVersion, headerVersion);
      assert.equal(frame.header.is_backup_request, false);
      assert.equal(sentTo(h, META, QUERY)[0]!.frame.headerVersion, headerVersion, 'meta queries too');
    }
  });

  it('arguments the codec cannot encode abort that call (never sent), and the others go on', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    open(h);
    const bad = h.call({ ...get(), args: 'not a key' as never });
    const good = h.call(get());
    h.runUntil(h.nowMs + 20);
    assert.equal(h.settledOf(bad)?.code, 'ERR_INVALID_PARAMETERS');
    assert.equal(h.settledOf(bad)?.outcomeUnknown, false, 'nothing was written: the outcome is known');
    assert.equal(h.settledOf(good)?.ok, true);
    assert.equal(sentTo(h, N1, GET).length, 1);
  });
});

describe('connection and timer bounds', () => {
  it('a connection decodes under its frame limit, and reset() forgets what was pending', () => {
    const conn = new Connection<string>(100);
    conn.register('a');
    const over = Buffer.alloc(8);
    over.writeInt32BE(101, 0);
    assert.equal(conn.decoder.push(over).error?.kind, 'frame-too-large');
    const next = conn.nextSeqidValue;
    assert.equal(next, 2);
    conn.reset();
    assert.equal(conn.pending.size, 0);
    assert.equal(conn.decoder.push(Buffer.alloc(0)).error, undefined, 'a fresh decoder');
    assert.equal(conn.decoder.push(over).error?.kind, 'frame-too-large', 'with the same frame limit');
    assert.equal(conn.nextSeqidValue, next, 'sequence ids go on: a late reply never matches a new request');
  });

  it('a cancel-heavy heap is compacted (memory stays bounded) and keeps its order', () => {
    const q = new TimerQueue<number>();
    const entries = Array.from({ length: 100 }, (_, i) => q.add((i * 37) % 100, (i * 37) % 100));
    // cancel the 51 earliest (the root first): the heap is rebuilt from the survivors
    for (const e of entries.filter((x) => x.dueMs <= 50).sort((a, b) => a.dueMs - b.dueMs)) q.cancel(e);
    const heapLength = (q as unknown as { heap: unknown[] }).heap.length;
    assert.ok(heapLength <= 2 * q.size, `${heapLength} entries held for ${q.size} timers`);
    const order: number[] = [];
    for (let e = q.popDue(1000); e !== null; e = q.popDue(1000)) order.push(e.payload);
    assert.deepEqual(
      order,
      Array.from({ length: 49 }, (_, i) => 51 + i),
    );
  });
});

describe('client core: meta replies that go wrong', () => {
  const META2 = '127.0.0.1:34602';
  const ok = (req: RequestFrame) =>
    queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 1n, N1)] });

  /** openTable with two metas, META answering its first query as `first` says */
  function openWith(first: (req: RequestFrame) => ReturnType<typeof ok>) {
    const { h } = world(MACHINES, { metas: [META, META2] });
    let n = 0;
    h.scripts.set(META, (req) => (n++ === 0 ? first(req) : ok(req)));
    h.scripts.set(META2, ok);
    h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 3000 });
    h.runUntil(3000);
    return {
      h,
      toMeta1: sentTo(h, META, QUERY).map((s) => s.atMs),
      toMeta2: sentTo(h, META2, QUERY).map((s) => s.atMs),
    };
  }

  it('an RPC-level error on a query: the next meta after a back-off, well before the query timeout', () => {
    const r = openWith((req) => errorReply(req, 'ERR_NETWORK_FAILURE'));
    assert.deepEqual(r.h.opened, [{ requestId: 1, ok: true, code: null }]);
    assert.equal(r.toMeta2.length, 1);
    assert.ok(r.toMeta2[0]! - r.toMeta1[0]! < 500, `next meta at ${r.toMeta2[0]}`);
  });

  it('an answer whose body does not decode: the meta connection is dropped and the next meta asked soon', () => {
    const r = openWith((req) => {
      const good = ok(req) as { kind: 'reply'; bytes: Buffer };
      const bad = Buffer.from(good.bytes.subarray(0, good.bytes.length - 1));
      bad.writeInt32BE(bad.length, 0);
      return { kind: 'reply', bytes: bad };
    });
    assert.ok(r.h.commands.some((c) => c.cmd.type === 'disconnect' && c.cmd.address === META));
    assert.deepEqual(r.h.opened, [{ requestId: 1, ok: true, code: null }]);
    assert.ok(r.toMeta2[0]! - r.toMeta1[0]! < 500, `next meta at ${r.toMeta2[0]}`);
  });

  it('a forward naming the leader by host:port only is followed at once; one naming nobody is not', () => {
    const byHostPort = openWith((req) =>
      queryCfgReply(req, {
        err: 'ERR_FORWARD_TO_OTHERS',
        partitions: [
          { ...partitionConfig(0, 0, 0n, ''), hp_primary: { host: '127.0.0.1', port: 34602, type: 1 } },
        ],
      }),
    );
    assert.equal(byHostPort.toMeta2.length, 1);
    assert.ok(byHostPort.toMeta2[0]! - byHostPort.toMeta1[0]! < 50, 'followed without a back-off');

    const invalidHostPort = openWith((req) =>
      queryCfgReply(req, {
        err: 'ERR_FORWARD_TO_OTHERS',
        partitions: [{ ...partitionConfig(0, 0, 0n, ''), hp_primary: { host: 'nowhere', port: 1, type: 0 } }],
      }),
    );
    const nobody = openWith((req) => queryCfgReply(req, { err: 'ERR_FORWARD_TO_OTHERS', partitions: [] }));
    for (const r of [invalidHostPort, nobody]) {
      assert.deepEqual(r.h.opened, [{ requestId: 1, ok: true, code: null }]);
      assert.ok(
        r.h.commands.every((c) => c.cmd.type !== 'connect' || [META, META2, N1].includes(c.cmd.address)),
        'no connection to an address nobody named',
      );
      const afterMs = r.toMeta2[0]! - r.toMeta1[0]!;
      assert.ok(
        afterMs >= PINNED_META_BACKOFF_MS && afterMs < 500,
        `the next meta after a back-off: ${afterMs} ms`,
      );
    }
  });

  it('a routing observation is emitted when an answer changes routes', () => {
    const { h } = world(MACHINES);
    open(h);
    const routing = () =>
      h.commands.filter((c) => c.cmd.type === 'observe' && c.cmd.event.kind === 'routing');
    assert.equal(routing().length, 1, 'the first answer');
  });
});

describe('client core: the attempt history a failure carries', () => {
  function historyOf(call: ReturnType<typeof get> | ReturnType<typeof incr>) {
    const { h } = world(MACHINES);
    h.scripts.set(N1, () => ({ kind: 'silent' }));
    open(h);
    const startMs = h.nowMs;
    const id = h.call(call);
    h.runUntil(h.nowMs + 1100);
    const settle = h.commands.find((c) => c.cmd.type === 'settle' && c.cmd.callId === id)?.cmd;
    assert.ok(settle?.type === 'settle' && !settle.ok);
    return settle.failure.attempts.map((a) => ({
      node: a.node,
      outcome: a.outcome,
      endedMs: a.endedAtMs === null ? null : a.endedAtMs - startMs,
    }));
  }

  it('a write: its attempt timed out, and that first outcome stands when the deadline abandons the call', () => {
    const history = historyOf(incr(1000));
    assert.equal(history.length, 1);
    assert.equal(history[0]!.outcome, 'ERR_TIMEOUT');
    assert.ok(history[0]!.endedMs! < 1000, `ended at ${history[0]!.endedMs}`);
  });

  it('a read: the timed-out attempt, then the resend the deadline abandoned', () => {
    const history = historyOf(get(1000));
    assert.ok(history.length >= 2, JSON.stringify(history));
    const outcomes = history.map((a) => a.outcome);
    assert.deepEqual(outcomes, [...outcomes.slice(0, -1).map(() => 'ERR_TIMEOUT'), 'abandoned']);
    assert.ok(history.every((a) => a.node === N1 && a.endedMs !== null));
  });
});
