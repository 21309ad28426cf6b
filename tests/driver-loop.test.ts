// The driver loop every environment runs (core/driver/driver-loop.ts), on hand-made ports: stale
// link reports never reach the core, re-entrant feeds queue behind the current event, observations
// come after the event's commands, a replaced link is closed first, and the timer port always gets
// the core's next deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientCore, type CoreCommand, type CoreEvent, type ObservedEvent } from '../core/client/index.ts';
import { DriverLoop } from '../core/driver/driver-loop.ts';
import type { DriverPorts, Link, LinkEvents, Results } from '../core/driver/ports.ts';

const META = '127.0.0.1:34601';

/** ports that record everything; links are opened by hand through `events` */
function rig(results: Partial<Results> = {}) {
  const log: string[] = [];
  const links: Link[] = [];
  let events: LinkEvents | null = null;
  const armed: Array<number | null> = [];
  let now = 0;
  const ports: DriverPorts = {
    clock: { nowMs: () => now },
    network: {
      open(address, ev) {
        events = ev;
        const id = links.length;
        const link: Link = {
          address,
          write: (b) => log.push(`write#${id}:${b.length}`),
          close: () => log.push(`close#${id}`),
        };
        links.push(link);
        log.push(`open#${id}`);
        return link;
      },
    },
    timer: { arm: (due) => armed.push(due) },
    results,
    hooks: {
      beforeHandle: (e) => log.push(`in:${e.type}`),
      afterHandle: (e, cmds) => log.push(`out:${e.type}:${cmds.map((c) => c.type).join(',')}`),
    },
  };
  const core = new ClientCore({ metaServers: [META], seed: 1 });
  const loop = new DriverLoop(core, ports);
  return {
    loop,
    core,
    log,
    links,
    armed,
    events: () => events!,
    setNow: (t: number) => {
      now = t;
    },
  };
}

const openTable: CoreEvent = { type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 };

