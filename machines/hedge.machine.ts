// Backup requests of one hedged read (header v1 is_backup_request, docs/PROTOCOL.md 2.2 and 10.1):
// whether, when and where the same read also goes to one secondary while the request machine keeps
// serving it from the primary. The first reply wins (the request machine takes BACKUP_OK from any active
// state); this machine sends at most one backup per read and forgets it when the call ends.
// Time enters only through events; the delays derive from context.
import { assign, setup } from 'xstate';
import type { LeafStateOf, StateNames } from './state-names.ts';

export interface HedgeInput {
  /** ms without a reply before the backup goes out; null: only on suspicion */
  delayMs: number | null;
  /** while the primary is suspect or not connected, the backup goes out at once */
  onSuspect: boolean;
  /** a backup left unanswered this long is given up (a throttling secondary never replies) */
  attemptTimeoutMs: number;
  /** the call's deadline (absolute), for the budget the backup's header carries */
  deadlineMs: number;
}

export interface HedgeContext extends HedgeInput {
  /** the secondary chosen for the backup */
  node: string | null;
  /** the primary whose unanswered attempt is watched after the backup won */
  primary: string | null;
  /** how much longer that attempt has before its attempt timeout */
  probeMs: number;
}

export type HedgeEvent =
  /** how the call's primary is now: usable = connected and not suspect (answer to checkPrimary, and on every change) */
  | { type: 'PRIMARY'; usable: boolean }
  /** a secondary is connected: the backup can be written now */
  | { type: 'BACKUP_READY'; nowMs: number; node: string }
  /** no secondary is connected now (the core asked one to connect, if any can) */
  | { type: 'NO_BACKUP' }
  /** the backup was answered with an error: the primary's path goes on alone */
  | { type: 'BACKUP_ERROR'; error: string }
  /** the backup's connection (or, while probing, the primary's) was lost */
  | { type: 'BACKUP_LOST' }
  /**
   * the backup's value settles the call; the primary's attempt of that read, if still unanswered,
   * has `probeMs` left of its attempt timeout (0: nothing to watch)
   */
  | { type: 'BACKUP_WON'; primary: string; probeMs: number }
  /** the watched primary attempt was answered after all (late: its value is dropped) */
  | { type: 'PROBE_ANSWERED' }
  /** the call settled (either way): nothing more to do */
  | { type: 'CALL_DONE' };

const usableOf = ({ event }: { event: Extract<HedgeEvent, { type: 'PRIMARY' }> }) => ({
  usable: event.usable,
});

