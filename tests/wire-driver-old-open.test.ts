// The driver loop's link accessors and its delivery of settled calls, on hand-made ports: the Node
// driver reads links through linkOf and closes them all when the core closes; a call's settlement
// reaches results.settled, and ports without it (or without results) still run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientCore, type CoreEvent } from '../core/client/index.ts';
import { DriverLoop } from '../core/driver/driver-loop.ts';
import type { DriverPorts, Link, LinkEvents, Results } from '../core/driver/ports.ts';
import { decodeResult, encodeResponse, ResponseDecoder } from '../core/wire/index.ts';

const META = '127.0.0.1:34601';

function rig(results?: Partial<Results>) {
  const links: Link[] = [];
  const closed: number[] = [];
  const ports: DriverPorts = {
    clock: { nowMs: () => 0 },
    network: {
      open(address) {
        const id = links.length;
        const link: Link = { address, write: () => {}, close: () => closed.push(id) };
        links.push(link);
        return link;
      },
    },
    timer: { arm: () => {} },
    ...(results === undefined ? {} : { results }),
  };
  const loop = new DriverLoop(new ClientCore({ metaServers: [META], seed: 1 }), ports);
  return { loop, links, closed };
}

const openTable: CoreEvent = { type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 };
const call: CoreEvent = {
  type: 'call',
  callId: 7,
  table: 't',
  rpc: 'RPC_RRDB_RRDB_GET',
  args: { key: new Uint8Array([1]) },
  partitionHash: 0n,
  idempotent: true,
  timeoutMs: 1000,
} as unknown as CoreEvent;

describe('driver loop: links and settlements', () => {
  it('linkOf gives the link opened for an address, closeAllLinks closes and forgets them', () => {
    const r = rig();
    r.loop.feed(openTable);
    assert.equal(r.links.length, 1);
    assert.equal(r.loop.linkOf(META), r.links[0]);
    assert.equal(r.loop.linkOf('10.0.0.1:1'), undefined);
    r.loop.closeAllLinks();
    assert.deepEqual(r.closed, [0]);
    assert.equal(r.loop.linkCount, 0);
    assert.equal(r.loop.linkOf(META), undefined);
  });

  it('an aborted call settles through results.settled; ports without it still run', () => {
    const settled: number[] = [];
    const r = rig({ settled: (cmd) => settled.push(cmd.callId) });
    r.loop.feed(call);
    r.loop.feed({ type: 'abort', callId: 7, error: 'gave up' });
    assert.deepEqual(settled, [7]);
    for (const results of [undefined, {}]) {
      const bare = rig(results);
      bare.loop.feed(call);
      assert.doesNotThrow(() => bare.loop.feed({ type: 'abort', callId: 7, error: 'gave up' }));
    }
  });
});

describe('response decoder: pieces it holds', () => {
  it('counts the pieces of an incomplete frame, and holds none once the frame is out', () => {
    const frame = encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', {
      error: 0,
      value: Buffer.alloc(1500, 9),
      app_id: 3,
      partition_index: 1,
      server: '',
    });
    const d = new ResponseDecoder();
    d.push(frame.subarray(0, 600));
    assert.equal(d.bufferedParts, 1);
    d.push(frame.subarray(600, 1200));
    assert.equal(d.bufferedParts, 2);
    assert.equal(d.push(frame.subarray(1200)).frames.length, 1);
    assert.equal(d.bufferedParts, 0);
  });
});

describe('response encoder: a result for a one-way RPC', () => {
  it('is refused, naming the RPC and why', () => {
    assert.throws(
      () => encodeResponse('RPC_RRDB_RRDB_CLEAR_SCANNER', 1, 'ERR_OK', 5n as never),
      (e: Error) => e.message.includes('RPC_RRDB_RRDB_CLEAR_SCANNER') && e.message.includes('one-way'),
    );
  });
});

describe('driver loop: a link lost while it writes', () => {
  it('sends after it in the same batch are dropped, and the core hears of the loss', () => {
    let events: LinkEvents | null = null;
    const writes: number[] = [];
    const seen: string[] = [];
    const links: Link[] = [];
    const ports: DriverPorts = {
      clock: { nowMs: () => 0 },
      network: {
        open(address, ev) {
          events = ev;
          const link: Link = {
            address,
            // the first write fails at once, as a socket may report
            write: (b) => {
              writes.push(b.length);
              events!.lost(link, 'reset');
            },
            close: () => {},
          };
          links.push(link);
          return link;
        },
      },
      timer: { arm: () => {} },
      hooks: { beforeHandle: (e) => seen.push(e.type) },
    };
    const loop = new DriverLoop(new ClientCore({ metaServers: [META], seed: 1 }), ports);
    loop.feed(openTable);
    loop.feed({ ...openTable, requestId: 2, table: 'u' } as CoreEvent);
    assert.equal(links.length, 1);
    assert.doesNotThrow(() => events!.opened(links[0]!));
    assert.equal(writes.length, 1, 'only the first send reached the link');
    assert.ok(seen.includes('connectionLost'));
  });
});

describe('result decoder: a name that is not a string', () => {
  it('is reported as an unknown RPC, not as an internal error', () => {
    assert.throws(
      () => decodeResult(42 as never, new Uint8Array([0])),
      (e: Error & { kind?: string }) => e.kind === 'unknown-rpc',
    );
  });
});
