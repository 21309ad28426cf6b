// The kill suite's scripted checks of the request, node-health, routing and scanner machines
// (tests/fixtures/machines/kill-*.ts), run here on the real machines in the real client core, one
// test each: each states a rule of the client's behaviour (who settles, when, what is sent where, what
// is left behind). tests/client-core.test.ts runs the base checks, tests/client-core-hedge.test.ts the
// hedge checks; properties/machine-mutants.test.ts runs all of them on every machine mutant.
import { describe, it } from 'node:test';
import { MACHINES } from '../machines/index.ts';
import { HEALTH_CHECKS } from './fixtures/machines/kill-health.ts';
import { REQUEST_CHECKS } from './fixtures/machines/kill-request.ts';
import { ROUTING_CHECKS } from './fixtures/machines/kill-routing.ts';
import { SCANNER_CHECKS } from './fixtures/machines/kill-scanner.ts';

describe('client core: request machine rules, on the real machines', () => {
  for (const check of REQUEST_CHECKS) it(check.name, () => check.run(MACHINES));
});

describe('client core: node health rules, on the real machines', () => {
  for (const check of HEALTH_CHECKS) it(check.name, () => check.run(MACHINES));
});

describe('client core: routing rules, on the real machines', () => {
  for (const check of ROUTING_CHECKS) it(check.name, () => check.run(MACHINES));
});

describe('client core: scanner rules, on the real machines', () => {
  for (const check of SCANNER_CHECKS) it(check.name, () => check.run(MACHINES));
});
