// One public operation, reduced to what the core needs (rpc, args, partition hash, idempotence)
// plus how to read its result. Plans are built from validated arguments only.
import type { RpcArgs, RpcName, RpcResult } from '../../core/wire/index.ts';
import { PegasusStorageError } from '../errors.ts';

export interface OpPlan<N extends RpcName, T> {
  readonly op: string;
  readonly rpc: N;
  readonly args: RpcArgs<N>;
  readonly partitionHash: bigint;
  /** may be resent after an ambiguous failure (timeout, reset after send) */
  readonly idempotent: boolean;
  /** the op's value from the reply; throws StorageRefusal for a failing storage status */
  decode(result: RpcResult<N>): T;
}

/** thrown by decode(); the table turns it into a PegasusStorageError with the call's context */
export class StorageRefusal {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {}
}

export function refuse(status: number, detail: string): never {
  throw new StorageRefusal(status, detail);
}

export function storageError(
  r: StorageRefusal,
  ctx: { op: string; table: string; attempts: PegasusStorageError['attempts'] },
): PegasusStorageError {
  const e = new PegasusStorageError(r.status, '', { op: ctx.op, table: ctx.table, attempts: ctx.attempts });
  e.message = `${ctx.op} on table "${ctx.table}": the server refused it with storage status ${e.code} (${r.status})${r.detail === '' ? '' : `: ${r.detail}`}`;
  return e;
}

/** copies a wire blob into a Buffer the caller owns (decoded blobs may view a shared frame) */
export function ownBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b);
}
