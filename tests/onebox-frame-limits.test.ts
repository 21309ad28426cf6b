// The onebox keeps its memory bounded whatever clients send: an oversized frame closes its
// connection as soon as its header is read (with a log line), incomplete frames are counted and
// capped per server process, and a process that does not read (hung) stops reading a connection
// above a watermark instead of queueing without end. Checked through the bufferedBytes counter of
// GET /state, never through timings or the process's memory figures.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAUSE_READING_BYTES } from '../onebox/cluster/server-process.ts';
import { type ClusterTuning, createSimOnebox, startTcpOnebox } from '../onebox/index.ts';
import { keyHeader, keysWhere } from './helpers/onebox-calls.ts';
import { queryTcp } from './helpers/onebox-fixtures.ts';
import { fullKey, SimRawClient, TcpRawClient } from './helpers/onebox-raw-client.ts';

/** The 16 fixed bytes of a v1 request header announcing a body of `bodyBytes` (after a 1-byte meta). */
function v1Header(bodyBytes: number): Buffer {
  const b = Buffer.alloc(17);
  b.write('THFT', 0, 'latin1');
  b.writeUInt32BE(1, 4);
  b.writeUInt32BE(1, 8);
  b.writeUInt32BE(bodyBytes, 12);
  return b; // the last byte is the meta struct's STOP
}

interface Box {
  replica: string;
  node(): { bufferedBytes: number; badFrameCloses: number; connections: number };
  connect(): Promise<{ send(b: Buffer): void; closed(): Promise<string>; isOpen(): boolean; close(): void }>;
  settle(): Promise<void>;
  logs: string[];
  close(): Promise<void>;
}

async function simBox(tuning: ClusterTuning): Promise<Box> {
  const logs: string[] = [];
  const box = createSimOnebox({ seed: 71, ...tuning, log: (l) => logs.push(l) });
  const replica = box.replicas[0]!;
  return {
    replica,
    logs,
    node: () => box.state().replicas.find((r) => r.address === replica)!,
    connect: async () => {
      const c = new SimRawClient(box.sim, replica);
      assert.ok(c.waitOpen());
      return {
        send: (b) => c.sendRaw(b),
        closed: async () => {
          box.sim.runUntilTrue(() => c.closedHow !== undefined, 1000);
          return c.closedHow ?? 'open';
        },
        isOpen: () => c.closedHow === undefined,
        close: () => c.close(),
      };
    },
    settle: async () => {
      box.sim.runFor(20);
    },
    close: async () => box.close(),
  };
}

async function tcpBox(tuning: ClusterTuning): Promise<Box> {
  const logs: string[] = [];
  const box = await startTcpOnebox({ ...tuning, log: (l) => logs.push(l) });
  const replica = box.replicas[0]!;
  const clients: TcpRawClient[] = [];
  return {
    replica,
    logs,
    node: () => box.state().replicas.find((r) => r.address === replica)!,
    connect: async () => {
      const c = await TcpRawClient.connect(replica);
      clients.push(c);
      return {
        send: (b) => c.sendRaw(b),
        closed: async () => {
          const how = await c.waitClosed(2000);
          return how === 'timeout' ? 'open' : how;
        },
        isOpen: () => c.closedHow === undefined,
        close: () => c.close(),
      };
    },
    settle: () => new Promise((r) => setTimeout(r, 100)),
    close: async () => {
      for (const c of clients) c.close();
      await box.close();
    },
  };
}

const networks: Array<[string, (t: ClusterTuning) => Promise<Box>]> = [
  ['sim', simBox],
  ['tcp', tcpBox],
];

