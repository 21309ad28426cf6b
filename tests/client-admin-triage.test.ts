// client/admin.ts against one scripted meta, in-process: what each admin call sends, how it reads
// the answer, its argument checks and their messages, waitTableHealthy's polling, deadline and
// abort, and the errors a failed call becomes. Pinned because the onebox admin test (3 metas over
// TCP) left these mutants of admin.ts alive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PegasusAbortError,
  PegasusArgumentError,
  PegasusClient,
  PegasusClientClosedError,
  PegasusOutcomeUnknownError,
  PegasusTableNotFoundError,
  PegasusTimeoutError,
} from '../client/index.ts';
import type { TraceRecord } from '../client/trace.ts';
import { encodeResponse, type RequestFrame, type RpcName } from '../core/wire/index.ts';
import type { AppInfo, PartitionConfiguration } from '../core/wire/types.ts';
import { args, FakeServer, partition } from './helpers/fake-server.ts';

const CREATE = 'RPC_CM_CREATE_APP';
const DROP = 'RPC_CM_DROP_APP';
const LIST = 'RPC_CM_LIST_APPS';
const NODES = 'RPC_CM_LIST_NODES';
const QUERY = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';

type Answer = (f: RequestFrame) => object | 'silent';

const answer = (f: RequestFrame, body: object | 'silent') =>
  body === 'silent' ? 'silent' : encodeResponse(f.name as RpcName, f.seqid, 'ERR_OK', body as never);

/** a meta answering each RPC by `script` (the client's connect probe: no such table) */
async function meta(script: Partial<Record<string, Answer>>): Promise<FakeServer> {
  return FakeServer.start((f) => {
    const own = script[f.name];
    if (own !== undefined) return answer(f, own(f));
    if (f.name === QUERY)
      return answer(f, {
        err: 'ERR_OBJECT_NOT_FOUND',
        app_id: 0,
        partition_count: 0,
        is_stateful: true,
        partitions: [],
      });
    return 'silent';
  });
}

/** runs `body` with a client of meta `s`; closes both */
async function withClient<T>(s: FakeServer, body: (c: PegasusClient) => Promise<T>): Promise<T> {
  const client = new PegasusClient({ metaServers: [s.address], timeoutMs: 2000 });
  try {
    return await body(client);
  } finally {
    await client.close();
    await s.close();
  }
}

/**
 * a client of meta `s` that runs `then` once, just after the first answer settled its call: after
 * the promise callbacks it released (setImmediate), so inside waitTableHealthy's sleep
 */
function afterFirstAnswer(s: FakeServer, then: () => void): PegasusClient {
  let done = false;
  return new PegasusClient({
    metaServers: [s.address],
    timeoutMs: 2000,
    trace: (r: TraceRecord) => {
      if (done || r.type !== 'out' || (r.cmd as { type: string }).type !== 'settle') return;
      done = true;
      setImmediate(then);
    },
  });
}

const app = (name: string, status: number, over: Partial<AppInfo> = {}): AppInfo => ({
  status,
  app_type: 'pegasus',
  app_name: name,
  app_id: 7,
  partition_count: 4,
  envs: new Map(),
  is_stateful: true,
  max_replica_count: 3,
  expire_second: 0n,
  create_second: 0n,
  drop_second: 0n,
  init_partition_count: 4,
  ...over,
});

/** a query_cfg answer of `count` partitions, each as `shape(index)` gives it */
const config = (count: number, shape: (i: number) => PartitionConfiguration, listed = count) => ({
  err: 'ERR_OK',
  app_id: 7,
  partition_count: count,
  is_stateful: true,
  partitions: Array.from({ length: listed }, (_, i) => shape(i)),
});
const healthy = (i: number) => ({
  ...partition(i, '10.0.0.1:1', 1n, 7),
  secondaries: ['10.0.0.2:1', '10.0.0.3:1'],
});

/** every test ends by itself: a stalled call or sleep fails it */
const LIMIT = { timeout: 20_000 };

