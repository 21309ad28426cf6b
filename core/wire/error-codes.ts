// RPC-level error names (docs/PROTOCOL.md 6) and the one table that tells the client core what to do with each.

/** Server definition order (src/utils/error_code.h); numbers are for logs only, the wire carries names. */
export const SERVER_ERROR_NAMES = [
  'ERR_OK',
  'ERR_UNKNOWN',
  'ERR_SERVICE_NOT_FOUND',
  'ERR_SERVICE_ALREADY_RUNNING',
  'ERR_IO_PENDING',
  'ERR_TIMEOUT',
  'ERR_SERVICE_NOT_ACTIVE',
  'ERR_BUSY',
  'ERR_NETWORK_INIT_FAILED',
  'ERR_FORWARD_TO_OTHERS',
  'ERR_OBJECT_NOT_FOUND',
  'ERR_HANDLER_NOT_FOUND',
  'ERR_LEARN_FILE_FAILED',
  'ERR_GET_LEARN_STATE_FAILED',
  'ERR_INVALID_VERSION',
  'ERR_INVALID_PARAMETERS',
  'ERR_CAPACITY_EXCEEDED',
  'ERR_INVALID_STATE',
  'ERR_INACTIVE_STATE',
  'ERR_NOT_ENOUGH_MEMBER',
  'ERR_FILE_OPERATION_FAILED',
  'ERR_HANDLE_EOF',
  'ERR_WRONG_CHECKSUM',
  'ERR_INVALID_DATA',
  'ERR_INVALID_HANDLE',
  'ERR_INCOMPLETE_DATA',
  'ERR_VERSION_OUTDATED',
  'ERR_PATH_NOT_FOUND',
  'ERR_PATH_ALREADY_EXIST',
  'ERR_ADDRESS_ALREADY_USED',
  'ERR_STATE_FREEZED',
  'ERR_LOCAL_APP_FAILURE',
  'ERR_BIND_IOCP_FAILED',
  'ERR_NETWORK_START_FAILED',
  'ERR_NOT_IMPLEMENTED',
  'ERR_CHECKPOINT_FAILED',
  'ERR_WRONG_TIMING',
  'ERR_NO_NEED_OPERATE',
  'ERR_CORRUPTION',
  'ERR_TRY_AGAIN',
  'ERR_CLUSTER_NOT_FOUND',
  'ERR_CLUSTER_ALREADY_EXIST',
  'ERR_SERVICE_ALREADY_EXIST',
  'ERR_INJECTED',
  'ERR_REPLICATION_FAILURE',
  'ERR_APP_EXIST',
  'ERR_APP_NOT_EXIST',
  'ERR_BUSY_CREATING',
  'ERR_BUSY_DROPPING',
  'ERR_NETWORK_FAILURE',
  'ERR_UNDER_RECOVERY',
  'ERR_LEARNER_NOT_FOUND',
  'ERR_OPERATION_DISABLED',
  'ERR_EXPIRED',
  'ERR_LOCK_ALREADY_EXIST',
  'ERR_HOLD_BY_OTHERS',
  'ERR_RECURSIVE_LOCK',
  'ERR_NO_OWNER',
  'ERR_NODE_ALREADY_EXIST',
  'ERR_INCONSISTENT_STATE',
  'ERR_ARRAY_INDEX_OUT_OF_RANGE',
  'ERR_DIR_NOT_EMPTY',
  'ERR_FS_INTERNAL',
  'ERR_IGNORE_BAD_DATA',
  'ERR_APP_DROPPED',
  'ERR_MOCK_INTERNAL',
  'ERR_ZOOKEEPER_OPERATION',
  'ERR_CHILD_REGISTERED',
  'ERR_INGESTION_FAILED',
  'ERR_UNAUTHENTICATED',
  'ERR_KRB5_INTERNAL',
  'ERR_SASL_INTERNAL',
  'ERR_SASL_INCOMPLETE',
  'ERR_ACL_DENY',
  'ERR_SPLITTING',
  'ERR_PARENT_PARTITION_MISUSED',
  'ERR_CHILD_NOT_READY',
  'ERR_DISK_INSUFFICIENT',
  'ERR_RETRY_EXHAUSTED',
  'ERR_SYNC_RANGER_POLICIES_FAILED',
  'ERR_RANGER_PARSE_ACL',
  'ERR_RANGER_POLICIES_NO_NEED_UPDATE',
  'ERR_RDB_CORRUPTION',
  'ERR_DISK_IO_ERROR',
  'ERR_CURL_FAILED',
  'ERR_DUP_EXIST',
  'ERR_HTTP_ERROR',
  'ERR_NOT_MATCHED',
] as const;

