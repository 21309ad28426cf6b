// The simulated network: delivery semantics, the virtual clock, and determinism.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimOnebox, formatSimEvent, SeededRandom, SimNetwork } from '../onebox/index.ts';
import type { ServerConnection } from '../onebox/net/network.ts';
import { bytes, querySim, routeIn } from './helpers/onebox-fixtures.ts';
import { fullKey, SimRawClient } from './helpers/onebox-raw-client.ts';

/** A server that records what it receives and hands out its connections. */
function recordingServer(sim: SimNetwork, address: string) {
  const received: string[] = [];
  const closes: string[] = [];
  const conns: ServerConnection[] = [];
  const listener = sim.listen(address, (conn) => {
    conns.push(conn);
    return {
      onData: (b) => received.push(Buffer.from(b).toString()),
      onClose: (kind) => closes.push(kind),
    };
  });
  return { received, closes, conns, listener };
}

describe('SimNetwork delivery', () => {
  it('delivers per-connection FIFO despite random delays, both ways', () => {
    const sim = new SimNetwork({ seed: 1, minDelayMs: 0, maxDelayMs: 5 });
    const server = recordingServer(sim, '10.0.0.1:1');
    const got: string[] = [];
    let opened = false;
    const c = sim.connect('10.0.0.1:1', {
      onOpen: () => (opened = true),
      onData: (b) => got.push(Buffer.from(b).toString()),
      onClose: () => {},
    });
    for (let i = 0; i < 50; i++) c.write(Buffer.from(`${i},`));
    sim.runUntilIdle();
    assert.equal(opened, true);
    assert.equal(server.received.join(''), Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
    for (let i = 0; i < 50; i++) server.conns[0]!.write(Buffer.from(`${i};`));
    sim.runUntilIdle();
    assert.equal(got.join(''), Array.from({ length: 50 }, (_, i) => `${i};`).join(''));
  });

  it('refused without a listener; reset overtakes queued data; graceful close after it', () => {
    const sim = new SimNetwork({ seed: 2 });
    const closes: string[] = [];
    sim.connect('10.0.0.1:1', { onData: () => {}, onClose: (k) => closes.push(k) });
    sim.runUntilIdle();
    assert.deepEqual(closes, ['refused']);

    const server = recordingServer(sim, '10.0.0.1:2');
    const events: string[] = [];
    sim.connect('10.0.0.1:2', {
      onOpen: () => events.push('open'),
      onData: () => events.push('data'),
      onClose: (k) => events.push(k),
    });
    sim.runUntilIdle();
    for (let i = 0; i < 20; i++) server.conns[0]!.write(Buffer.from('x'));
    server.conns[0]!.reset();
    sim.runUntilIdle();
    assert.equal(events[0], 'open');
    assert.equal(events.at(-1), 'reset');
    assert.ok(events.filter((e) => e === 'data').length < 20, 'the RST discards data still queued behind it');

    const events2: string[] = [];
    sim.connect('10.0.0.1:2', { onData: () => events2.push('data'), onClose: (k) => events2.push(k) });
    sim.runUntilIdle();
    server.conns[1]!.write(Buffer.from('y'));
    server.conns[1]!.close();
    sim.runUntilIdle();
    assert.deepEqual(events2, ['data', 'closed']);

    const c3 = sim.connect('10.0.0.1:2', {
      onData: () => {},
      onClose: () => assert.fail('no callback after close()'),
    });
    sim.runUntilIdle();
    c3.close();
    sim.runUntilIdle();
    assert.deepEqual(server.closes, ['closed']);
    server.listener.close();
  });

  it('a cut link loses packets silently (no open, no refusal, no reset)', () => {
    const sim = new SimNetwork({ seed: 3 });
    const server = recordingServer(sim, '10.0.0.1:1');
    const events: string[] = [];
    const c = sim.connect('10.0.0.1:1', {
      onOpen: () => events.push('open'),
      onData: () => {},
      onClose: (k) => events.push(k),
    });
    sim.runUntilIdle();
    sim.setClientLinkDown('10.0.0.1:1', true);
    c.write(Buffer.from('lost'));
    server.conns[0]!.reset();
    sim.connect('10.0.0.1:1', {
      onOpen: () => events.push('open2'),
      onData: () => {},
      onClose: (k) => events.push(k),
    });
    sim.runFor(1000);
    assert.deepEqual(events, ['open']);
    assert.deepEqual(server.received, []);
  });

  it('virtual timers: ordered, cancellable, daemon timers do not keep runUntilIdle going', () => {
    const sim = new SimNetwork({ seed: 4 });
    const fired: string[] = [];
    sim.setTimer(30, () => fired.push('b'));
    sim.setTimer(10, () => fired.push('a'));
    sim.setTimer(30, () => fired.push('c'));
    const t = sim.setTimer(20, () => fired.push('never'));
    sim.clearTimer(t);
    const beat = () => {
      fired.push(`beat@${sim.nowMs()}`);
      sim.setTimer(100, beat, { daemon: true });
    };
    sim.setTimer(100, beat, { daemon: true });
    sim.runUntilIdle();
    assert.deepEqual(fired, ['a', 'b', 'c']);
    assert.equal(sim.nowMs(), 30);
    sim.runUntil(350);
    assert.deepEqual(fired.slice(3), ['beat@100', 'beat@200', 'beat@300']);
    assert.equal(sim.nowMs(), 350);
    assert.equal(sim.wallSeconds(), 1_700_000_000.35);
  });

  it('SeededRandom is reproducible and seed-dependent', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    assert.deepEqual(
      xs,
      Array.from({ length: 5 }, () => b.nextU32()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 5 }, () => c.nextU32()),
    );
    for (let i = 0; i < 1000; i++) {
      const v = a.intBetween(3, 7);
      assert.ok(v >= 3 && v <= 7);
    }
  });
});

