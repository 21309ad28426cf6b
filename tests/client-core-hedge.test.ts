// Hedged reads in the client core (scripted servers, virtual time): the hedge kill checks on the
// real machines. Each check states its rule in its name.
import { describe, it } from 'node:test';
import { MACHINES } from '../machines/index.ts';
import { HEDGE_CHECKS } from './fixtures/machines/kill-hedge.ts';

describe('client core: backup requests of hedged reads', () => {
  for (const check of HEDGE_CHECKS) it(check.name, () => check.run(MACHINES));
});
