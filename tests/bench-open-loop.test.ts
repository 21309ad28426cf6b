// The open-loop latency measurement of `npm run bench` (bench/lib/fixed-rate.ts): the sender keeps
// its schedule whatever the replies do, and latency counts from each call's intended send time, so
// a stall is charged to every call that should have been sent during it (coordinated omission).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { runClientFixedRate } from '../bench/lib/fixed-rate.ts';
import { LatencyHistogram } from '../bench/lib/histogram.ts';
import { makeKeys } from '../bench/lib/keys.ts';
import type { Table } from '../client/index.ts';

const keys = makeKeys(100, 8);
const value = Buffer.alloc(10);

/** a stand-in Table whose get settles when `answer` says so */
function fakeTable(answer: (settle: () => void) => void): { table: Table; calls: () => number } {
  let calls = 0;
  const table = {
    get: () => {
      calls++;
      return new Promise<void>((resolve) => answer(resolve));
    },
  } as unknown as Table;
  return { table, calls: () => calls };
}

describe('bench open loop: fixed-rate sender', () => {
  it('sends on schedule without waiting for replies (none arrive until the last call is sent)', async () => {
    const held: Array<() => void> = [];
    let sentWhenFirstReply = -1;
    const { table, calls } = fakeTable((settle) => held.push(settle));
    const ratePerSec = 2000;
    const durationMs = 200;
    const run = runClientFixedRate(table, 'get', keys, value, { ratePerSec, durationMs });
    // release every reply only once the whole schedule has been sent
    const release = setInterval(() => {
      if (calls() === (ratePerSec * durationMs) / 1000) {
        clearInterval(release);
        sentWhenFirstReply = calls();
        for (const s of held.splice(0)) s();
      }
    }, 5);
    const r = await run;
    assert.equal(sentWhenFirstReply, 400);
    assert.equal(r.sent, 400);
    assert.equal(r.count, 400);
    assert.equal(r.errors, 0);
    // the first calls waited for the whole schedule: about durationMs
    assert.ok(r.maxMs >= 150, `max ${r.maxMs} ms`);
  });

  it('charges a stall to the calls that were due during it (latency from the intended time)', async () => {
    const { table } = fakeTable((settle) => setImmediate(settle));
    const ratePerSec = 1000;
    const stallMs = 60;
    let stalled = false;
    const t0 = performance.now();
    // one stall of the event loop 50 ms in: nothing is sent or read meanwhile
    const timer = setTimeout(() => {
      const end = performance.now() + stallMs;
      while (performance.now() < end) {
        // busy
      }
      stalled = true;
    }, 50);
    const r = await runClientFixedRate(table, 'get', keys, value, { ratePerSec, durationMs: 300 });
    clearTimeout(timer);
    assert.ok(stalled && performance.now() - t0 >= 300);
    assert.equal(r.sent, 300);
    // ~60 calls were due during the stall: the first of them waited the whole stall, so the worst
    // latency is about stallMs, and more than 1 % of calls (not one) are charged over half of it
    assert.ok(r.maxMs >= stallMs * 0.9, `max ${r.maxMs} ms`);
    assert.ok(r.p99Ms >= stallMs / 2, `p99 ${r.p99Ms} ms: the stall was not charged to the calls due in it`);
    assert.ok(r.sendLagMaxMs >= stallMs * 0.9, `send lag ${r.sendLagMaxMs} ms`);
    // without the stall the fake answers within a turn: the median stays far below it
    assert.ok(r.p50Ms < stallMs / 4, `p50 ${r.p50Ms} ms`);
  });
});

describe('bench open loop: latency histogram', () => {
  it('percentiles within 0.1 % (3 significant digits), from 1 µs to seconds', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 10_000; i++) h.recordMs(i / 1000); // 1 µs .. 10 ms
    h.recordMs(2500);
    const s = h.summary();
    assert.equal(s.count, 10_001);
    assert.ok(Math.abs(s.p50Ms - 5) / 5 < 0.001, `p50 ${s.p50Ms}`);
    assert.ok(Math.abs(s.p99Ms - 9.9) / 9.9 < 0.001, `p99 ${s.p99Ms}`);
    assert.ok(Math.abs(s.maxMs - 2500) / 2500 < 0.001, `max ${s.maxMs}`);
    assert.match(s.hdr, /^[A-Za-z0-9+/=]+$/);
  });
});

describe('bench report', () => {
  it('the done-when checks read issue 17 targets off header v1 at the saturation depth and 50 % load', async () => {
    const { doneWhen } = await import('../bench/lib/report.ts');
    const sat = (op: string, headerVersion: number, cpuRatio: number, ratio: number) => ({
      op,
      headerVersion,
      depth: 64,
      summary: { cpuRatio, ratio },
    });
    const open = (op: string, headerVersion: number, loadPercent: number, p99Ratio: number) => ({
      op,
      headerVersion,
      loadPercent,
      p99Ratio,
    });
    const checks = doneWhen({
      options: { depth: 64 },
      saturation: [sat('get', 1, 1.5, 0.9), sat('set', 1, 1.51, 0.89), sat('get', 0, 9, 0.1)],
      openLoop: [
        open('get', 1, 50, 2),
        open('get', 1, 75, 9),
        open('set', 1, 50, 2.01),
        open('set', 0, 50, 9),
      ],
    } as never);
    assert.deepEqual(
      checks.map((c) => [c.what.split(':')[0], c.value, c.ok]),
      [
        ['get', 1.5, true],
        ['get', 0.9, true],
        ['set', 1.51, false],
        ['set', 0.89, false],
        ['get', 2, true],
        ['set', 2.01, false],
      ],
    );
  });
});
