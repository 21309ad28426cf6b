// Lifecycle of one scanner: a public scan iterator reading one or more partition segments in
// batches, from opening its server-side context to exactly one end (done, failed or closed).
// The machine decides; the core's scanner kind performs its named actions (a get_scanner or scan
// call, a meta confirmation, clear_scanner, delivering a batch) and feeds back facts as events.
// Time enters only through the batch deadline, which the core runs as a timer.
import { setup } from 'xstate';
import type { LeafStateOf, StateNames } from './state-names.ts';

export interface ScannerInput {
  /**
   * how long one batch may take, from the consumer's request to records it can yield (or the end);
   * every batch that brings records, and every finished segment, starts it again
   */
  batchTimeoutMs: number;
}

export interface ScannerContext extends ScannerInput {
  /** the server holds a context for the rest of the current segment (the latest reply said so) */
  contextOpen: boolean;
  /** what the consumer's request fails with when the scanner fails */
  error: string;
}

export type ScannerEvent =
  /** the consumer wants the next batch (it has yielded everything it was given) */
  | { type: 'NEXT' }
  /**
   * a get_scanner or scan call succeeded: `rows` records this segment may yield (after the kind's
   * split filter), `more`: the server keeps a context for the rest of the segment
   */
  | { type: 'BATCH'; rows: number; more: boolean }
  /**
   * the call failed; `resumable`: the context or its node is gone (scan answered NotFound, the
   * node is down, hung, moved or not primary any more), so the segment re-opens after its last key
   */
  | { type: 'CALL_FAILED'; error: string; resumable: boolean }
  /**
   * the segment is finished (after the scanner's last one: once meta answered a query sent after
   * it, so a split is seen); `segmentsLeft`: another segment (or a split child) waits
   */
  | { type: 'ROUTES_CONFIRMED'; segmentsLeft: boolean }
  /** the consumer stops (break, return(), abort, client close) */
  | { type: 'CLOSE'; error: string };

const scannerSetup = setup({
  types: {
    input: {} as ScannerInput,
    context: {} as ScannerContext,
    events: {} as ScannerEvent,
  },
  actions: {
    // Implementations are empty on purpose: the core reads these as commands.
    /** get_scanner for the current segment, from its start or (resume) after its last key */
    openScanner: (_, _p: { resume: boolean }) => {},
    /** scan with the context id of the latest reply, on the node that holds it */
    sendScan: () => {},
    /** the segment is finished; after the last one, meta is asked first (a split is seen here) */
    confirmRoutes: () => {},
    /** hand the records received to the consumer */
    deliverBatch: () => {},
    /** the consumer's pending request ends: no more records */
    deliverDone: () => {},
    /** the consumer's pending request fails */
    deliverError: (_, _p: { error: string }) => {},
    /** the call in flight is abandoned: its late reply is dropped (or its context reaped) */
    abandonCall: () => {},
    /** clear_scanner (one-way) for the context the server still holds, if any */
    clearScanner: () => {},
  },
  guards: {
    hasRows: (_, p: { rows: number }) => p.rows > 0,
    more: (_, p: { more: boolean }) => p.more,
    resumable: (_, p: { resumable: boolean }) => p.resumable,
    segmentsLeft: (_, p: { segmentsLeft: boolean }) => p.segmentsLeft,
    contextOpen: ({ context }) => context.contextOpen,
  },
  delays: {
    batchDeadline: ({ context }) => context.batchTimeoutMs,
  },
});

type BatchEvent = Extract<ScannerEvent, { type: 'BATCH' }>;
type FailedEvent = Extract<ScannerEvent, { type: 'CALL_FAILED' }>;

// A batch: records go to the consumer; an empty one goes on with the same context, or ends the
// segment (meta is asked first: a split that started during the segment must not go unseen).
const rememberContext = scannerSetup.assign({
  contextOpen: ({ event }) => (event as BatchEvent).more,
});
const batch = [
  {
    guard: { type: 'hasRows', params: ({ event }: { event: BatchEvent }) => ({ rows: event.rows }) },
    target: '#scanner.yielding',
    actions: [rememberContext, 'deliverBatch'],
  },
  {
    guard: { type: 'more', params: ({ event }: { event: BatchEvent }) => ({ more: event.more }) },
    // defined on working: fetching is exited and entered again, so the next scan goes out
    target: '#scanner.working.fetching',
  },
  // contextOpen is read only in yielding, and only this list's first entry goes there
  { target: '#scanner.working.confirming' },
] as const;