describe('client.admin: what each call sends and returns', () => {
  it(
    'createTable sends the name, 8 partitions and 3 replicas by default, never success_if_exist',
    LIMIT,
    async () => {
      const s = await meta({ [CREATE]: () => ({ err: 'ERR_OK', appid: 12 }) });
      await withClient(s, async (c) => {
        assert.deepEqual(await c.admin.createTable('made'), { appId: 12 });
        assert.deepEqual(await c.admin.createTable('big', { partitions: 65536, replicas: 16 }), {
          appId: 12,
        });
        assert.deepEqual(await c.admin.createTable('small', { partitions: 1, replicas: 1 }), { appId: 12 });
        const sent = s.frames(CREATE).map((f) => args(CREATE, f));
        assert.deepEqual(
          sent.map((a) => [a.app_name, a.options.partition_count, a.options.replica_count]),
          [
            ['made', 8, 3],
            ['big', 65536, 16],
            ['small', 1, 1],
          ],
        );
        for (const a of sent) {
          assert.equal(a.options.success_if_exist, false);
          assert.equal(a.options.app_type, 'pegasus');
          assert.equal(a.options.is_stateful, true);
          assert.equal(a.options.envs.size, 0);
        }
      });
    },
  );

  it('dropTable sends the name and never success_if_not_exist', LIMIT, async () => {
    const s = await meta({ [DROP]: () => ({ err: 'ERR_OK' }) });
    await withClient(s, async (c) => {
      assert.equal(await c.admin.dropTable('gone'), undefined);
      const sent = s.frames(DROP).map((f) => args(DROP, f));
      assert.deepEqual(
        sent.map((a) => [a.app_name, a.options.success_if_not_exist]),
        [['gone', false]],
      );
    });
  });
});

describe('client.admin: lists', () => {
  it(
    'listTables asks for available tables, or every one with all, and names each status',
    LIMIT,
    async () => {
      const statuses = [0, 1, 2, 3, 4, 5, 6, 7, 99];
      const s = await meta({
        [LIST]: () => ({
          err: 'ERR_OK',
          infos: statuses.map((st) =>
            app(`t${st}`, st, { app_id: st + 1, partition_count: 2 * st, max_replica_count: st }),
          ),
        }),
      });
      await withClient(s, async (c) => {
        const listed = await c.admin.listTables();
        assert.deepEqual(listed[2], {
          name: 't2',
          appId: 3,
          partitionCount: 4,
          replicaCount: 2,
          status: 'creating',
        });
        assert.deepEqual(
          listed.map((t) => t.status),
          [
            'invalid',
            'available',
            'creating',
            'createFailed',
            'dropping',
            'dropFailed',
            'dropped',
            'recalling',
            'invalid',
          ],
        );
        await c.admin.listTables({ all: true });
        await c.admin.listTables({ all: false });
        assert.deepEqual(
          s.frames(LIST).map((f) => args(LIST, f).status),
          [1, 0, 1],
        );
      });
    },
  );

  it(
    'listNodes asks for every node; an address is the node, else its host and port; alive only when alive',
    LIMIT,
    async () => {
      const s = await meta({
        [NODES]: () => ({
          err: 'ERR_OK',
          infos: [
            { status: 1, node: '10.0.0.1:1' },
            { status: 2, node: '10.0.0.2:2', hp_node: { host: 'other', port: 9, type: 1 } },
            { status: 0, node: '', hp_node: { host: 'c', port: 3, type: 1 } },
            { status: 1, node: '' },
          ],
        }),
      });
      await withClient(s, async (c) => {
        assert.deepEqual(await c.admin.listNodes(), [
          { address: '10.0.0.1:1', alive: true },
          { address: '10.0.0.2:2', alive: false },
          { address: 'c:3', alive: false },
          { address: '', alive: true },
        ]);
        assert.deepEqual(
          s.frames(NODES).map((f) => args(NODES, f).status),
          [0],
        );
      });
    },
  );
});

