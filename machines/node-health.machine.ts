// Health of one server address (replica or meta) as the client sees it.
// One connection per address; a closed, reset or refused connection means down at once, and down
// means nobody waits: the core fails or re-routes every call pending on the node in the same step.
import { assign, setup } from 'xstate';
import type { LeafStateOf, StateNames } from './state-names.ts';

export interface NodeHealthInput {
  address: string;
  connectTimeoutMs: number;
  reconnectBackoffMs: number;
  /** cap of the reconnect back-off (about 1 s, so a restarted node is found quickly) */
  reconnectBackoffCapMs: number;
}

export interface NodeHealthContext extends NodeHealthInput {
  /** consecutive failed connections; reset once a connection opens */
  failures: number;
  /** seeded random draw in [0, 1) supplied with the failure event, spreads reconnects */
  jitter: number;
}

export type NodeHealthEvent =
  /** a call needs this node and it is not connected */
  | { type: 'CONNECT' }
  | { type: 'CONNECTED' }
  /** closed by the peer, reset, refused, or closed by us after a protocol error */
  | { type: 'CONNECTION_LOST'; reason: string; jitter: number }
  /** an attempt to this node got no reply within its attempt timeout */
  | { type: 'ATTEMPT_TIMEOUT' }
  /** any reply arrived (sent by the core only while the node is suspect) */
  | { type: 'REPLY_RECEIVED' }
  | { type: 'SHUTDOWN' };

export const nodeHealthMachine = setup({
  types: {
    input: {} as NodeHealthInput,
    context: {} as NodeHealthContext,
    events: {} as NodeHealthEvent,
  },
  actions: {
    openConnection: (_, _p: { address: string }) => {},
    closeConnection: (_, _p: { address: string }) => {},
    /** every call pending on this node is re-routed or failed now */
    failPending: (_, _p: { address: string; reason: string }) => {},
    /** calls waiting for this node may route to it again */
    nodeUsable: (_, _p: { address: string }) => {},
    notifyHealth: (_, _p: { address: string; health: string }) => {},
  },
  delays: {
    connectTimeout: ({ context }) => context.connectTimeoutMs,
    reconnectBackoff: ({ context }) =>
      Math.round(
        Math.min(
          context.reconnectBackoffMs * 2 ** Math.max(0, context.failures - 1),
          context.reconnectBackoffCapMs,
        ) *
          (0.75 + 0.5 * context.jitter),
      ),
  },
}).createMachine({
  id: 'node',
  initial: 'idle',
  context: ({ input }) => ({ ...input, failures: 0, jitter: 0 }),
  on: {
    SHUTDOWN: {
      target: '.closed',
      actions: [
        { type: 'closeConnection', params: ({ context }) => ({ address: context.address }) },
        {
          type: 'failPending',
          params: ({ context }) => ({ address: context.address, reason: 'ERR_CLIENT_CLOSED' }),
        },
      ],
    },
  },
  states: {
    idle: {
      entry: {
        type: 'notifyHealth',
        params: ({ context }) => ({ address: context.address, health: 'idle' }),
      },
      on: { CONNECT: { target: 'open' } },
    },
    // A connection exists (opening or open). Losing it, whatever its phase, means down at once.
    open: {
      initial: 'connecting',
      on: {
        CONNECTION_LOST: {
          target: 'down',
          actions: [
            assign({ jitter: ({ event }) => event.jitter }),
            {
              type: 'failPending',
              params: ({ context, event }) => ({ address: context.address, reason: event.reason }),
            },
          ],
        },
      },
      states: {
        connecting: {
          entry: [
            { type: 'openConnection', params: ({ context }) => ({ address: context.address }) },
            {
              type: 'notifyHealth',
              params: ({ context }) => ({ address: context.address, health: 'connecting' }),
            },
          ],
          after: {
            // A connect that neither opens nor fails (packets dropped) is a failure too.
            connectTimeout: {
              target: '#node.down',
              actions: [
                { type: 'closeConnection', params: ({ context }) => ({ address: context.address }) },
                assign({ jitter: 0.5 }),
                {
                  type: 'failPending',
                  params: ({ context }) => ({ address: context.address, reason: 'ERR_CONNECT_TIMEOUT' }),
                },
              ],
            },
          },
          on: { CONNECTED: { target: 'ready', actions: assign({ failures: 0 }) } },
        },
        ready: {
          entry: [
            {
              type: 'notifyHealth',
              params: ({ context }) => ({ address: context.address, health: 'ready' }),
            },
            { type: 'nodeUsable', params: ({ context }) => ({ address: context.address }) },
          ],
          on: { ATTEMPT_TIMEOUT: { target: 'suspect' } },
        },
        // Connected but an attempt went unanswered: possibly hung. Routing is refreshed by the call
        // that timed out; the node stays usable because meta may still name it primary.
        suspect: {
          entry: {
            type: 'notifyHealth',
            params: ({ context }) => ({ address: context.address, health: 'suspect' }),
          },
          on: { REPLY_RECEIVED: { target: 'ready' } },
        },
      },
    },
    down: {
      entry: [
        assign({ failures: ({ context }) => context.failures + 1 }),
        { type: 'notifyHealth', params: ({ context }) => ({ address: context.address, health: 'down' }) },
      ],
      // Reconnection is on demand: after the back-off the node is merely eligible again.
      after: {
        reconnectBackoff: {
          target: 'idle',
          actions: { type: 'nodeUsable', params: ({ context }) => ({ address: context.address }) },
        },
      },
    },
    closed: { type: 'final' },
  },
});

/** The node-health machine's leaf states; `satisfies` fails to compile when a state is renamed. */
export type NodeHealthState = LeafStateOf<typeof nodeHealthMachine>;
export const NODE_HEALTH = {
  idle: 'idle',
  connecting: 'connecting',
  ready: 'ready',
  suspect: 'suspect',
  down: 'down',
  closed: 'closed',
} as const satisfies StateNames<NodeHealthState>;
export type NodeHealthEventType = NodeHealthEvent['type'];
