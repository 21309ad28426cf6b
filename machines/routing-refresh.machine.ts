// Routing refresh for one table, and the meta-leader following that each query needs.
// Single flight: at most one query_cfg in flight per table. While calls wait for a partition that has
// no usable primary, meta is polled on a jittered schedule that starts within tens of ms and never
// exceeds the poll cap; with nobody waiting, refreshes are spaced further apart.
import { assign, setup } from 'xstate';

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
}

export interface RoutingRefreshContext extends RoutingRefreshInput {
  polls: number;
  failures: number;
  hops: number;
  /** a refresh was asked for while a query was in flight or during the quiet period */
  again: boolean;
  jitter: number;
}

export type RoutingRefreshEvent =
  /** `waiting`: a call is blocked until this refresh brings a usable primary */
  | { type: 'REFRESH'; waiting: boolean }
  /** meta answered; `waiting`: calls are still blocked after applying the answer */
  | { type: 'QUERY_OK'; waiting: boolean; jitter: number }
  /** a follower named the leader (the core has switched to it) */
  | { type: 'QUERY_FORWARDED'; leader: string }
  /** timeout, connection failure, a follower that knows no leader, or a malformed answer */
  | { type: 'QUERY_FAILED'; reason: string; jitter: number }
  /** the leader is not ready yet (ERR_SERVICE_NOT_ACTIVE, ERR_UNDER_RECOVERY) */
  | { type: 'QUERY_NOT_ACTIVE'; jitter: number }
  | { type: 'SHUTDOWN' };

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
    notifyRefresh: (_, _p: { phase: string }) => {},
  },
  guards: {
    stillWaiting: (_, p: { waiting: boolean }) => p.waiting,
    askedAgain: ({ context }) => context.again,
    mayFollow: ({ context }) => context.hops < context.maxForwardHops,
  },
  delays: {
    queryTimeout: ({ context }) => context.queryTimeoutMs,
    pollDelay: ({ context }) =>
      Math.min(
        context.pollCapMs,
        Math.round(context.pollStartMs * 2 ** Math.max(0, context.polls - 1) * (0.8 + 0.4 * context.jitter)),
      ),
    quiet: ({ context }) => context.quietMs,
    metaBackoff: ({ context }) =>
      Math.round(
        Math.min(context.metaBackoffMs * 2 ** Math.max(0, context.failures - 1), context.metaBackoffCapMs) *
          (0.75 + 0.5 * context.jitter),
      ),
  },
}).createMachine({
  id: 'routing',
  initial: 'idle',
  context: ({ input }) => ({ ...input, polls: 0, failures: 0, hops: 0, again: false, jitter: 0 }),
  on: { SHUTDOWN: { target: '.closed', actions: 'abandonQuery' } },
  states: {
    idle: {
      on: { REFRESH: { target: 'querying' } },
    },
    querying: {
      entry: ['sendQuery', { type: 'notifyRefresh', params: { phase: 'query' } }],
      after: {
        queryTimeout: {
          target: 'backoff',
          actions: [
            'abandonQuery',
            'rotateMeta',
            assign({ failures: ({ context }) => context.failures + 1, jitter: 0.5 }),
          ],
        },
      },
      on: {
        REFRESH: { actions: assign({ again: true }) },
        QUERY_OK: [
          {
            guard: { type: 'stillWaiting', params: ({ event }) => ({ waiting: event.waiting }) },
            target: 'polling',
            actions: assign({
              polls: ({ context }) => context.polls + 1,
              failures: 0,
              hops: 0,
              again: false,
              jitter: ({ event }) => event.jitter,
            }),
          },
          { target: 'quiet', actions: assign({ polls: 0, failures: 0, hops: 0, again: false }) },
        ],
        QUERY_FORWARDED: [
          {
            guard: 'mayFollow',
            target: 'querying',
            reenter: true,
            actions: [
              { type: 'followLeader', params: ({ event }) => ({ leader: event.leader }) },
              assign({ hops: ({ context }) => context.hops + 1 }),
            ],
          },
          {
            target: 'backoff',
            actions: [
              'rotateMeta',
              assign({ failures: ({ context }) => context.failures + 1, hops: 0, jitter: 0.5 }),
            ],
          },
        ],
        QUERY_FAILED: {
          target: 'backoff',
          actions: [
            'rotateMeta',
            assign({
              failures: ({ context }) => context.failures + 1,
              hops: 0,
              jitter: ({ event }) => event.jitter,
            }),
          ],
        },
        QUERY_NOT_ACTIVE: {
          // Same meta: it is the leader, only not ready yet.
          target: 'backoff',
          actions: assign({
            failures: ({ context }) => context.failures + 1,
            hops: 0,
            jitter: ({ event }) => event.jitter,
          }),
        },
      },
    },
    polling: {
      entry: { type: 'notifyRefresh', params: { phase: 'poll' } },
      after: { pollDelay: { target: 'querying' } },
    },
    // Nobody is waiting: a new request for a refresh is remembered and served after the quiet period,
    // unless a call is blocked on it, which starts the poll schedule at once.
    quiet: {
      after: {
        quiet: [
          { guard: 'askedAgain', target: 'querying', actions: assign({ again: false }) },
          { target: 'idle' },
        ],
      },
      on: {
        REFRESH: [
          {
            guard: { type: 'stillWaiting', params: ({ event }) => ({ waiting: event.waiting }) },
            target: 'polling',
            actions: assign({ polls: 1, jitter: 0.5 }),
          },
          { actions: assign({ again: true }) },
        ],
      },
    },
    backoff: {
      entry: { type: 'notifyRefresh', params: { phase: 'backoff' } },
      after: { metaBackoff: { target: 'querying' } },
    },
    closed: { type: 'final' },
  },
});