describe('client.admin: arguments', () => {
  it(
    'partitions: a power of two from 1 to 65536; replicas: an integer from 1 to 16; each message names the value',
    LIMIT,
    async () => {
      const s = await meta({});
      await withClient(s, async (c) => {
        for (const bad of [0, 3, 6, 131072, 1.5, -2, Number.NaN, '8']) {
          await assert.rejects(c.admin.createTable('x', { partitions: bad as number }), {
            name: 'PegasusArgumentError',
            message: `partitions must be a power of two from 1 to 65536, got ${String(bad)}`,
          });
        }
        for (const bad of [0, 17, 2.5, -1, '3']) {
          await assert.rejects(c.admin.createTable('x', { replicas: bad as number }), {
            name: 'PegasusArgumentError',
            message: `replicas must be an integer from 1 to 16, got ${String(bad)}`,
          });
        }
        assert.equal(s.frames(CREATE).length, 0);
      });
    },
  );

  it("each call names 'table name', 'options' and 'all', and knows its own option keys", LIMIT, async () => {
    const s = await meta({
      [CREATE]: () => ({ err: 'ERR_OK', appid: 1 }),
      [DROP]: () => ({ err: 'ERR_OK' }),
      [LIST]: () => ({ err: 'ERR_OK', infos: [] }),
      [NODES]: () => ({ err: 'ERR_OK', infos: [] }),
      [QUERY]: () => config(1, healthy),
    });
    await withClient(s, async (c) => {
      const a = c.admin;
      for (const call of [
        () => a.createTable(5 as never),
        () => a.dropTable(5 as never),
        () => a.waitTableHealthy(5 as never),
      ])
        await assert.rejects(
          call(),
          (e: Error) => e instanceof PegasusArgumentError && e.message.startsWith('table name'),
        );
      for (const call of [
        () => a.createTable('x', 5 as never),
        () => a.dropTable('x', 5 as never),
        () => a.listTables(5 as never),
        () => a.listNodes(5 as never),
        () => a.waitTableHealthy('x', 5 as never),
      ])
        await assert.rejects(
          call(),
          (e: Error) => e instanceof PegasusArgumentError && e.message.startsWith('options'),
        );
      await assert.rejects(a.listTables({ all: 1 as never }), (e: Error) => e.message.startsWith('all '));
      // the keys each call takes are accepted
      const signal = new AbortController().signal;
      await a.createTable('x', { timeoutMs: 1000, signal, partitions: 2, replicas: 2 });
      await a.dropTable('x', { timeoutMs: 1000, signal });
      await a.listTables({ timeoutMs: 1000, signal, all: true });
      await a.listNodes({ timeoutMs: 1000, signal });
      await a.waitTableHealthy('x', { timeoutMs: 1000, signal });
      // and only those
      await assert.rejects(a.dropTable('x', { all: true } as never), PegasusArgumentError);
      await assert.rejects(a.listNodes({ partitions: 2 } as never), PegasusArgumentError);
      await assert.rejects(a.listTables({ replicas: 2 } as never), PegasusArgumentError);
      await assert.rejects(a.createTable('x', { all: true } as never), PegasusArgumentError);
    });
  });
});

describe('client.admin: waitTableHealthy', () => {
  it(
    'asks meta about the table with no partition indices, and resolves once it is healthy',
    LIMIT,
    async () => {
      const s = await meta({ [QUERY]: () => config(2, healthy) });
      await withClient(s, async (c) => {
        await c.admin.waitTableHealthy('t', { timeoutMs: 2000 });
        assert.deepEqual(
          s.frames(QUERY).map((f) => args(QUERY, f)),
          [{ app_name: 't', partition_indices: [] }],
        );
      });
    },
  );

  it(
    'a partition without a primary, short of replicas or not listed is sick: polled every 100 ms until healthy',
    LIMIT,
    async () => {
      // answers in turn (the last one stays): each kind of sickness, then a healthy table
      const answers = [
        config(2, (i) => (i === 1 ? { ...healthy(i), primary: '' } : healthy(i))),
        config(2, (i) => (i === 0 ? { ...healthy(i), secondaries: ['10.0.0.2:1'] } : healthy(i))),
        config(2, healthy, 1),
        config(0, healthy, 0),
        config(2, healthy),
      ];
      const at: number[] = [];
      const s = await meta({
        [QUERY]: () => {
          at.push(performance.now());
          return answers[Math.min(at.length - 1, answers.length - 1)]!;
        },
      });
      await withClient(s, async (c) => {
        const started = performance.now();
        await c.admin.waitTableHealthy('t', { timeoutMs: 8000 });
        assert.equal(at.length, 5);
        const gaps = at.slice(1).map((t, i) => t - at[i]!);
        assert.ok(
          gaps.every((g) => g >= 90),
          `asked again after ${gaps.map(Math.round)} ms`,
        );
        // far from the deadline: it did not sleep until it
        assert.ok(performance.now() - started < 4000);
      });
    },
  );
});