describe('driver loop', () => {
  it('reports from a link it no longer holds never reach the core', () => {
    const r = rig();
    r.loop.feed(openTable); // the core connects to the meta server
    assert.deepEqual(
      r.log.filter((l) => l.startsWith('open')),
      ['open#0'],
    );
    const first = r.links[0]!;
    // a report about a link the loop never opened
    const stranger: Link = { address: META, write: () => {}, close: () => {} };
    r.events().opened(stranger);
    r.events().data(stranger, new Uint8Array([1, 2, 3]));
    r.events().lost(stranger, 'reset');
    assert.equal(r.log.filter((l) => l.startsWith('in:')).length, 1, 'only the openTable was handled');
    // the held link is lost: reported once; a second report of it is stale
    r.events().lost(first, 'reset');
    r.events().lost(first, 'reset');
    r.events().data(first, new Uint8Array([1]));
    assert.deepEqual(
      r.log.filter((l) => l.startsWith('in:')),
      ['in:openTable', 'in:connectionLost'],
    );
    assert.equal(r.loop.linkCount, 0);
  });

  it('a replaced link is closed before its successor opens, and reports from it are dropped', () => {
    // a stand-in core that asks for a connection to the same address on every tick
    const handled: string[] = [];
    const stub = {
      handle: (e: CoreEvent): CoreCommand[] => {
        handled.push(e.type);
        return e.type === 'tick' ? [{ type: 'connect', address: META }] : [];
      },
      nextTimerMs: () => null,
    } as unknown as ClientCore;
    const log: string[] = [];
    const links: Link[] = [];
    let events!: LinkEvents;
    const loop = new DriverLoop(stub, {
      clock: { nowMs: () => 0 },
      network: {
        open(address, ev) {
          events = ev;
          const id = links.length;
          log.push(`open#${id}`);
          const link: Link = { address, write: () => {}, close: () => log.push(`close#${id}`) };
          links.push(link);
          return link;
        },
      },
      timer: { arm: () => {} },
    });
    loop.feed({ type: 'tick' });
    loop.feed({ type: 'tick' });
    assert.deepEqual(log, ['open#0', 'close#0', 'open#1']);
    events.opened(links[0]!);
    events.lost(links[0]!, 'reset');
    assert.deepEqual(handled, ['tick', 'tick'], 'nothing from the replaced link');
    events.opened(links[1]!);
    assert.deepEqual(handled, ['tick', 'tick', 'connected']);
    assert.equal(loop.linkCount, 1);
  });

  it('an event fed while one is handled runs after it, never inside it', () => {
    const order: string[] = [];
    let loop!: DriverLoop;
    const r = rig({
      tableOpened: (cmd) => {
        order.push(`opened:${cmd.requestId}`);
        // a listener that starts more work from inside the loop
        if (cmd.requestId === 1) loop.feed({ type: 'openTable', requestId: 2, table: 'gone', timeoutMs: 1 });
        order.push(`after-feed:${cmd.requestId}`);
      },
    });
    loop = r.loop;
    r.loop.feed({ type: 'close' }); // a closed core answers openTable at once
    r.loop.feed({ ...openTable });
    assert.deepEqual(order, ['opened:1', 'after-feed:1', 'opened:2', 'after-feed:2']);
    const handled = r.log.filter((l) => l.startsWith('in:') || l.startsWith('out:'));
    assert.deepEqual(handled.slice(-4), [
      'in:openTable',
      'out:openTable:tableOpened',
      'in:openTable',
      'out:openTable:tableOpened',
    ]);
  });

  it('observations are delivered after every command of their event', () => {
    const seen: string[] = [];
    const r = rig({ observed: (e: ObservedEvent) => seen.push(`${e.kind}@${r.log.length}`) });
    r.loop.feed(openTable);
    const afterOut = r.log.findIndex((l) => l.startsWith('out:openTable'));
    assert.ok(seen.length > 0, 'the core observed something (health, refresh)');
    for (const s of seen) assert.ok(Number(s.split('@')[1]) > afterOut, `${s} before the commands`);
  });

  it("delivers only the core's observations, and runs on ports without optional hooks", () => {
    const seen: ObservedEvent[] = [];
    const r = rig({ observed: (e) => seen.push(e) });
    r.loop.feed(openTable);
    assert.ok(seen.length > 0);
    for (const e of seen) assert.equal(typeof e.kind, 'string');
    // hooks and results may leave out any of their functions
    const bare = new DriverLoop(new ClientCore({ metaServers: [META], seed: 1 }), {
      clock: { nowMs: () => 0 },
      network: { open: (address) => ({ address, write: () => {}, close: () => {} }) },
      timer: { arm: () => {} },
      results: {},
      hooks: {},
    });
    bare.feed(openTable);
    bare.feed({ type: 'close' });
    assert.equal(bare.linkCount, 0);
  });

  it("a lost link's error code reaches the core only when the link gave one", () => {
    const lose = (code?: string): CoreEvent | undefined => {
      const fed: CoreEvent[] = [];
      const links: Link[] = [];
      const loop = new DriverLoop(new ClientCore({ metaServers: [META], seed: 1 }), {
        clock: { nowMs: () => 0 },
        network: {
          open(address) {
            const link: Link = { address, write: () => {}, close: () => {} };
            links.push(link);
            return link;
          },
        },
        timer: { arm: () => {} },
        hooks: { beforeHandle: (e) => fed.push(e) },
      });
      loop.feed(openTable);
      loop.lost(links[0]!, 'reset', code);
      return fed.at(-1);
    };
    assert.deepEqual(lose('ECONNRESET'), {
      type: 'connectionLost',
      address: META,
      reason: 'reset',
      code: 'ECONNRESET',
    });
    assert.deepEqual(lose(), { type: 'connectionLost', address: META, reason: 'reset' });
  });

  it('after every batch the timer port gets the core next deadline (null once closed)', () => {
    const r = rig();
    r.loop.feed(openTable);
    assert.equal(r.armed.at(-1), r.core.nextTimerMs());
    assert.notEqual(r.armed.at(-1), null);
    r.loop.feed({ type: 'close' });
    assert.equal(r.armed.at(-1), null);
    assert.equal(r.loop.linkCount, 0, 'the core disconnected everything');
  });
});
