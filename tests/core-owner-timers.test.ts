// An owner's list of live timers: dropping one keeps every other (the last takes the dropped one's
// place, no order kept), and timerOf finds each by id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropTimer, type Instance, type TimerPayload, timerOf } from '../core/client/core-state.ts';
import type { TimerEntry } from '../core/client/timer-queue.ts';

const entry = (id: string): TimerEntry<TimerPayload> => ({
  dueMs: 0,
  seq: 0,
  cancelled: false,
  payload: { owner: null as never, id, event: { type: id } },
});

describe('owner timers', () => {
  for (const drop of ['a', 'b', 'c', 'd']) {
    it(`dropping ${drop} of a, b, c, d keeps the other three`, () => {
      const entries = ['a', 'b', 'c', 'd'].map(entry);
      const owner = { timers: [...entries] } as unknown as Instance;
      dropTimer(owner, entries.find((e) => (e.payload as { id: string }).id === drop)!);
      const left = owner.timers.map((e) => (e.payload as { id: string }).id).sort();
      assert.deepEqual(
        left,
        ['a', 'b', 'c', 'd'].filter((x) => x !== drop),
      );
      for (const id of left) assert.equal((timerOf(owner, id)!.payload as { id: string }).id, id);
      assert.equal(timerOf(owner, drop), undefined);
    });
  }

  it('dropping an entry the owner does not hold changes nothing', () => {
    const owner = { timers: ['a', 'b'].map(entry) } as unknown as Instance;
    dropTimer(owner, entry('z'));
    assert.deepEqual(
      owner.timers.map((e) => (e.payload as { id: string }).id),
      ['a', 'b'],
    );
  });
});
