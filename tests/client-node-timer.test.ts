// client/node-ports.ts's NodeTimer, the driver's one setTimeout: it fires once at the earliest
// deadline it was given, keeps an armed timer that is early enough, clamps its delay to what
// setTimeout can wait, and keeps the process alive only while asked to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeTimer } from '../client/node-ports.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a timer on a clock that stands still at 1000 ms, counting its fires */
function timer() {
  const fired: number[] = [];
  const t = new NodeTimer(
    () => 1000,
    () => fired.push(performance.now()),
  );
  const inner = () => (t as unknown as { timer: NodeJS.Timeout | null }).timer;
  return { t, fired, inner };
}

describe('NodeTimer', () => {
  it('fires once, after the delay to its deadline', async () => {
    const { t, fired } = timer();
    const start = performance.now();
    t.arm(1030);
    await sleep(10);
    assert.equal(fired.length, 0, 'not before its deadline');
    await sleep(60);
    assert.equal(fired.length, 1);
    assert.ok(fired[0]! - start >= 25, String(fired[0]! - start));
    await sleep(20);
    assert.equal(fired.length, 1);
  });

  it('a deadline already past fires at once; null disarms', async () => {
    const { t, fired } = timer();
    t.arm(500);
    await sleep(15);
    assert.equal(fired.length, 1);
    t.arm(1010);
    t.arm(null);
    await sleep(40);
    assert.equal(fired.length, 1);
  });

  it('an armed timer early enough is kept; an earlier deadline replaces it', async () => {
    const { t, fired, inner } = timer();
    t.arm(1020);
    const first = inner();
    t.arm(5000);
    assert.equal(inner(), first, 'a later deadline keeps the armed timer');
    t.arm(1020);
    assert.equal(inner(), first, 'the same deadline keeps it too');
    t.arm(1001);
    assert.notEqual(inner(), first, 'an earlier one re-arms');
    await sleep(50);
    assert.equal(fired.length, 1, 'the replaced timer does not fire as well');
  });

  it('after it fired, a later deadline arms a new timer', async () => {
    const { t, fired, inner } = timer();
    t.arm(1000);
    await sleep(15);
    assert.equal(inner(), null);
    t.arm(1005);
    assert.notEqual(inner(), null);
    await sleep(40);
    assert.equal(fired.length, 2);
  });

  it('a deadline beyond what setTimeout can wait is clamped, not fired at once', async () => {
    const { t, fired, inner } = timer();
    t.arm(1000 + 2 ** 40);
    await sleep(30);
    assert.equal(fired.length, 0);
    t.disarm();
    assert.equal(inner(), null);
  });

  it('unref by default; setRef switches the armed timer and the next ones', () => {
    const { t, inner } = timer();
    t.arm(60_000);
    assert.equal(inner()!.hasRef(), false);
    t.setRef(true);
    assert.equal(inner()!.hasRef(), true);
    t.arm(1001);
    assert.equal(inner()!.hasRef(), true, 're-armed while referenced');
    t.setRef(false);
    assert.equal(inner()!.hasRef(), false);
    t.disarm();
    // no timer: switching is harmless
    t.setRef(true);
    t.setRef(false);
  });
});