/** A full scenario: cluster, writes and reads, a primary crash and a failover. Returns its event log. */
function scenario(seed: number): string[] {
  const box = createSimOnebox({ seed, detectMs: 500, beaconMs: 100, minDelayMs: 0.1, maxDelayMs: 3 });
  const log: string[] = [];
  box.sim.onEvent((e) => log.push(formatSimEvent(e)));
  const meta = new SimRawClient(box.sim, box.metas[0]!);
  const cfg = querySim(meta, 'temp');
  const route = routeIn(cfg, 'k');
  const c = new SimRawClient(box.sim, route.config.primary);
  for (let i = 0; i < 5; i++) {
    c.send(
      'RPC_RRDB_RRDB_PUT',
      { key: fullKey('k', `s${i}`), value: bytes(`v${i}`), expire_ts_seconds: 0 },
      { header: route.header },
    );
  }
  box.sim.runFor(50);
  box.fault({ node: route.config.primary, kind: 'crash' });
  box.sim.runFor(1000);
  querySim(meta, 'temp');
  box.close();
  return log;
}

describe('SimNetwork determinism', () => {
  it('same seed -> the same event sequence, byte for byte', () => {
    const a = scenario(1234);
    const b = scenario(1234);
    assert.ok(a.length > 20, `${a.length} events`);
    assert.ok(a.some((l) => l.includes(' data ')) && a.some((l) => l.includes(' rst ')));
    assert.deepEqual(a, b);
  });

  it('different seed -> different timings', () => {
    const a = scenario(1);
    const b = scenario(2);
    assert.notDeepEqual(a, b);
    const times = (log: string[]) => log.map((l) => l.split(' ')[1]);
    assert.notDeepEqual(times(a), times(b));
  });

  it('is fast enough for property tests (thousands of small scenarios per second)', () => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 500) {
      const sim = new SimNetwork({ seed: n });
      const server = recordingServer(sim, '10.0.0.1:1');
      const c = sim.connect('10.0.0.1:1', { onData: () => {}, onClose: () => {} });
      for (let i = 0; i < 10; i++) c.write(Buffer.from('x'));
      sim.runUntilIdle();
      assert.equal(server.received.length, 10);
      n++;
    }
    const perSecond = n / ((performance.now() - start) / 1000);
    assert.ok(perSecond > 2000, `${Math.round(perSecond)} network scenarios/s`);
    // A whole cluster with a failover is heavier, but still hundreds per second.
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) scenario(i);
    const clusterPerSecond = 20 / ((performance.now() - t0) / 1000);
    assert.ok(clusterPerSecond > 20, `${Math.round(clusterPerSecond)} cluster failover scenarios/s`);
  });
});
