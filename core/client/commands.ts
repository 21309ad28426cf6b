// Everything the client core asks its driver to do. The driver performs them in order.
import type { QueryCfgResponse } from '../wire/types.ts';

export interface AttemptRecord {
  node: string;
  sentAtMs: number;
  /** 'ERR_OK', a server error name, 'ERR_TIMEOUT' (attempt timeout), 'ERR_SESSION_RESET', or 'abandoned' */
  outcome: string | null;
  endedAtMs: number | null;
}

export interface CallFailure {
  /** wire error name, or a client-side code: ERR_TIMEOUT, ERR_SESSION_RESET, ERR_CLIENT_CLOSED, ERR_ABORTED */
  code: string;
  cause: string | null;
  /** an attempt was written and never answered: a write may or may not have been applied */
  outcomeUnknown: boolean;
  attempts: AttemptRecord[];
  /**
   * an open given up on meta: what each meta server said (the last failure of each queried
   * address: an errno such as ECONNREFUSED or ENOTFOUND, ERR_TIMEOUT, or the error meta answered)
   */
  metaErrors?: MetaError[];
}

/** what one meta server said when a table's routing was asked of it */
export interface MetaError {
  address: string;
  code: string;
}

export type ObservedEvent =
  | { kind: 'health'; address: string; health: string }
  | {
      kind: 'routing';
      table: string;
      appId: number;
      partitionCount: number;
      changed: Array<{ index: number; ballot: bigint; primary: string }>;
    }
  | { kind: 'refresh'; table: string; phase: string }
  /** a follower named the meta leader and the next query goes there */
  | { kind: 'leader'; table: string; address: string };

export type CoreCommand =
  | { type: 'connect'; address: string }
  | { type: 'send'; address: string; bytes: Buffer }
  | { type: 'disconnect'; address: string }
  | { type: 'settle'; callId: number; ok: true; result: unknown; attempts: AttemptRecord[] }
  | { type: 'settle'; callId: number; ok: false; failure: CallFailure }
  | {
      type: 'tableOpened';
      requestId: number;
      ok: true;
      config: Pick<QueryCfgResponse, 'app_id' | 'partition_count'>;
    }
  | { type: 'tableOpened'; requestId: number; ok: false; failure: CallFailure }
  | { type: 'observe'; event: ObservedEvent };
