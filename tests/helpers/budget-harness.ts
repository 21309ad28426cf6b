// CoreHarness with an event budget: a mutant that makes the core spin (a zero-delay timer loop, a
// reconnect storm) fails with an error instead of hanging the test run. It also checks the
// simulation's no-wait-after-death invariant at every connection loss.
import type { CoreCommand, CoreEvent, CoreOptionsInput } from '../../core/client/index.ts';
import { NODE_HEALTH } from '../../machines/index.ts';
import { CoreHarness } from './core-harness.ts';

export class BudgetExceeded extends Error {}

export class BudgetHarness extends CoreHarness {
  private fed = 0;

  constructor(
    options: CoreOptionsInput,
    private readonly budget = 20_000,
  ) {
    super(options);
  }

  override feed(event: CoreEvent): CoreCommand[] {
    if (++this.fed > this.budget) throw new BudgetExceeded(`more than ${this.budget} core events`);
    if (event.type !== 'connectionLost') return super.feed(event);
    // only a loss of a live connection counts (the harness may report a dead one twice), and only
    // calls that waited on it before (due timers run in the same handle and may attach new ones)
    const health = this.core.nodeHealth(event.address);
    const live =
      health === NODE_HEALTH.connecting || health === NODE_HEALTH.ready || health === NODE_HEALTH.suspect;
    const before = new Set(this.core.callsWaitingOn(event.address));
    const out = super.feed(event);
    const stuck = this.core.callsWaitingOn(event.address).filter((c) => before.has(c));
    if (live && stuck.length > 0)
      throw new Error(`calls ${stuck} still wait on ${event.address} after its loss`);
    return out;
  }
}
