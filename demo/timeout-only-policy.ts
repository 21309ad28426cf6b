// The "timeout only" policy: the same client (core, driver, node and routing machines), with a request
// machine that decides like the Go client of the seed (shared/research/PEER-CLIENTS.md, section 1.2):
// - a connection that closes under a call does not fail or re-route it: the Go session drops its
//   pending callers, which block until their context deadline (context.DeadlineExceeded, no refresh);
// - no per-attempt timer: a hung node keeps every call until its deadline;
// - a call whose node is not connected waits for the session until its deadline, then fails with
//   ERR_SESSION_RESET, and only that failure asks meta for a new configuration (never a retry);
// - a route change never moves a call already sent (retries are pinned to the captured session).
// Calls started after a refresh use the new route, as in Go. The demo runs the same scenario with
// this machine and with the real one, so the difference in the report is the policy, nothing else.
import { assign, setup } from 'xstate';
import {
  MACHINES,
  type RefreshScope,
  type RequestEvent,
  type RequestInput,
  type requestMachine,
} from '../machines/index.ts';

interface TimeoutOnlyContext extends RequestInput {
  attempts: number;
  node: string | null;
  unanswered: boolean;
  error: string | null;
  cause: string | null;
  /** the call never got a connected node: it fails as the Go client's session wait does */
  noSession: boolean;
}

const remainingMs = (c: TimeoutOnlyContext) => Math.max(0, c.deadlineMs - c.nowMs);

const timeoutOnlyRequest = setup({
  types: {
    input: {} as RequestInput,
    context: {} as TimeoutOnlyContext,
    events: {} as RequestEvent,
  },
  // The action names the core executes (a subset of the real machine's).
  actions: {
    lookupRoute: () => {},
    sendAttempt: (_, _p: { node: string; timeoutMs: number }) => {},
    forgetAttempt: () => {},
    requestRefresh: () => {},
    settleOk: () => {},
    settleError: (
      _,
      _p: { error: string; cause: string | null; outcomeUnknown: boolean; attempts: number },
    ) => {},
  },
  guards: {
    noSession: ({ context }) => context.noSession,
    needsRefresh: (_, p: { refresh: RefreshScope }) => p.refresh !== 'none',
  },
  delays: {
    deadline: ({ context }) => remainingMs(context),
  },
}).createMachine({
  id: 'request',
  initial: 'active',
  context: ({ input }) => ({
    ...input,
    attempts: 0,
    node: null,
    unanswered: false,
    error: null,
    cause: null,
    noSession: false,
  }),
  states: {
    active: {
      initial: 'resolving',
      after: {
        deadline: [
          {
            // Go: waitUntilSessionReady gives up with ERR_SESSION_RESET, which triggers a config update.
            guard: 'noSession',
            target: 'failed',
            actions: ['requestRefresh', assign({ error: 'ERR_SESSION_RESET' })],
          },
          {
            // Go: the caller's context expired (DeadlineExceeded): no config update.
            target: 'failed',
            actions: [
              'forgetAttempt',
              assign({ cause: ({ context }) => context.error, error: 'ERR_TIMEOUT' }),
            ],
          },
        ],
      },
      on: {
        ABORT: {
          target: 'failed',
          actions: [
            'forgetAttempt',
            assign({ cause: ({ context }) => context.error, error: ({ event }) => event.error }),
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
            ROUTE_MISSING: { target: 'waitingSession' },
          },
        },
        connecting: {
          on: {
            ROUTE_CHANGED: { target: 'resolving' },
            NODE_DOWN: { target: 'waitingSession' },
          },
        },
        // Nothing moves the call any more; the deadline ends it.
        waitingSession: {
          entry: assign({ noSession: true, error: 'ERR_SESSION_RESET' }),
        },
        awaiting: {
          on: {
            REPLY_OK: { target: '#request.succeeded' },
            // Go updates the configuration on most rejections but retries (after >= 1 s of back-off) on
            // the same captured session only: with a deadline of a few seconds, the call waits for it.
            REPLY_ERROR: [
              {
                guard: { type: 'needsRefresh', params: ({ event }) => ({ refresh: event.refresh }) },
                target: 'stranded',
                actions: [
                  'forgetAttempt',
                  'requestRefresh',
                  assign({ error: ({ event }) => event.error, unanswered: false }),
                ],
              },
              {
                target: 'stranded',
                actions: ['forgetAttempt', assign({ error: ({ event }) => event.error, unanswered: false })],
              },
            ],
            NODE_DOWN: { target: 'stranded' },
          },
        },
        // The session died (or rejected the call) and nobody tells the caller: it waits for the deadline.
        stranded: {},
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
          outcomeUnknown: context.unanswered,
          attempts: context.attempts,
        }),
      },
    },
  },
});

/**
 * The machine set for the client's `machines` option. The cast only changes the static type: the
 * core reads machines by their action and state names (both subsets of the real request machine's).
 */
export const TIMEOUT_ONLY_MACHINES = {
  ...MACHINES,
  request: timeoutOnlyRequest as unknown as typeof requestMachine,
};
