// check_and_set and check_and_mutate: read the check key, evaluate the check, write only if it passed.
// A failed check answers TryAgain (13), an integer check on non-integer text InvalidArgument (4); both
// still consume the decree.

import type {
  CheckAndMutateRequest,
  CheckAndMutateResponse,
  CheckAndSetRequest,
  CheckAndSetResponse,
} from '../../core/wire/types.ts';
import { MutateOperation, StorageStatus } from '../../core/wire/types.ts';
import { evaluateCheck, isCheckTypeSupported } from './check.ts';
import { copyOut, EMPTY, echo, type StoreIdentity } from './identity.ts';
import { encodeKey, MAX_HASH_KEY_LENGTH } from './key-codec.ts';
import { liveRecord } from './reads.ts';
import { makeRecord, type SortedRecords } from './records.ts';

interface CheckRequest {
  hash_key: Uint8Array;
  check_sort_key: Uint8Array;
  check_type: number;
  check_operand: Uint8Array;
  return_check_value: boolean;
}

function baseResponse(id: StoreIdentity, error: number, decree: bigint): CheckAndSetResponse {
  return {
    error,
    check_value_returned: false,
    check_value_exist: false,
    check_value: EMPTY,
    ...echo(id),
    decree,
  };
}

/** Runs the check; the response is final unless `passed`, in which case the caller writes. */
function runCheck(
  id: StoreIdentity,
  records: SortedRecords,
  req: CheckRequest,
  nowSec: number,
  decree: bigint,
): { passed: boolean; response: CheckAndSetResponse } {
  const record = liveRecord(records, encodeKey(req.hash_key, req.check_sort_key), nowSec);
  const response = baseResponse(id, StorageStatus.Ok, decree);
  if (req.return_check_value) {
    response.check_value_returned = true;
    if (record !== undefined) {
      response.check_value_exist = true;
      response.check_value = copyOut(record.value);
    }
  }
  const outcome = evaluateCheck(req.check_type, req.check_operand, record?.value);
  if (outcome === 'failed') response.error = StorageStatus.TryAgain;
  if (outcome === 'invalid') response.error = StorageStatus.InvalidArgument;
  return { passed: outcome === 'passed', response };
}

export function checkAndSet(
  id: StoreIdentity,
  records: SortedRecords,
  req: CheckAndSetRequest,
  nowSec: number,
  decree: bigint,
): CheckAndSetResponse {
  if (!isCheckTypeSupported(req.check_type) || req.hash_key.length > MAX_HASH_KEY_LENGTH) {
    return baseResponse(id, StorageStatus.InvalidArgument, decree);
  }
  const { passed, response } = runCheck(id, records, req, nowSec, decree);
  if (passed) {
    const setSortKey = req.set_diff_sort_key ? req.set_sort_key : req.check_sort_key;
    records.set(makeRecord(encodeKey(req.hash_key, setSortKey), req.set_value, req.set_expire_ts_seconds));
  }
  return response;
}

export function checkAndMutate(
  id: StoreIdentity,
  records: SortedRecords,
  req: CheckAndMutateRequest,
  nowSec: number,
  decree: bigint,
): CheckAndMutateResponse {
  // Validation order matches the server: empty list, unknown operation, unknown check type.
  const validOps = req.mutate_list.every(
    (m) => m.operation === MutateOperation.MO_PUT || m.operation === MutateOperation.MO_DELETE,
  );
  if (
    req.mutate_list.length === 0 ||
    !validOps ||
    !isCheckTypeSupported(req.check_type) ||
    req.hash_key.length > MAX_HASH_KEY_LENGTH
  ) {
    return baseResponse(id, StorageStatus.InvalidArgument, decree);
  }
  const { passed, response } = runCheck(id, records, req, nowSec, decree);
  if (passed) {
    // Applied in list order, like one RocksDB write batch: a later mutation of the same key wins.
    for (const m of req.mutate_list) {
      const key = encodeKey(req.hash_key, m.sort_key);
      if (m.operation === MutateOperation.MO_PUT)
        records.set(makeRecord(key, m.value, m.set_expire_ts_seconds));
      else records.delete(key);
    }
  }
  return response;
}