describe('client.admin: how waitTableHealthy ends otherwise', () => {
  it('past its timeout: a timeout error saying what was wrong at the last answer', LIMIT, async () => {
    const s = await meta({
      [QUERY]: () => config(4, (i) => (i < 3 ? { ...healthy(i), primary: '' } : healthy(i))),
    });
    await withClient(s, async (c) => {
      const started = performance.now();
      const e = await c.admin.waitTableHealthy('t', { timeoutMs: 600 }).catch((x: unknown) => x);
      assert.ok(e instanceof PegasusTimeoutError, String(e));
      // (the reason in the message is pinned at a frozen clock below: here the last query may still
      // be in flight at the deadline, when a timer fires a fraction of a millisecond early)
      assert.deepEqual([e.code, e.op, e.table], ['ERR_TIMEOUT', 'waitTableHealthy', 't']);
      assert.match(e.message, /^waitTableHealthy on table "t" timed out/);
      const took = performance.now() - started;
      // its own deadline, not the default one (5000 ms)
      assert.ok(took >= 590 && took < 4000, `took ${took} ms`);
      assert.ok(s.frames(QUERY).length >= 2);
    });
  });

  it('a table being created is polled until the deadline', LIMIT, async () => {
    const s = await meta({
      [QUERY]: () => ({
        err: 'ERR_BUSY_CREATING',
        app_id: 0,
        partition_count: 0,
        is_stateful: true,
        partitions: [],
      }),
    });
    await withClient(s, async (c) => {
      const e = await c.admin.waitTableHealthy('t', { timeoutMs: 600 }).catch((x: unknown) => x);
      assert.ok(e instanceof PegasusTimeoutError, String(e));
      assert.match(e.message, /^waitTableHealthy on table "t" timed out/);
      const n = s.frames(QUERY).length;
      // every 100 ms until the deadline: more than once, not in a busy loop
      assert.ok(n >= 2 && n <= 8, `${n} queries`);
    });
  });

  it('no such table: a table-not-found error at once', LIMIT, async () => {
    const s = await meta({});
    await withClient(s, async (c) => {
      const e = await c.admin.waitTableHealthy('t', { timeoutMs: 2000 }).catch((x: unknown) => x);
      assert.ok(e instanceof PegasusTableNotFoundError, String(e));
      assert.deepEqual([e.op, e.table], ['waitTableHealthy', 't']);
      assert.equal(s.frames(QUERY).filter((f) => args(QUERY, f).app_name === 't').length, 1);
    });
  });

  it('aborted while it waits between polls: an abort error with the reason', LIMIT, async () => {
    const s = await meta({ [QUERY]: () => config(1, (i) => ({ ...healthy(i), primary: '' })) });
    const ac = new AbortController();
    const reason = new Error('enough');
    const client = afterFirstAnswer(s, () => ac.abort(reason));
    try {
      const e = await client.admin
        .waitTableHealthy('t', { timeoutMs: 5000, signal: ac.signal })
        .catch((x: unknown) => x);
      assert.ok(e instanceof PegasusAbortError, String(e));
      assert.deepEqual(
        [e.code, e.message, e.cause, e.op, e.table],
        ['ERR_ABORTED', 'waitTableHealthy on table "t" aborted', reason, 'waitTableHealthy', 't'],
      );
      assert.equal(s.frames(QUERY).length, 1);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it(
    'the client closed while it waits between polls: it ends at once as closed, not at its next poll',
    LIMIT,
    async () => {
      const s = await meta({ [QUERY]: () => config(1, (i) => ({ ...healthy(i), primary: '' })) });
      let closing: Promise<void> | undefined;
      const client: PegasusClient = afterFirstAnswer(s, () => {
        closing = client.close();
      });
      try {
        let settled = false;
        const waiting = client.admin.waitTableHealthy('t', { timeoutMs: 5000 }).catch((x: unknown) => x);
        void waiting.then(() => {
          settled = true;
        });
        while (closing === undefined) await new Promise((r) => setTimeout(r, 5));
        await closing;
        // the sleep was cut short: it ended before the sockets were released, not at its next poll
        assert.equal(settled, true);
        const e = await waiting;
        assert.ok(e instanceof PegasusClientClosedError, String(e));
        assert.deepEqual([e.op, e.table], ['waitTableHealthy', 't']);
        assert.equal(s.frames(QUERY).length, 1);
      } finally {
        await client.close();
        await s.close();
      }
    },
  );
});

describe('client.admin: failed calls', () => {
  it(
    'an aborted signal: nothing is sent; the error names the op, the table and the reason',
    LIMIT,
    async () => {
      const s = await meta({});
      await withClient(s, async (c) => {
        const ac = new AbortController();
        const reason = new Error('no');
        ac.abort(reason);
        const dropped = await c.admin.dropTable('t', { signal: ac.signal }).catch((x: unknown) => x);
        assert.ok(dropped instanceof PegasusAbortError, String(dropped));
        assert.deepEqual(
          [dropped.code, dropped.message, dropped.cause, dropped.op, dropped.table],
          ['ERR_ABORTED', 'dropTable aborted before it was sent', reason, 'dropTable', 't'],
        );
        const listed = await c.admin.listNodes({ signal: ac.signal }).catch((x: unknown) => x);
        assert.ok(listed instanceof PegasusAbortError, String(listed));
        assert.deepEqual([listed.op, listed.table], ['listNodes', '']);
        assert.equal(s.frames(DROP).length + s.frames(NODES).length, 0);
      });
    },
  );

  it('no such table: a table-not-found error naming the op and the table', LIMIT, async () => {
    const s = await meta({ [DROP]: () => ({ err: 'ERR_APP_NOT_EXIST' }) });
    await withClient(s, async (c) => {
      const e = await c.admin.dropTable('t').catch((x: unknown) => x);
      assert.ok(e instanceof PegasusTableNotFoundError, String(e));
      assert.deepEqual(
        [e.code, e.message, e.op, e.table, e.outcomeUnknown, e.attempts.length],
        ['ERR_APP_NOT_EXIST', 'dropTable on table "t": the table does not exist', 'dropTable', 't', false, 1],
      );
    });
  });

  it(
    "other failures keep meta's code; a list names no table; an unanswered create may have happened",
    LIMIT,
    async () => {
      const s = await meta({ [CREATE]: () => ({ err: 'ERR_APP_EXIST', appid: 0 }), [LIST]: () => 'silent' });
      await withClient(s, async (c) => {
        const exists = await c.admin.createTable('t').catch((x: unknown) => x);
        assert.ok(exists instanceof Error);
        assert.deepEqual(
          [
            (exists as { code?: string }).code,
            (exists as { op?: string }).op,
            (exists as { table?: string }).table,
          ],
          ['ERR_APP_EXIST', 'createTable', 't'],
        );
        assert.ok(!(exists instanceof PegasusTableNotFoundError));
        assert.equal(exists.message, 'createTable on table "t" failed with ERR_APP_EXIST (1 attempt(s))');
        const listed = await c.admin.listTables({ timeoutMs: 300 }).catch((x: unknown) => x);
        assert.ok(listed instanceof PegasusTimeoutError, String(listed));
        assert.deepEqual([listed.op, listed.table], ['listTables', '(admin)']);
        assert.match(listed.message, /^listTables on table "\(admin\)" timed out/);
      });
    },
  );

  it('aborted while meta is silent: the abort error carries the reason', LIMIT, async () => {
    const s = await meta({ [NODES]: () => 'silent' });
    await withClient(s, async (c) => {
      const ac = new AbortController();
      const reason = new Error('stop');
      const pending = c.admin.listNodes({ signal: ac.signal, timeoutMs: 5000 }).catch((x: unknown) => x);
      while (s.frames(NODES).length === 0) await new Promise((r) => setTimeout(r, 5));
      ac.abort(reason);
      const e = await pending;
      assert.ok(e instanceof PegasusAbortError, String(e));
      assert.equal(e.cause, reason);
    });
  });
});

describe('client.admin: more ends', () => {
  it(
    'an unanswered createTable or dropTable may have happened; an unanswered list is a plain timeout',
    LIMIT,
    async () => {
      const s = await meta({ [CREATE]: () => 'silent', [DROP]: () => 'silent', [NODES]: () => 'silent' });
      await withClient(s, async (c) => {
        for (const call of [
          () => c.admin.createTable('t', { timeoutMs: 300 }),
          () => c.admin.dropTable('t', { timeoutMs: 300 }),
        ]) {
          const e = await call().catch((x: unknown) => x);
          assert.ok(e instanceof PegasusOutcomeUnknownError, String(e));
        }
        const e = await c.admin.listNodes({ timeoutMs: 300 }).catch((x: unknown) => x);
        assert.ok(e instanceof PegasusTimeoutError && !(e instanceof PegasusOutcomeUnknownError), String(e));
      });
    },
  );

  it(
    "meta's ERR_OBJECT_NOT_FOUND is a table-not-found too; an admin list names no table in it",
    LIMIT,
    async () => {
      const s = await meta({
        [DROP]: () => ({ err: 'ERR_OBJECT_NOT_FOUND' }),
        [NODES]: () => ({ err: 'ERR_OBJECT_NOT_FOUND', infos: [] }),
      });
      await withClient(s, async (c) => {
        const dropped = await c.admin.dropTable('t').catch((x: unknown) => x);
        assert.ok(dropped instanceof PegasusTableNotFoundError, String(dropped));
        assert.deepEqual(
          [dropped.code, dropped.message],
          ['ERR_OBJECT_NOT_FOUND', 'dropTable on table "t": the table does not exist'],
        );
        const listed = await c.admin.listNodes().catch((x: unknown) => x);
        assert.ok(listed instanceof PegasusTableNotFoundError, String(listed));
        assert.deepEqual(
          [listed.message, listed.op, listed.table],
          ['listNodes: the table does not exist', 'listNodes', ''],
        );
      });
    },
  );

  it(
    'timeoutMs is checked by name; a deadline already due asks meta nothing and says so',
    LIMIT,
    async () => {
      const s = await meta({ [QUERY]: () => config(1, healthy) });
      await withClient(s, async (c) => {
        await assert.rejects(c.admin.dropTable('t', { timeoutMs: -1 }), (e: Error) =>
          e.message.startsWith('timeoutMs '),
        );
        await assert.rejects(c.admin.waitTableHealthy('t', { timeoutMs: -1 }), (e: Error) =>
          e.message.startsWith('timeoutMs '),
        );
        // the smallest positive timeout: the deadline is the start itself
        const e = await c.admin
          .waitTableHealthy('t', { timeoutMs: Number.MIN_VALUE })
          .catch((x: unknown) => x);
        assert.ok(e instanceof PegasusTimeoutError, String(e));
        assert.equal(e.message, 'waitTableHealthy on table "t" timed out: meta was not asked yet');
        assert.equal(s.frames(QUERY).filter((f) => args(QUERY, f).app_name === 't').length, 0);
      });
    },
  );

  it(
    'the client closed as an answer comes in: a sick table ends as a timeout at once, a table being created as closed',
    LIMIT,
    async () => {
      for (const [answer, expected] of [
        [config(1, (i) => ({ ...healthy(i), primary: '' })), 'PegasusTimeoutError'],
        [
          { err: 'ERR_BUSY_CREATING', app_id: 0, partition_count: 0, is_stateful: true, partitions: [] },
          'PegasusClientClosedError',
        ],
      ] as const) {
        const s = await meta({ [QUERY]: () => answer });
        let closing: Promise<void> | undefined;
        // the trace hook runs inside the client's loop, right after the answer settled the call
        const client: PegasusClient = new PegasusClient({
          metaServers: [s.address],
          timeoutMs: 2000,
          trace: (r: TraceRecord) => {
            if (r.type === 'out' && (r.cmd as { type: string }).type === 'settle') closing ??= client.close();
          },
        });
        try {
          let settled = false;
          const waiting = client.admin.waitTableHealthy('t', { timeoutMs: 5000 }).catch((x: unknown) => x);
          void waiting.then(() => {
            settled = true;
          });
          while (closing === undefined) await new Promise((r) => setTimeout(r, 5));
          await closing;
          // it ended before the sockets were released: it slept for no poll
          assert.equal(settled, true);
          const e = await waiting;
          assert.equal((e as Error).constructor.name, expected, String(e));
          if (e instanceof PegasusTimeoutError)
            assert.equal(
              e.message,
              'waitTableHealthy on table "t" timed out: 1 of 1 partitions lack a primary or replicas',
            );
        } finally {
          await client.close();
          await s.close();
        }
      }
    },
  );
});

describe('client.admin: waitTableHealthy at its deadline exactly (a frozen clock)', () => {
  /**
   * the answer to the first query arrives exactly at the deadline: performance.now() (the admin's
   * clock and the driver's) is frozen at the start, then moved to the deadline as the answer settles
   */
  async function atDeadline(answer: object): Promise<{ error: unknown; beforeImmediate: boolean }> {
    const s = await meta({ [QUERY]: () => answer });
    const clock = performance as { now: () => number };
    const start = clock.now();
    const T = 1000;
    let settled = false;
    let beforeImmediate: boolean | undefined;
    let moved = false;
    const client = new PegasusClient({
      metaServers: [s.address],
      timeoutMs: 2000,
      trace: (r: TraceRecord) => {
        if (moved || r.type !== 'out' || (r.cmd as { type: string }).type !== 'settle') return;
        moved = true;
        clock.now = () => start + T;
        // what settles in the promise callbacks the answer released, before any timer
        setImmediate(() => {
          beforeImmediate = settled;
        });
      },
    });
    clock.now = () => start;
    try {
      const error = await client.admin
        .waitTableHealthy('t', { timeoutMs: T })
        .catch((x: unknown) => x)
        .finally(() => {
          settled = true;
        });
      while (beforeImmediate === undefined) await new Promise((r) => setImmediate(r));
      return { error, beforeImmediate };
    } finally {
      delete (clock as { now?: unknown }).now;
      await client.close();
      await s.close();
    }
  }

  it(
    'an answer at the deadline: a timeout at once, no sleep and no query with nothing left',
    LIMIT,
    async () => {
      const sick = await atDeadline(config(4, (i) => (i < 3 ? { ...healthy(i), primary: '' } : healthy(i))));
      assert.ok(sick.error instanceof PegasusTimeoutError, String(sick.error));
      assert.deepEqual(
        [sick.error.code, sick.error.message, sick.error.op, sick.error.table],
        [
          'ERR_TIMEOUT',
          'waitTableHealthy on table "t" timed out: 3 of 4 partitions lack a primary or replicas',
          'waitTableHealthy',
          't',
        ],
      );
      assert.equal(sick.beforeImmediate, true);
      const busy = await atDeadline({
        err: 'ERR_BUSY_CREATING',
        app_id: 0,
        partition_count: 0,
        is_stateful: true,
        partitions: [],
      });
      assert.ok(busy.error instanceof PegasusTimeoutError, String(busy.error));
      assert.equal(busy.error.message, 'waitTableHealthy on table "t" timed out: the table is being created');
      assert.equal(busy.beforeImmediate, true);
    },
  );
});
