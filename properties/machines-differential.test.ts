// Differential property on the client's own machines: the table the core runs (core/executor) is the
// machine definition, not a copy of it.
//
// Property. For M in {request, nodeHealth, routingRefresh}, every input i and every event sequence
// e_1..e_n over M's events (with the payload variants its guards read), timer events fed back for
// pending timers, stale timer events, an event no state handles, and events after 'done':
//   compiled(M) and xstate's transition(M) reach deep-equal value, context and status after every
//   event, and emit the same actions (named actions with resolved params; after-timers as
//   startTimer/cancelTimer) in the same order. (Harness and normalisation: tests/fixtures/machines.)
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EventObject } from 'xstate';
import { nodeHealthMachine, requestMachine, routingRefreshMachine } from '../machines/index.ts';
import { differential, enough } from '../tests/fixtures/machines/differential.ts';

const node = fc.constantFrom('10.0.0.1:1', '10.0.0.2:1');
const now = fc.integer({ min: 0, max: 3000 });
const jitter = fc.double({ min: 0, max: 0.999, noNaN: true });

describe('executor differential on the client machines', () => {
  it('request lifecycle', () => {
    const cov = differential(
      requestMachine,
      fc.record({
        idempotent: fc.boolean(),
        readOnly: fc.boolean(),
        nowMs: fc.integer({ min: 0, max: 100 }),
        deadlineMs: fc.integer({ min: 100, max: 2000 }),
        attemptTimeoutMs: fc.integer({ min: 1, max: 600 }),
        retryBackoffMs: fc.integer({ min: 1, max: 50 }),
        retryBackoffCapMs: fc.integer({ min: 50, max: 300 }),
      }),
      fc.oneof(
        { weight: 6, arbitrary: fc.record({ type: fc.constant('ROUTE_READY'), nowMs: now, node }) },
        { weight: 2, arbitrary: fc.record({ type: fc.constant('ROUTE_CONNECTING'), node }) },
        { weight: 2, arbitrary: fc.constant<EventObject>({ type: 'ROUTE_MISSING' }) },
        {
          weight: 3,
          arbitrary: fc.record({ type: fc.constant('ROUTE_CHANGED'), nowMs: now, primary: fc.option(node) }),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            type: fc.constant('NODE_DOWN'),
            nowMs: now,
            node,
            reason: fc.constant('reset'),
          }),
        },
        { weight: 2, arbitrary: fc.constant<EventObject>({ type: 'REPLY_OK' }) },
        {
          weight: 6,
          arbitrary: fc.record({
            type: fc.constant('REPLY_ERROR'),
            // Half before every generated deadline, so that a retry (and the back-off) is reached
            // often enough for the coverage guard below not to depend on luck.
            nowMs: fc.oneof(fc.integer({ min: 0, max: 99 }), now),
            error: fc.constantFrom('ERR_INVALID_STATE', 'ERR_BUSY', 'ERR_NOT_ENOUGH_MEMBER'),
            refresh: fc.constantFrom('none', 'partition', 'table'),
            retry: fc.constantFrom('never', 'always', 'idempotent-only'),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ type: fc.constant('ABORT'), error: fc.constant('ERR_ABORTED') }),
        },
      ),
      1000,
    );
    enough(cov, 8); // resolving waitingRoute connecting awaiting awaitingLate backoff succeeded failed
  });

  it('node health', () => {
    const cov = differential(
      nodeHealthMachine,
      fc.record({
        address: node,
        connectTimeoutMs: fc.integer({ min: 1, max: 2000 }),
        reconnectBackoffMs: fc.integer({ min: 1, max: 100 }),
        reconnectBackoffCapMs: fc.integer({ min: 100, max: 2000 }),
      }),
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.constantFrom<EventObject>(
            { type: 'CONNECT' },
            { type: 'CONNECTED' },
            { type: 'ATTEMPT_TIMEOUT' },
            { type: 'REPLY_RECEIVED' },
          ),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            type: fc.constant('CONNECTION_LOST'),
            reason: fc.constant('ERR_SESSION_RESET'),
            jitter,
          }),
        },
        { weight: 1, arbitrary: fc.constant<EventObject>({ type: 'SHUTDOWN' }) },
      ),
      1000,
    );
    enough(cov, 6);
  });

  it('routing refresh', () => {
    const cov = differential(
      routingRefreshMachine,
      fc.record({
        pollStartMs: fc.integer({ min: 1, max: 100 }),
        pollCapMs: fc.integer({ min: 100, max: 300 }),
        quietMs: fc.integer({ min: 1, max: 2000 }),
        metaBackoffMs: fc.integer({ min: 1, max: 200 }),
        metaBackoffCapMs: fc.integer({ min: 200, max: 2000 }),
        queryTimeoutMs: fc.integer({ min: 1, max: 2000 }),
        maxForwardHops: fc.integer({ min: 0, max: 3 }),
        metaCount: fc.integer({ min: 1, max: 3 }),
      }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant<EventObject>({ type: 'REFRESH' }) },
        { weight: 3, arbitrary: fc.record({ type: fc.constant('QUERY_OK'), waiting: fc.boolean(), jitter }) },
        { weight: 2, arbitrary: fc.record({ type: fc.constant('QUERY_FORWARDED'), leader: node }) },
        {
          weight: 2,
          arbitrary: fc.record({
            type: fc.constant('QUERY_FAILED'),
            reason: fc.constant('x'),
            answered: fc.boolean(),
            jitter,
          }),
        },
        { weight: 1, arbitrary: fc.record({ type: fc.constant('QUERY_NOT_ACTIVE'), jitter }) },
        { weight: 1, arbitrary: fc.constant<EventObject>({ type: 'SHUTDOWN' }) },
      ),
      1000,
    );
    enough(cov, 6);
  });
});
