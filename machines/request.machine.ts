// Lifecycle of one client call, from route lookup to exactly one settle.
// The machine decides; the core executes its named actions and feeds back facts as events.
// Time enters only through events (`nowMs`); every timed state derives its delay from context.
import { assign, setup } from 'xstate';
import type { LeafStateOf, StateNames } from './state-names.ts';

/** How a reply error may be retried (decided by the core's error classification table). */
export type RetryClass = 'never' | 'always' | 'idempotent-only';
export type RefreshScope = 'none' | 'partition' | 'table';

export interface RequestInput {
  /** get, set, del, multi_*, ttl, exist, sortkey_count are idempotent; incr and check_and_* are not */
  idempotent: boolean;
  /**
   * reads may be resent to the same node after an attempt timeout; a write never is: that node
   * is hung (a resend waits just the same) or merely slow (both copies would apply, the second
   * possibly after the caller's next write)
   */
  readOnly: boolean;
  nowMs: number;
  /** absolute deadline on the core's monotonic clock */
  deadlineMs: number;
  /** upper bound of one attempt; the attempt also never outlives the deadline */
  attemptTimeoutMs: number;
  /** first retry back-off; doubles per attempt, capped by retryBackoffCapMs and the deadline */
  retryBackoffMs: number;
  retryBackoffCapMs: number;
}

export interface RequestContext extends RequestInput {
  attempts: number;
  /** node of the current or last attempt */
  node: string | null;
  /** true while the current attempt was written and not answered */
  unanswered: boolean;
  /**
   * an earlier attempt was left without an answer (resent, moved to a new primary, or its node was
   * lost), or was answered with an error that leaves its effect open (ERR_TIMEOUT from the server):
   * it may still take effect, so a failure of this call is an unknown outcome
   */
  abandoned: boolean;
  /** error code the call settles with if it fails now */
  error: string | null;
  /** the error before the final one (e.g. what the call was retrying when its deadline passed) */
  cause: string | null;
  /** routing refresh the last rejection asked for */
  refresh: RefreshScope;
}

export type RequestEvent =
  /** the partition's primary is connected: the attempt can be written now */
  | { type: 'ROUTE_READY'; nowMs: number; node: string }
  /** the primary is known but its connection is being opened */
  | { type: 'ROUTE_CONNECTING'; node: string }
  /** no usable primary (none in the table, route invalidated, or the primary is known down) */
  | { type: 'ROUTE_MISSING' }
  /**
   * routing or node availability changed for this call's partition: look again (`primary`: the node
   * the call's picker names now, the partition's primary unless the call is pinned)
   */
  | { type: 'ROUTE_CHANGED'; nowMs: number; primary: string | null }
  /** the connection this call depends on closed, reset, was refused or broke the protocol */
  | { type: 'NODE_DOWN'; nowMs: number; node: string; reason: string }
  | { type: 'REPLY_OK' }
  /** a backup request of this read (machines/hedge.machine.ts) was answered first, with a value */
  | { type: 'BACKUP_OK' }
  | { type: 'REPLY_ERROR'; nowMs: number; error: string; refresh: RefreshScope; retry: RetryClass }
  /** the call ends: abort signal, client closed, table gone; `unsent`: its attempt could not be written */
  | { type: 'ABORT'; error: string; unsent?: boolean };

const remainingMs = (c: RequestContext) => Math.max(0, c.deadlineMs - c.nowMs);

const requestSetup = setup({
  types: {
    input: {} as RequestInput,
    context: {} as RequestContext,
    events: {} as RequestEvent,
  },
  actions: {
    // Implementations are empty on purpose: the core reads these as commands.
    lookupRoute: () => {},
    sendAttempt: (_, _p: { node: string; timeoutMs: number }) => {},
    /** the pending attempt is abandoned: a late reply must be dropped */
    forgetAttempt: () => {},
    requestRefresh: () => {},
    invalidateRoute: (_, _p: { scope: RefreshScope }) => {},
    markSuspect: (_, _p: { node: string }) => {},
    settleOk: () => {},
    settleError: (
      _,
      _p: { error: string; cause: string | null; outcomeUnknown: boolean; attempts: number },
    ) => {},
  },
  guards: {
    isIdempotent: ({ context }) => context.idempotent,
    isReadOnly: ({ context }) => context.readOnly,
    /** a reply error may be retried for this op, and there is budget left to do it */
    mayRetry: ({ context }, p: { retry: RetryClass; nowMs: number }) =>
      (p.retry === 'always' || (p.retry === 'idempotent-only' && context.idempotent)) &&
      p.nowMs < context.deadlineMs,
    needsRefresh: (_, p: { refresh: RefreshScope }) => p.refresh !== 'none',
    /** an idempotent attempt waits on a node that is no longer the partition's primary */
    movedAway: ({ context }, p: { primary: string | null }) =>
      context.idempotent && p.primary !== context.node,
  },
  delays: {
    deadline: ({ context }) => remainingMs(context),
    attemptTimeout: ({ context }) => Math.max(1, Math.min(context.attemptTimeoutMs, remainingMs(context))),
    retryBackoff: ({ context }) =>
      Math.min(
        context.retryBackoffMs * 2 ** Math.max(0, context.attempts - 1),
        context.retryBackoffCapMs,
        remainingMs(context),
      ),
  },
});

