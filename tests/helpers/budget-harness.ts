// CoreHarness with an event budget: a mutant that makes the core spin (a zero-delay timer loop, a
// reconnect storm) fails with an error instead of hanging the test run. It also checks the
// simulation's no-wait-after-death invariant at every connection loss.
import type { CoreCommand, CoreEvent, CoreOptionsInput } from '../../core/client/index.ts';
import { NODE_HEALTH } from '../../machines/index.ts';
import { CoreHarness } from './core-harness.ts';

export class BudgetExceeded extends Error {}

export class BudgetHarness extends CoreHarness {
  private fed = 0;
  /** for the connection loss being handled: was the connection live, and who waited on it */
  private loss: { live: boolean; before: Set<number> } | null = null;

  constructor(
    options: CoreOptionsInput,
    private readonly budget = 20_000,
  ) {
    super(options);
  }

  protected override beforeHandle(event: CoreEvent): void {
    if (++this.fed > this.budget) throw new BudgetExceeded(`more than ${this.budget} core events`);
    if (event.type !== 'connectionLost') return;
    // only a loss of a live connection counts (the harness may report a dead one twice), and only
    // calls that waited on it before (due timers run in the same handle and may attach new ones)
    const health = this.core.nodeHealth(event.address);
    const live =
      health === NODE_HEALTH.connecting || health === NODE_HEALTH.ready || health === NODE_HEALTH.suspect;
    this.loss = { live, before: new Set(this.core.callsWaitingOn(event.address)) };
  }

  protected override afterHandle(event: CoreEvent, _commands: readonly CoreCommand[]): void {
    if (event.type !== 'connectionLost' || this.loss === null) return;
    const { live, before } = this.loss;
    this.loss = null;
    const stuck = this.core.callsWaitingOn(event.address).filter((c) => before.has(c));
    if (live && stuck.length > 0)
      throw new Error(`calls ${stuck} still wait on ${event.address} after its loss`);
  }
}
