// Routing refresh for one table, and the meta-leader following that each query needs.
// Single flight: at most one query_cfg in flight per table. The first refresh after a quiet period
// goes out at once; while calls keep needing one (waiting for a primary, or timing out), meta is
// polled on a jittered schedule that starts within tens of ms and grows to the poll cap, so a
// promotion is seen within the cap and the rate stays near 1000 / pollCapMs per second. Once an
// answer leaves nobody waiting, the schedule only resets after a full quiet period. When as many
// queries in a row as there are metas go unanswered, every meta was tried: the opens waiting on the
// table are given up with what each meta said, while the refresh itself goes on backing off (calls
// on an opened table keep their deadlines).
// When meta says the table does not exist (dropped, or being dropped or created), the cached routes
// are forgotten and every call and open of the table fails at once; that verdict is trusted for
// pollCapMs only (state `gone`), so a table created again under the same name is found by the next
// call after it, from its new configuration (docs/PROTOCOL.md 7.5, 8).
import { assign, setup } from 'xstate';
import type { LeafStateOf, StateNames } from './state-names.ts';

export interface RoutingRefreshInput {
  /** first poll delay while calls wait for a primary */
  pollStartMs: number;
  /** the poll delay never exceeds this (a promotion is seen within it) */
  pollCapMs: number;
  /** minimum spacing of refreshes nobody is waiting for */
  quietMs: number;
  metaBackoffMs: number;
  metaBackoffCapMs: number;
  queryTimeoutMs: number;
  /** how many ERR_FORWARD_TO_OTHERS hops one query may follow before backing off */
  maxForwardHops: number;
  /**
   * how many meta servers there are: after this many queries in a row went unanswered (refused,
   * unreachable, timed out), every meta was tried and the pending opens are given up
   */
  metaCount: number;
}

export interface RoutingRefreshContext extends RoutingRefreshInput {
  /** queries since the last quiet period ended: drives the growing spacing of polls and back-offs */
  polls: number;
  failures: number;
  /** the code calls fail with while the table is known gone */
  goneCode: string;
  hops: number;
  jitter: number;
  /** queries in a row that no meta answered (any answer resets it) */
  unanswered: number;
}

export type RoutingRefreshEvent =
  /** a call needs fresher routing (it is blocked, or its attempt timed out or was rejected) */
  | { type: 'REFRESH' }
  /** meta answered; `waiting`: calls are still blocked after applying the answer */
  | { type: 'QUERY_OK'; waiting: boolean; jitter: number }
  /** a follower named the leader (the core has switched to it) */
  | { type: 'QUERY_FORWARDED'; leader: string }
  /**
   * timeout, connection failure, a follower that knows no leader, or a malformed answer;
   * `answered`: the meta replied (with an error), so it is reachable
   */
  | { type: 'QUERY_FAILED'; reason: string; answered: boolean; jitter: number }
  /** the leader is not ready yet (ERR_SERVICE_NOT_ACTIVE, ERR_UNDER_RECOVERY) */
  | { type: 'QUERY_NOT_ACTIVE'; jitter: number }
  /**
   * meta answered that the table does not exist (`code` ERR_APP_NOT_EXIST), or is being dropped or
   * created (ERR_BUSY_DROPPING, ERR_BUSY_CREATING)
   */
  | { type: 'TABLE_GONE'; code: string }
  | { type: 'SHUTDOWN' };

/**
 * The spacing before the next query: pollStartMs doubling per query since the last quiet period, up
 * to pollCapMs. Jitter only lengthens it (by up to 25 %), so the cap and the rate bound hold exactly:
 * at most 1 + ceil(log2(cap/start)) + (1000 - ...)/cap queries in any second (6 with the defaults).
 */
function pollDelayMs(c: RoutingRefreshContext): number {
  return Math.min(
    c.pollCapMs,
    Math.round(c.pollStartMs * 2 ** Math.max(0, c.polls - 1) * (1 + 0.25 * c.jitter)),
  );
}