// A reply error is judged the same way whether or not the attempt had already timed out: a
// retryable rejection goes on (after a refresh or a back-off), anything else fails the call.
const replyError = [
  {
    guard: {
      type: 'mayRetry',
      params: ({ event }: { event: Extract<RequestEvent, { type: 'REPLY_ERROR' }> }) => ({
        retry: event.retry,
        nowMs: event.nowMs,
      }),
    },
    target: 'retrying',
    actions: requestSetup.assign({
      error: ({ event }) => (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).error,
      refresh: ({ event }) => (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).refresh,
      unanswered: false,
      abandoned: ({ context, event }) => context.abandoned || mayHaveApplied(event),
      nowMs: ({ event }) => (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).nowMs,
    }),
  },
  {
    target: '#request.failed',
    actions: requestSetup.assign({
      cause: ({ context }) => context.error,
      error: ({ event }) => (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).error,
      unanswered: false,
      abandoned: ({ context, event }) => context.abandoned || mayHaveApplied(event),
    }),
  },
] as const;

// An error whose class is retried only for idempotent calls is one whose request may have been
// applied (a server's own ERR_TIMEOUT: the write timed out while replicating): a failure of the
// call after it is an unknown outcome, as after an unanswered attempt.
function mayHaveApplied(event: RequestEvent): boolean {
  return (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).retry === 'idempotent-only';
}

// The node of the attempt is lost: an idempotent call looks for a route again (nothing waits on a
// dead node); any other call's outcome is now unknown.
const nodeDown = [
  {
    guard: 'isIdempotent',
    target: 'resolving',
    actions: [
      'forgetAttempt',
      requestSetup.assign({ error: 'ERR_SESSION_RESET', unanswered: false, abandoned: true }),
    ],
  },
  {
    target: '#request.failed',
    actions: requestSetup.assign({ cause: ({ context }) => context.error, error: 'ERR_SESSION_RESET' }),
  },
] as const;

// The partition moved: an idempotent attempt goes to the new primary at once.
const routeChanged = {
  guard: {
    type: 'movedAway',
    params: ({ event }: { event: Extract<RequestEvent, { type: 'ROUTE_CHANGED' }> }) => ({
      primary: event.primary,
    }),
  },
  target: 'resolving',
  actions: ['forgetAttempt', requestSetup.assign({ unanswered: false, abandoned: true })],
} as const;