const failed = {
  target: '#scanner.failed',
  actions: scannerSetup.assign({ error: ({ event }) => (event as FailedEvent).error }),
} as const;

export const scannerMachine = scannerSetup.createMachine({
  id: 'scanner',
  initial: 'working',
  context: ({ input }) => ({ ...input, contextOpen: false, error: 'ERR_UNKNOWN' }),
  states: {
    // A batch is being read: the batch deadline is in force.
    working: {
      initial: 'opening',
      after: {
        batchDeadline: { target: 'failed', actions: scannerSetup.assign({ error: 'ERR_TIMEOUT' }) },
      },
      on: {
        // the reply of the call in flight (opening, fetching and resuming have one; confirming not)
        BATCH: batch,
        // get_scanner retried inside its call until the deadline: its failure is the scan's
        CALL_FAILED: failed,
        // a call is in flight: its reply may carry a context, which must be cleared
        CLOSE: {
          target: 'closing',
          actions: { type: 'deliverError', params: ({ event }) => ({ error: event.error }) },
        },
      },
      states: {
        opening: {
          entry: { type: 'openScanner', params: { resume: false } },
        },
        fetching: {
          entry: 'sendScan',
          on: {
            CALL_FAILED: [
              {
                guard: {
                  type: 'resumable',
                  params: ({ event }: { event: FailedEvent }) => ({ resumable: event.resumable }),
                },
                target: 'resuming',
                // the failed scan may never have reached the server: its context would stay
                actions: 'clearScanner',
              },
              // otherwise working fails the scan
            ],
          },
        },
        // The context was lost: get_scanner again after the last key yielded, on the current primary.
        resuming: {
          entry: { type: 'openScanner', params: { resume: true } },
        },
        confirming: {
          entry: 'confirmRoutes',
          on: {
            ROUTES_CONFIRMED: [
              {
                guard: {
                  type: 'segmentsLeft',
                  params: ({ event }) => ({ segmentsLeft: event.segmentsLeft }),
                },
                // a finished segment is progress: the next one gets a whole batch deadline
                target: '#scanner.working',
                reenter: true,
              },
              { target: '#scanner.done' },
            ],
            // nothing is in flight: stop waiting for meta
            CLOSE: {
              target: '#scanner.closed',
              actions: { type: 'deliverError', params: ({ event }) => ({ error: event.error }) },
            },
          },
        },
      },
    },
    // The consumer holds a batch; the server may hold a context (no deadline: it may wait minutes,
    // and a context that expired meanwhile is resumed like a lost one).
    yielding: {
      on: {
        NEXT: [{ guard: 'contextOpen', target: 'working.fetching' }, { target: 'working.confirming' }],
        CLOSE: { target: 'closed' },
      },
    },
    // Closed while a call was in flight: wait for it (it settles by its deadline) and clear the
    // context its reply brings.
    closing: {
      on: {
        BATCH: { target: 'closed' },
        CALL_FAILED: { target: 'closed' },
      },
    },
    // Each end tells the consumer's pending request (a close already failed it with its reason).
    done: { type: 'final', entry: 'deliverDone' },
    failed: {
      type: 'final',
      entry: [
        'abandonCall',
        'clearScanner',
        { type: 'deliverError', params: ({ context }) => ({ error: context.error }) },
      ],
    },
    // the context a reply brought, or the one left between batches, is cleared once
    closed: { type: 'final', entry: 'clearScanner' },
  },
});

/** The scanner machine's leaf states; `satisfies` fails to compile when a state is renamed. */
export type ScannerState = LeafStateOf<typeof scannerMachine>;
export const SCANNER_STATE = {
  opening: 'opening',
  fetching: 'fetching',
  resuming: 'resuming',
  confirming: 'confirming',
  yielding: 'yielding',
  closing: 'closing',
  done: 'done',
  failed: 'failed',
  closed: 'closed',
} as const satisfies StateNames<ScannerState>;
export type ScannerEventType = ScannerEvent['type'];
