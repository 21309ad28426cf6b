// client/socket-link.ts and client/node-ports.ts, the edges the socket tests leave: the loss reason
// of each kind of socket error, before and after the connection opened, and NodeNetwork.released()
// waiting for the OS to release a closed socket.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { NodeNetwork } from '../client/node-ports.ts';
import { type LinkSink, SocketLink } from '../client/socket-link.ts';
import type { ConnectionLossReason } from '../core/client/index.ts';
import type { Link, LinkEvents } from '../core/driver/ports.ts';

async function listen(): Promise<{ server: Server; address: string }> {
  const server = createServer((c) => c.on('error', () => {}));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

class Sink implements LinkSink {
  readonly losses: Array<[ConnectionLossReason, string | undefined]> = [];
  opened!: Promise<void>;
  private open: () => void = () => {};
  constructor() {
    this.opened = new Promise((r) => {
      this.open = r;
    });
  }
  connected(): void {
    this.open();
  }
  data(): void {}
  lost(_l: SocketLink, reason: ConnectionLossReason, code?: string): void {
    this.losses.push([reason, code]);
  }
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('SocketLink: the reason of a socket error', () => {
  it('before the connection opened: ECONNREFUSED is refused, any other code an error', async () => {
    const { server, address } = await listen();
    try {
      const sink = new Sink();
      const link = new SocketLink(address, sink, false);
      // an OS error reported before the connect completed
      link.socket.emit('error', errno('ETIMEDOUT'));
      await link.closed;
      assert.deepEqual(sink.losses, [['error', 'ETIMEDOUT']]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('after it opened: ECONNRESET and EPIPE are resets, ECONNREFUSED and others errors', async () => {
    const { server, address } = await listen();
    try {
      const got: unknown[] = [];
      for (const code of ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'EHOSTUNREACH']) {
        const sink = new Sink();
        const link = new SocketLink(address, sink, false);
        await sink.opened;
        link.socket.emit('error', errno(code));
        await link.closed;
        got.push(...sink.losses);
      }
      assert.deepEqual(got, [
        ['reset', 'ECONNRESET'],
        ['reset', 'EPIPE'],
        ['error', 'ECONNREFUSED'],
        ['error', 'EHOSTUNREACH'],
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/** a link of `network` to `address`, once its socket is connected */
async function openLink(network: NodeNetwork, address: string): Promise<Link & { socket: SocketLink }> {
  let opened: () => void = () => {};
  const isOpen = new Promise<void>((r) => {
    opened = r;
  });
  const events: LinkEvents = { opened: () => opened(), data: () => {}, lost: () => {} };
  const link = network.open(address, events) as Link & { socket: SocketLink };
  await isOpen;
  return link;
}

describe('NodeNetwork', () => {
  it('released() resolves only once every socket it opened was released by the OS', async () => {
    const { server, address } = await listen();
    try {
      const network = new NodeNetwork();
      const link = await openLink(network, address);
      let released = false;
      void link.socket.closed.then(() => {
        released = true;
      });
      link.close();
      await network.released();
      assert.equal(released, true);
      assert.equal(link.socket.socket.destroyed, true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a closed link is left alone by later ref switching (no listener piles up on its dead socket)', async () => {
    const { server, address } = await listen();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const network = new NodeNetwork();
      const link = await openLink(network, address);
      link.close();
      await network.released();
      const listeners = link.socket.socket.listenerCount('connect');
      // the driver switches refs at every change between "something pending" and "nothing pending"
      for (let i = 0; i < 12; i++) network.setRef(i % 2 === 0);
      await new Promise((r) => setImmediate(r));
      assert.equal(link.socket.socket.listenerCount('connect'), listeners);
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await new Promise((r) => server.close(r));
    }
  });
});
