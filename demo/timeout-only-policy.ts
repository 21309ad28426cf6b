// The "timeout only" policy: the same client (core, driver, node and routing machines), with a request
// machine that decides like the Go client of the seed (its session and retry handling):
// - a connection that closes under a call does not fail or re-route it: the Go session drops its
//   pending callers, which block until their context deadline (context.DeadlineExceeded, no refresh);
// - no per-attempt timer: a hung node keeps every call until its deadline;
// - a call whose node is not connected waits for the session until its deadline, then fails with
//   ERR_SESSION_RESET, and only that failure asks meta for a new configuration (never a retry);
// - a route change never moves a call already sent (retries are pinned to the captured session).
// Calls started after a refresh use the new route, as in Go.
//
// The machine is not a copy: it is the real request machine's definition with exactly those
// decisions replaced (timeoutOnly() below), so everything else (route lookup, the attempt and its
// header budget, the deadline, abort, settling) is the real machine's and cannot drift from it. The
// demo runs the same scenario with this machine and with the real one, so the difference in the
// report is the policy, nothing else.
import { type AnyStateMachine, assign, createMachine } from 'xstate';
import { MACHINES, type RequestEvent, requestMachine } from '../machines/index.ts';
import type { RequestContext } from '../machines/request.machine.ts';

type Config = Record<string, unknown>;
type StateConfig = Config & { states: Record<string, StateConfig>; on: Config; after: Config };
type Context = RequestContext & { noSession: boolean };
type Args = { context: Context; event: RequestEvent };

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** the real request machine, with the Go client's session and retry decisions in place of ours */
export function timeoutOnly(real: typeof requestMachine): AnyStateMachine {
  const root = real.config as unknown as StateConfig;
  const active = stateOf(root, 'active');
  const resolving = stateOf(active, 'resolving');
  const connecting = stateOf(active, 'connecting');
  const awaiting = stateOf(active, 'awaiting');
  const realContext = root.context as (args: unknown) => Config;
  const config = {
    ...root,
    // the call never got a connected node: it fails as the Go client's session wait does
    context: (args: unknown) => ({ ...realContext(args), noSession: false }),
    states: {
      ...root.states,
      active: {
        ...active,
        after: {
          deadline: [
            {
              // Go: waitUntilSessionReady gives up with ERR_SESSION_RESET, which triggers a config update
              guard: 'noSession',
              target: 'failed',
              actions: ['requestRefresh', assign({ error: 'ERR_SESSION_RESET' })],
            },
            // Go: the caller's context expired (DeadlineExceeded): no config update (the real branch)
            ...asArray(active.after.deadline),
          ],
        },
        states: {
          // as the real one, but no route means waiting for a session, not for meta
          resolving: { ...resolving, on: { ...resolving.on, ROUTE_MISSING: { target: 'waitingSession' } } },
          connecting: {
            on: { ROUTE_CHANGED: connecting.on.ROUTE_CHANGED, NODE_DOWN: { target: 'waitingSession' } },
          },
          // Nothing moves the call any more; the deadline ends it.
          waitingSession: { entry: assign({ noSession: true, error: 'ERR_SESSION_RESET' }) },
          // No attempt timeout, no move on a route change, nothing re-routed when the node is lost.
          awaiting: {
            on: {
              REPLY_OK: awaiting.on.REPLY_OK,
              // Go updates the configuration on most rejections but retries (after >= 1 s of back-off)
              // on the same captured session only: with a deadline of a few seconds, the call waits.
              REPLY_ERROR: [
                {
                  guard: {
                    type: 'needsRefresh',
                    params: ({ event }: Args) => ({
                      refresh: (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).refresh,
                    }),
                  },
                  target: 'stranded',
                  actions: [
                    'forgetAttempt',
                    'requestRefresh',
                    assign<Context, RequestEvent, undefined, RequestEvent, never>({
                      error: ({ event }) => replyError(event),
                      unanswered: false,
                    }),
                  ],
                },
                {
                  target: 'stranded',
                  actions: [
                    'forgetAttempt',
                    assign<Context, RequestEvent, undefined, RequestEvent, never>({
                      error: ({ event }) => replyError(event),
                      unanswered: false,
                    }),
                  ],
                },
              ],
              NODE_DOWN: { target: 'stranded' },
            },
          },
          // The session died (or rejected the call) and nobody tells the caller: it waits for the deadline.
          stranded: {},
        },
      },
    },
  };
  const impl = real.implementations;
  return createMachine(
    config as never,
    {
      ...impl,
      guards: { ...impl.guards, noSession: ({ context }: Args) => context.noSession },
    } as never,
  ) as unknown as AnyStateMachine;
}

function stateOf(parent: StateConfig, key: string): StateConfig {
  const state = parent.states[key];
  if (state === undefined) throw new Error(`timeout-only policy: the request machine has no state '${key}'`);
  return state;
}

function replyError(event: RequestEvent): string {
  return (event as Extract<RequestEvent, { type: 'REPLY_ERROR' }>).error;
}

/**
 * The machine set for the client's `machines` option. The cast only changes the static type: the
 * core reads machines by their action and state names (the real request machine's, plus the two
 * states this policy adds).
 */
export const TIMEOUT_ONLY_MACHINES = {
  ...MACHINES,
  request: timeoutOnly(requestMachine) as unknown as typeof requestMachine,
};