/**
 * Names the client itself produces, never sent by a server: ERR_SESSION_RESET (the connection broke or
 * could not be made). ERR_TIMEOUT is in the server list but only the client uses it (local deadline).
 */
export const CLIENT_ERROR_NAMES = ['ERR_SESSION_RESET'] as const;

export const ERROR_NAMES: readonly string[] = [...SERVER_ERROR_NAMES, ...CLIENT_ERROR_NAMES];

export type KnownErrorName = (typeof SERVER_ERROR_NAMES)[number] | (typeof CLIENT_ERROR_NAMES)[number];

/**
 * What the client core does with one RPC-level error (or a meta struct `err`).
 * - refresh: which cached routing to drop and re-query ('table' = the partition count changed)
 * - retry: whether to resend within the caller's deadline; 'idempotent-only' when the outcome is
 *   ambiguous (the write may have been applied), so incr / check_and_* must not be resent
 * - backoff: wait (growing delay) before resending
 * - meta: what a meta-server call does with it (docs/PROTOCOL.md 8); 'not-meta' for replica-only codes
 * - outcome: 'rejected' = the server definitely did not apply the request
 */
export interface ErrorClass {
  readonly name: string;
  readonly known: boolean;
  readonly outcome: 'ok' | 'rejected' | 'ambiguous' | 'failed';
  readonly refresh: 'none' | 'partition' | 'table';
  readonly retry: 'never' | 'always' | 'idempotent-only';
  readonly backoff: boolean;
  readonly meta:
    | 'ok'
    | 'follow-leader'
    | 'next-meta'
    | 'retry-same-later'
    | 'table-missing'
    | 'table-busy'
    | 'fail';
  readonly why: string;
}

type Row = Omit<ErrorClass, 'name' | 'known'>;

const FATAL: Row = {
  outcome: 'failed',
  refresh: 'none',
  retry: 'never',
  backoff: false,
  meta: 'fail',
  why: 'not expected by a client, or from a newer server: a generic non-retryable failure',
};

function fatal(why: string): Row {
  return { ...FATAL, outcome: 'rejected', why };
}