export const routingRefreshMachine = setup({
  types: {
    input: {} as RoutingRefreshInput,
    context: {} as RoutingRefreshContext,
    events: {} as RoutingRefreshEvent,
  },
  actions: {
    sendQuery: () => {},
    /** the query in flight is abandoned: its answer, if any, is dropped */
    abandonQuery: () => {},
    followLeader: (_, _p: { leader: string }) => {},
    rotateMeta: () => {},
    /** the meta just queried did not answer: remember what it said (the cause of a give-up) */
    noteMetaFailure: (_, _p: { reason: string }) => {},
    /** a full round over every meta went unanswered: the pending opens fail now, not at their deadline */
    giveUpOpens: () => {},
    notifyRefresh: (_, _p: { phase: string }) => {},
    /** the cached routes are discarded (ballots too): the next answer is taken as a first one */
    forgetRoutes: () => {},
    /** every call and open of the table settles at once with `code` */
    failCalls: (_, _p: { code: string }) => {},
  },
  guards: {
    stillWaiting: (_, p: { waiting: boolean }) => p.waiting,
    mayFollow: ({ context }) => context.hops < context.maxForwardHops,
    /** this failure completes a round in which no meta answered */
    roundUnanswered: ({ context }, p: { answered: boolean }) =>
      !p.answered && context.unanswered + 1 >= context.metaCount,
  },
  delays: {
    queryTimeout: ({ context }) => context.queryTimeoutMs,
    pollDelay: ({ context }) => pollDelayMs(context),
    quiet: ({ context }) => context.quietMs,
    /** how long a "table gone" verdict is trusted: as long as a promotion may go unseen */
    goneFor: ({ context }) => context.pollCapMs,
    // Never shorter than the poll schedule: polls and back-offs share one growing spacing, so mixing
    // failures with answers cannot restart the rate at its fastest.
    metaBackoff: ({ context }) =>
      Math.max(
        pollDelayMs(context),
        Math.round(
          Math.min(context.metaBackoffMs * 2 ** Math.max(0, context.failures - 1), context.metaBackoffCapMs) *
            (1 + 0.25 * context.jitter),
        ),
      ),
  },
}).createMachine({
  id: 'routing',
  initial: 'idle',
  context: ({ input }) => ({
    ...input,
    polls: 0,
    failures: 0,
    hops: 0,
    jitter: 0,
    unanswered: 0,
    goneCode: '',
  }),
  on: { SHUTDOWN: { target: '.closed', actions: 'abandonQuery' } },
  states: {
    idle: {
      on: { REFRESH: { target: 'querying' } },
    },
    querying: {
      // Every query, whatever led to it, advances the shared spacing schedule.
      entry: [
        assign({ polls: ({ context }) => context.polls + 1 }),
        'sendQuery',
        { type: 'notifyRefresh', params: { phase: 'query' } },
      ],
      after: {
        queryTimeout: [
          {
            guard: { type: 'roundUnanswered', params: { answered: false } },
            target: 'backoff',
            actions: [
              'abandonQuery',
              { type: 'noteMetaFailure', params: { reason: 'ERR_TIMEOUT' } },
              'giveUpOpens',
              'rotateMeta',
              assign({ failures: ({ context }) => context.failures + 1, jitter: 0.5, unanswered: 0 }),
            ],
          },
          {
            target: 'backoff',
            actions: [
              'abandonQuery',
              { type: 'noteMetaFailure', params: { reason: 'ERR_TIMEOUT' } },
              'rotateMeta',
              assign({
                failures: ({ context }) => context.failures + 1,
                jitter: 0.5,
                unanswered: ({ context }) => context.unanswered + 1,
              }),
            ],
          },
        ],
      },
      on: {
        // REFRESH while querying is absorbed: the answer in flight is judged by QUERY_OK.waiting.
        QUERY_OK: [
          {
            guard: { type: 'stillWaiting', params: ({ event }) => ({ waiting: event.waiting }) },
            target: 'polling',
            actions: assign({ failures: 0, hops: 0, unanswered: 0, jitter: ({ event }) => event.jitter }),
          },
          {
            target: 'quiet',
            actions: assign({ failures: 0, hops: 0, unanswered: 0, jitter: ({ event }) => event.jitter }),
          },
        ],
        QUERY_FORWARDED: [
          {
            guard: 'mayFollow',
            target: 'querying',
            reenter: true,
            actions: [
              { type: 'followLeader', params: ({ event }) => ({ leader: event.leader }) },
              assign({ hops: ({ context }) => context.hops + 1, unanswered: 0 }),
            ],
          },
          {
            target: 'backoff',
            actions: [
              'rotateMeta',
              assign({
                failures: ({ context }) => context.failures + 1,
                hops: 0,
                jitter: 0.5,
                unanswered: 0,
              }),
            ],
          },
        ],
        QUERY_FAILED: [
          {
            guard: { type: 'roundUnanswered', params: ({ event }) => ({ answered: event.answered }) },
            target: 'backoff',
            actions: [
              { type: 'noteMetaFailure', params: ({ event }) => ({ reason: event.reason }) },
              'giveUpOpens',
              'rotateMeta',
              assign({
                failures: ({ context }) => context.failures + 1,
                hops: 0,
                jitter: ({ event }) => event.jitter,
                unanswered: 0,
              }),
            ],
          },
          {
            target: 'backoff',
            actions: [
              { type: 'noteMetaFailure', params: ({ event }) => ({ reason: event.reason }) },
              'rotateMeta',
              assign({
                failures: ({ context }) => context.failures + 1,
                hops: 0,
                jitter: ({ event }) => event.jitter,
                // a meta that replied, even with an error, is reachable: the round starts again
                unanswered: ({ context, event }) => (event.answered ? 0 : context.unanswered + 1),
              }),
            ],
          },
        ],
        TABLE_GONE: {
          target: 'gone',
          actions: [
            assign({ failures: 0, hops: 0, unanswered: 0, goneCode: ({ event }) => event.code }),
            'forgetRoutes',
            { type: 'failCalls', params: ({ event }) => ({ code: event.code }) },
          ],
        },
        QUERY_NOT_ACTIVE: {
          // Same meta: it is the leader, only not ready yet.
          target: 'backoff',
          actions: assign({
            failures: ({ context }) => context.failures + 1,
            hops: 0,
            unanswered: 0,
            jitter: ({ event }) => event.jitter,
          }),
        },
      },
    },
    polling: {
      entry: { type: 'notifyRefresh', params: { phase: 'poll' } },
      after: { pollDelay: { target: 'querying' } },
    },
    // Nobody is waiting. Another refresh continues the growing poll schedule; a full quiet period
    // resets it.
    quiet: {
      after: { quiet: { target: 'idle', actions: assign({ polls: 0 }) } },
      on: { REFRESH: { target: 'polling' } },
    },
    backoff: {
      entry: { type: 'notifyRefresh', params: { phase: 'backoff' } },
      after: { metaBackoff: { target: 'querying' } },
    },
    // Meta said the table is gone. A call or open arriving now fails at once without asking meta
    // again; after pollCapMs the verdict is stale and the next refresh asks meta at once.
    gone: {
      entry: { type: 'notifyRefresh', params: { phase: 'gone' } },
      after: { goneFor: { target: 'idle', actions: assign({ polls: 0 }) } },
      on: {
        REFRESH: {
          actions: { type: 'failCalls', params: ({ context }) => ({ code: context.goneCode }) },
        },
      },
    },
    closed: { type: 'final' },
  },
});

/** The routing-refresh machine's leaf states; `satisfies` fails to compile when a state is renamed. */
export type RoutingRefreshState = LeafStateOf<typeof routingRefreshMachine>;
export const ROUTING_STATE = {
  idle: 'idle',
  querying: 'querying',
  polling: 'polling',
  quiet: 'quiet',
  backoff: 'backoff',
  gone: 'gone',
  closed: 'closed',
} as const satisfies StateNames<RoutingRefreshState>;
export type RoutingRefreshEventType = RoutingRefreshEvent['type'];