for (const [name, make] of networks) {
  describe(`onebox frame limits on the ${name} network`, () => {
    it('a frame announcing more than maxRequestFrameBytes (default 16 MiB) closes its connection at its header, with a log line', async () => {
      const box = await make({});
      try {
        const other = await box.connect();
        const c = await box.connect();
        c.send(v1Header(60 * 1024 * 1024));
        c.send(Buffer.alloc(64 * 1024, 1));
        assert.equal(await c.closed(), 'closed');
        await box.settle();
        const node = box.node();
        assert.equal(node.badFrameCloses, 1);
        assert.equal(node.bufferedBytes, 0);
        assert.equal(box.logs.length, 1);
        assert.match(
          box.logs[0]!,
          /closing connection from .*: request frame of 62914577 bytes exceeds 16777216/,
        );
        assert.ok(other.isOpen(), 'other connections are untouched');
      } finally {
        await box.close();
      }
    });

    it('an incomplete frame under the limit is held and counted; its bytes are released when the connection closes', async () => {
      const box = await make({ maxRequestFrameBytes: 1 << 20 });
      try {
        const c = await box.connect();
        c.send(v1Header(512 * 1024));
        c.send(Buffer.alloc(300 * 1024, 2));
        await box.settle();
        assert.equal(box.node().bufferedBytes, 17 + 300 * 1024);
        assert.ok(c.isOpen());
        c.send(v1Header(0).subarray(0, 1)); // more of the same frame
        await box.settle();
        assert.equal(box.node().bufferedBytes, 18 + 300 * 1024);
        c.close();
        await box.settle();
        assert.equal(box.node().bufferedBytes, 0);
        // just over the limit: closed without buffering
        const big = await box.connect();
        big.send(v1Header((1 << 20) - 16));
        assert.equal(await big.closed(), 'closed');
        assert.equal(box.node().badFrameCloses, 1);
      } finally {
        await box.close();
      }
    });

    it('incomplete frames over all connections are capped by maxBufferedBytes: the connection that goes over is closed', async () => {
      const box = await make({ maxBufferedBytes: 256 * 1024 });
      try {
        const conns = [];
        for (let i = 0; i < 3; i++) {
          const c = await box.connect();
          c.send(v1Header(1 << 20));
          c.send(Buffer.alloc(100 * 1024, i));
          await box.settle();
          conns.push(c);
        }
        assert.equal(await conns[2]!.closed(), 'closed');
        assert.ok(conns[0]!.isOpen() && conns[1]!.isOpen());
        const node = box.node();
        assert.equal(node.bufferedBytes, 2 * (17 + 100 * 1024));
        assert.ok(node.bufferedBytes <= 256 * 1024);
        assert.equal(node.badFrameCloses, 1);
        assert.match(box.logs[0]!, /over the process budget of 262144/);
      } finally {
        await box.close();
      }
    });
  });
}

describe('onebox flow control over TCP', () => {
  it('a hung replica stops reading a connection above the watermark; after it resumes, every request is answered', async () => {
    const box = await startTcpOnebox({ detectMs: 60_000, tables: [{ name: 'temp', partitionCount: 1 }] });
    const clients: TcpRawClient[] = [];
    try {
      const meta = await TcpRawClient.connect(box.metas[0]!);
      clients.push(meta);
      const cfg = await queryTcp(meta, 'temp');
      const primary = cfg.partitions[0]!.primary;
      const [k] = keysWhere(1, () => true, 1);
      const c = await TcpRawClient.connect(primary);
      clients.push(c);
      box.fault({ node: primary, kind: 'hang' });
      const value = Buffer.alloc(200 * 1024, 3);
      const sent = 60; // 12 MiB, three times the watermark
      const replies = Array.from({ length: sent }, (_, i) =>
        c.call(
          'RPC_RRDB_RRDB_PUT',
          { key: fullKey(k!, `s${i}`), value, expire_ts_seconds: 0 },
          { header: keyHeader(cfg.app_id, k!, 0), timeoutMs: 20_000 },
        ),
      );
      const node = () => box.state().replicas.find((r) => r.address === primary)!;
      let most = 0;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 20));
        most = Math.max(most, node().bufferedBytes);
      }
      assert.ok(most >= PAUSE_READING_BYTES, `it read up to the watermark (${most})`);
      assert.ok(most <= PAUSE_READING_BYTES + 1024 * 1024, `then stopped reading (${most})`);
      box.fault({ node: primary, kind: 'heal' });
      const outcomes = await Promise.all(replies);
      assert.deepEqual(
        outcomes.map((o) => (o.kind === 'reply' ? o.error : o.kind)),
        Array(sent).fill('ERR_OK'),
      );
      assert.equal(node().bufferedBytes, 0);
    } finally {
      for (const c of clients) c.close();
      await box.close();
    }
  });
});