export const requestMachine = requestSetup.createMachine({
  id: 'request',
  initial: 'active',
  // Every field written out in one literal: this runs once per call, and one literal is one compact
  // object (a spread of the input followed by more fields, or Object.assign onto a smaller
  // literal, builds a larger object field by field; on Node 20 the former allocated about 2.7 KB).
  context: ({ input }) => ({
    idempotent: input.idempotent,
    readOnly: input.readOnly,
    nowMs: input.nowMs,
    deadlineMs: input.deadlineMs,
    attemptTimeoutMs: input.attemptTimeoutMs,
    retryBackoffMs: input.retryBackoffMs,
    retryBackoffCapMs: input.retryBackoffCapMs,
    attempts: 0,
    node: null,
    unanswered: false,
    abandoned: false,
    error: null,
    cause: null,
    refresh: 'none' as RefreshScope,
  }),
  states: {
    active: {
      initial: 'resolving',
      // The deadline is in force in every non-final state.
      after: {
        deadline: {
          target: 'failed',
          actions: ['forgetAttempt', assign({ cause: ({ context }) => context.error, error: 'ERR_TIMEOUT' })],
        },
      },
      on: {
        // First reply wins: a backup's value settles the read whatever the primary's path is doing.
        BACKUP_OK: { target: 'succeeded', actions: 'forgetAttempt' },
        ABORT: {
          target: 'failed',
          actions: [
            'forgetAttempt',
            assign({
              cause: ({ context }) => context.error,
              error: ({ event }) => event.error,
              // an attempt that could not be encoded was never written: it cannot have been applied
              unanswered: ({ context, event }) => context.unanswered && event.unsent !== true,
            }),
          ],
        },
      },
      states: {
        resolving: {
          entry: 'lookupRoute',
          on: {
            ROUTE_READY: {
              target: 'awaiting',
              actions: [
                assign({
                  node: ({ event }) => event.node,
                  nowMs: ({ event }) => event.nowMs,
                  attempts: ({ context }) => context.attempts + 1,
                  unanswered: true,
                }),
                {
                  type: 'sendAttempt',
                  params: ({ context, event }) => ({
                    node: event.node,
                    timeoutMs: Math.max(1, context.deadlineMs - event.nowMs),
                  }),
                },
              ],
            },
            ROUTE_CONNECTING: { target: 'connecting', actions: assign({ node: ({ event }) => event.node }) },
            ROUTE_MISSING: { target: 'waitingRoute' },
          },
        },
        waitingRoute: {
          entry: 'requestRefresh',
          on: { ROUTE_CHANGED: { target: 'resolving' } },
        },
        connecting: {
          on: {
            ROUTE_CHANGED: { target: 'resolving' },
            // Nothing was written yet, so even a non-idempotent call may look for another route.
            NODE_DOWN: { target: 'resolving', actions: assign({ error: 'ERR_SESSION_RESET' }) },
          },
        },
        awaiting: {
          after: {
            attemptTimeout: [
              {
                guard: 'isReadOnly',
                target: 'resolving',
                actions: [
                  { type: 'markSuspect', params: ({ context }) => ({ node: context.node ?? '' }) },
                  'forgetAttempt',
                  'requestRefresh',
                  assign({ error: 'ERR_TIMEOUT', unanswered: false, abandoned: true }),
                ],
              },
              {
                // A write may still be applied: keep waiting for its own reply, never resend it to
                // this node (an idempotent one still moves if the partition moves or the node is lost).
                target: 'awaitingLate',
                actions: [
                  { type: 'markSuspect', params: ({ context }) => ({ node: context.node ?? '' }) },
                  'requestRefresh',
                  assign({ error: 'ERR_TIMEOUT' }),
                ],
              },
            ],
          },
          on: {
            REPLY_OK: { target: '#request.succeeded' },
            REPLY_ERROR: replyError,
            NODE_DOWN: nodeDown,
            ROUTE_CHANGED: routeChanged,
          },
        },
        // The attempt timed out and its reply is still awaited; everything else as in awaiting. Each
        // further attempt-timeout period asks for routing again (never resending), so a promotion
        // of another primary is seen and an idempotent write moves to it.
        awaitingLate: {
          after: { attemptTimeout: { target: 'awaitingLate', reenter: true, actions: 'requestRefresh' } },
          on: {
            REPLY_OK: { target: '#request.succeeded' },
            REPLY_ERROR: replyError,
            NODE_DOWN: nodeDown,
            ROUTE_CHANGED: routeChanged,
          },
        },
        // A definite rejection: route again after a refresh, or after a back-off on the same primary.
        retrying: {
          always: [
            {
              guard: { type: 'needsRefresh', params: ({ context }) => ({ refresh: context.refresh }) },
              target: 'waitingRoute',
              actions: [
                'forgetAttempt',
                { type: 'invalidateRoute', params: ({ context }) => ({ scope: context.refresh }) },
              ],
            },
            { target: 'backoff', actions: 'forgetAttempt' },
          ],
        },
        backoff: {
          after: { retryBackoff: { target: 'resolving' } },
        },
      },
    },
    succeeded: { type: 'final', entry: 'settleOk' },
    failed: {
      type: 'final',
      entry: {
        type: 'settleError',
        params: ({ context }) => ({
          error: context.error ?? 'ERR_UNKNOWN',
          cause: context.cause,
          outcomeUnknown: context.unanswered || context.abandoned,
          attempts: context.attempts,
        }),
      },
    },
  },
});

/** The request machine's leaf states; `satisfies` fails to compile when a state is renamed. */
export type RequestState = LeafStateOf<typeof requestMachine>;
export const REQUEST_STATE = {
  resolving: 'resolving',
  waitingRoute: 'waitingRoute',
  connecting: 'connecting',
  awaiting: 'awaiting',
  awaitingLate: 'awaitingLate',
  retrying: 'retrying',
  backoff: 'backoff',
  succeeded: 'succeeded',
  failed: 'failed',
} as const satisfies StateNames<RequestState>;
export type RequestEventType = RequestEvent['type'];