export const hedgeMachine = setup({
  types: {
    input: {} as HedgeInput,
    context: {} as HedgeContext,
    events: {} as HedgeEvent,
  },
  actions: {
    // Implementations are empty on purpose: the core reads these as commands.
    /** answer with PRIMARY: is the call's primary usable now */
    checkPrimary: () => {},
    /** choose a connected secondary (not the primary), answered by BACKUP_READY or NO_BACKUP */
    pickSecondary: () => {},
    /** write the read to `node` with is_backup_request */
    sendBackup: (_, _p: { node: string; timeoutMs: number }) => {},
    /** the backup is abandoned: a late reply is dropped, no pending entry is left */
    forgetBackup: (_, _p: { outcome: string }) => {},
    /** a node (the secondary, or the watched primary) did not answer within the attempt timeout */
    markSuspect: (_, _p: { node: string }) => {},
    /** keep the primary's unanswered attempt registered (its reply is dropped, but tells its health) */
    adoptProbe: () => {},
  },
  guards: {
    /** hedging on suspicion, and the primary is suspect, not connected, or absent */
    suspectPrimary: ({ context }, p: { usable: boolean }) => context.onSuspect && !p.usable,
    hasDelay: ({ context }) => context.delayMs !== null,
    /** the primary is suspect, not connected, or the partition has none */
    primaryLost: (_, p: { usable: boolean }) => !p.usable,
    /** the primary's attempt is still unanswered and within its attempt timeout */
    probing: (_, p: { probeMs: number }) => p.probeMs > 0,
  },
  delays: {
    backupDelay: ({ context }) => context.delayMs ?? 0,
    backupTimeout: ({ context }) => context.attemptTimeoutMs,
    probeTimeout: ({ context }) => context.probeMs,
  },
}).createMachine({
  id: 'hedge',
  initial: 'start',
  context: ({ input }) => Object.assign({ node: null, primary: null, probeMs: 0 }, input),
  on: { CALL_DONE: { target: '.done' } },
  states: {
    // Where the primary stands decides: at once, after the delay, or only on suspicion.
    start: {
      entry: 'checkPrimary',
      on: {
        PRIMARY: [
          { guard: { type: 'suspectPrimary', params: usableOf }, target: 'choosing' },
          { guard: 'hasDelay', target: 'delaying' },
          { target: 'watching' },
        ],
      },
    },
    // The primary looked usable: wait for the delay, or (on suspicion) for it to become suspect or lost.
    delaying: {
      after: { backupDelay: { target: 'choosing' } },
      on: {
        PRIMARY: {
          guard: { type: 'suspectPrimary', params: usableOf },
          target: 'choosing',
        },
      },
    },
    // No delay: only a suspect or lost primary sends the backup.
    watching: {
      on: { PRIMARY: { guard: { type: 'primaryLost', params: usableOf }, target: 'choosing' } },
    },
    choosing: {
      entry: 'pickSecondary',
      on: {
        BACKUP_READY: {
          target: 'sent',
          actions: [
            assign({ node: ({ event }) => event.node }),
            {
              type: 'sendBackup',
              params: ({ context, event }) => ({
                node: event.node,
                timeoutMs: Math.max(1, context.deadlineMs - event.nowMs),
              }),
            },
          ],
        },
        NO_BACKUP: { target: 'standby' },
      },
    },
    // No secondary connected now (one may be connecting): look again at every change of health or
    // routes, so the backup goes out the moment a secondary is ready. (A separate state for "the
    // chosen one is connecting" behaved the same: mutation testing could not tell them apart.)
    standby: {
      on: { PRIMARY: { target: 'choosing' } },
    },
    // The one backup of this read is out. Its reply, if OK, goes to the request machine.
    sent: {
      after: {
        backupTimeout: {
          target: 'done',
          actions: [
            { type: 'markSuspect', params: ({ context }) => ({ node: context.node ?? '' }) },
            { type: 'forgetBackup', params: { outcome: 'ERR_TIMEOUT' } },
          ],
        },
      },
      on: {
        BACKUP_ERROR: { target: 'done' },
        BACKUP_LOST: { target: 'done' },
        // The backup won. The primary's attempt it raced is the only evidence of a hung primary:
        // watch it to its attempt timeout, so that a primary that never answers becomes suspect
        // and later reads go to a secondary at once (it would never time out otherwise). With
        // nothing to watch, the call's CALL_DONE follows in the same step.
        BACKUP_WON: {
          guard: {
            type: 'probing',
            params: ({ event }: { event: Extract<HedgeEvent, { type: 'BACKUP_WON' }> }) => ({
              probeMs: event.probeMs,
            }),
          },
          target: 'probing',
          actions: [
            assign({ primary: ({ event }) => event.primary, probeMs: ({ event }) => event.probeMs }),
            'adoptProbe',
          ],
        },
        CALL_DONE: { target: 'done', actions: { type: 'forgetBackup', params: { outcome: 'abandoned' } } },
      },
    },
    // The call settled with the backup's value; its primary attempt is watched until its attempt
    // timeout (bounded: then, or at its reply or the loss of its connection, the hedge ends and the
    // kind drops the watched attempt's pending entry).
    probing: {
      after: {
        probeTimeout: {
          target: 'done',
          actions: [{ type: 'markSuspect', params: ({ context }) => ({ node: context.primary ?? '' }) }],
        },
      },
      on: {
        PROBE_ANSWERED: { target: 'done' },
        BACKUP_LOST: { target: 'done' },
        // the call has settled: the probe outlives it, bounded by the attempt timeout
        CALL_DONE: {},
      },
    },
    done: { type: 'final' },
  },
});

/** The hedge machine's leaf states; `satisfies` fails to compile when a state is renamed. */
export type HedgeState = LeafStateOf<typeof hedgeMachine>;
export const HEDGE_STATE = {
  start: 'start',
  delaying: 'delaying',
  watching: 'watching',
  choosing: 'choosing',
  standby: 'standby',
  sent: 'sent',
  probing: 'probing',
  done: 'done',
} as const satisfies StateNames<HedgeState>;
export type HedgeEventType = HedgeEvent['type'];