/** The classification table. Names absent from it are fatal. */
const TABLE: Readonly<Record<string, Row>> = {
  ERR_OK: { outcome: 'ok', refresh: 'none', retry: 'never', backoff: false, meta: 'ok', why: 'success' },

  // refresh routing + retry: definite rejections before any replication (docs/PROTOCOL.md 6.2)
  ERR_OBJECT_NOT_FOUND: {
    outcome: 'rejected',
    refresh: 'partition',
    retry: 'always',
    backoff: true,
    meta: 'table-missing',
    why: 'replica: this server has no replica of the gpid, routing is stale; meta query_cfg: no such table',
  },
  ERR_INVALID_STATE: {
    outcome: 'rejected',
    refresh: 'partition',
    retry: 'always',
    backoff: true,
    meta: 'fail',
    why: 'replica is not (or not yet) the serving primary; rejected before 2PC, so any op may be resent',
  },
  ERR_PARENT_PARTITION_MISUSED: {
    outcome: 'rejected',
    refresh: 'table',
    retry: 'always',
    backoff: true,
    meta: 'fail',
    why: 'split finished: the partition count changed, so the whole table config is stale',
  },

  // retry without refresh: primary is right but temporarily cannot accept writes
  ERR_NOT_ENOUGH_MEMBER: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'always',
    backoff: true,
    meta: 'fail',
    why: 'primary has too few live replicas for 2PC; rejected before replication, wait and resend',
  },
  ERR_CAPACITY_EXCEEDED: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'always',
    backoff: true,
    meta: 'fail',
    why: 'primary mutation pipeline full; transient, rejected before replication',
  },
  ERR_SPLITTING: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'always',
    backoff: true,
    meta: 'fail',
    why: 'brief window while a split updates the partition count; definite rejection, one delayed resend is cheap',
  },

  // ambiguous outcomes: the request may have been applied
  ERR_SESSION_RESET: {
    outcome: 'ambiguous',
    refresh: 'partition',
    retry: 'idempotent-only',
    backoff: true,
    meta: 'next-meta',
    why: 'connection broke after the request was written: it may have been applied; the node may be gone',
  },
  ERR_TIMEOUT: {
    outcome: 'ambiguous',
    refresh: 'none',
    retry: 'idempotent-only',
    backoff: false,
    meta: 'next-meta',
    why: 'no reply in time (client-side): may have been applied; node health, not one timeout, decides refreshes',
  },

  // surface to the caller (who may back off)
  ERR_BUSY: fatal('server throttling; resending immediately would add load, the caller decides'),
  ERR_DISK_INSUFFICIENT: fatal('a replica disk is full; will not clear within a request deadline'),
  ERR_DISK_IO_ERROR: fatal('a replica disk is failing; will not clear within a request deadline'),

  // fatal for the request
  ERR_HANDLER_NOT_FOUND: fatal('server does not know this RPC (too old) or app_id <= 0 on a data RPC'),
  ERR_OPERATION_DISABLED: fatal('non-idempotent write on a duplication source, or writes during ingestion'),
  ERR_INVALID_DATA: fatal('write larger than max_allowed_write_size'),
  ERR_INVALID_PARAMETERS: fatal('the request itself is invalid'),
  ERR_ACL_DENY: fatal('not authorized'),
  ERR_APP_NOT_EXIST: { ...fatal('the table does not exist'), meta: 'table-missing' },
  ERR_APP_EXIST: fatal('create: the table already exists'),

  // meta-server answers (docs/PROTOCOL.md 8): carried in the response struct `err`
  ERR_FORWARD_TO_OTHERS: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'never',
    backoff: false,
    meta: 'follow-leader',
    why: 'meta follower: resend to the leader address it names, else to the next meta',
  },
  ERR_SERVICE_NOT_ACTIVE: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'never',
    backoff: true,
    meta: 'retry-same-later',
    why: 'meta leader not started yet: retry the same meta after ~1 s',
  },
  ERR_UNDER_RECOVERY: {
    outcome: 'rejected',
    refresh: 'none',
    retry: 'never',
    backoff: true,
    meta: 'retry-same-later',
    why: 'meta in recovery mode: retry the same meta after ~1 s',
  },
  ERR_BUSY_CREATING: {
    ...fatal('table is being created or recalled: fail now, reopen the table later'),
    meta: 'table-busy',
  },
  ERR_BUSY_DROPPING: { ...fatal('table is being dropped: fail now'), meta: 'table-busy' },
};

const KNOWN = new Set<string>(ERROR_NAMES);
const cache = new Map<string, ErrorClass>();

/** The one classification the client core uses. Unknown names are fatal. */
export function classifyError(name: string): ErrorClass {
  let c = cache.get(name);
  if (c === undefined) {
    const row = Object.hasOwn(TABLE, name) ? TABLE[name]! : FATAL;
    c = Object.freeze({ name, known: KNOWN.has(name), ...row });
    if (cache.size < 1024) cache.set(name, c);
  }
  return c;
}

/** Whether a request may be resent after this error, given whether its operation is idempotent. */
export function mayRetry(c: ErrorClass, idempotent: boolean): boolean {
  return c.retry === 'always' || (c.retry === 'idempotent-only' && idempotent);
}
