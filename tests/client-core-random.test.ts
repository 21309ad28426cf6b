// The core's jitter generator (core/client/seeded-random.ts): draws in [0, 1), the same for the same
// seed, different for different seeds, spread over the interval, and resumable from its position
// (a state description records the position: same seed and position, same future draws).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../core/client/seeded-random.ts';

const draws = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.next());

describe('SeededRandom', () => {
  it('draws lie in [0, 1) and spread over it', () => {
    const xs = draws(new SeededRandom(1), 4000);
    assert.ok(
      xs.every((x) => x >= 0 && x < 1),
      'every draw in [0, 1)',
    );
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
    // each tenth of the interval gets its share
    const bins = new Array<number>(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]! += 1;
    assert.ok(
      bins.every((b) => b > 300 && b < 500),
      `bins ${bins}`,
    );
    assert.equal(new Set(xs).size, xs.length, 'no repeats in a short run');
  });

  it('the same seed gives the same draws; other seeds give others', () => {
    assert.deepEqual(draws(new SeededRandom(7), 20), draws(new SeededRandom(7), 20));
    const a = draws(new SeededRandom(7), 20);
    const b = draws(new SeededRandom(8), 20);
    const c = draws(new SeededRandom(0), 20);
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(b, c);
  });

  it('its position starts at the seed (as a u32), moves with every draw, and resumes the sequence', () => {
    assert.equal(new SeededRandom(7).position, 7);
    assert.equal(new SeededRandom(-1).position, 0xffffffff);
    const r = new SeededRandom(7);
    const seen = new Set<number>([r.position]);
    for (let i = 0; i < 10; i++) {
      r.next();
      seen.add(r.position);
    }
    assert.equal(seen.size, 11, 'a new position after every draw');
    const resumed = new SeededRandom(r.position);
    assert.deepEqual(draws(resumed, 10), draws(r, 10));
  });
});
