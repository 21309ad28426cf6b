// Valid frames of every RPC, drawn (seeded) from the wire properties' arbitraries: request frames
// for the servers, response frames for the client. Mutations start from these.
import fc from 'fast-check';
import {
  encodeRequest,
  encodeResponse,
  isMetaRpc,
  type RequestHeader,
  RPC_NAMES,
  type RpcName,
} from '../core/wire/index.ts';
import { ARGS, RESULT_NAMES, RESULTS } from '../properties/wire-arbitraries.ts';

export interface ValidFrame {
  rpc: RpcName;
  bytes: Buffer;
}

/**
 * Admin RPCs that change the cluster (create or drop a table, ...) are sent with their arbitrary
 * args too: a hostile client can send them, and the servers must survive whatever they carry.
 */
export function requestCorpus(seed: number, perRpc: number): ValidFrame[] {
  const out: ValidFrame[] = [];
  RPC_NAMES.forEach((rpc, i) => {
    const args = fc.sample(ARGS[rpc] as fc.Arbitrary<unknown>, { seed: seed + i, numRuns: perRpc });
    args.forEach((a, j) => {
      const header: RequestHeader = isMetaRpc(rpc)
        ? {
            app_id: 0,
            partition_index: 0,
            client_timeout_ms: 1000,
            partition_hash: 0n,
            is_backup_request: false,
          }
        : {
            app_id: 1 + (j % 3),
            partition_index: j % 8,
            client_timeout_ms: 1000,
            partition_hash: BigInt(j),
            is_backup_request: j % 4 !== 0 && j % 5 === 1,
          };
      out.push({
        rpc,
        bytes: encodeRequest(rpc, j + 1, a as never, header, { headerVersion: j % 4 === 0 ? 0 : 1 }),
      });
    });
  });
  return out;
}

export function responseCorpus(seed: number, perRpc: number): ValidFrame[] {
  const out: ValidFrame[] = [];
  RESULT_NAMES.forEach((rpc, i) => {
    const results = fc.sample(RESULTS[rpc] as fc.Arbitrary<unknown>, {
      seed: seed + 1000 + i,
      numRuns: perRpc,
    });
    results.forEach((r, j) => {
      out.push({ rpc, bytes: encodeResponse(rpc, j + 1, 'ERR_OK', r as never) });
    });
    out.push({ rpc, bytes: encodeResponse(rpc, 7, 'ERR_BUSY') });
  });
  return out;
}
