// Memory per 10k calls in flight: the client's heap (and RSS) with N calls pending, minus before.
// Every replica process of the onebox is hung (the onebox 'hang' fault: bytes are accepted, nothing
// is answered), N calls are started with a deadline far beyond the measurement, and once every
// frame has been handed to the kernel the heap is read after full GCs; then the replicas resume,
// and every call must succeed. What is counted is what the application holds for N pending calls:
// the returned promises, the client's per-call state, encoded frames not yet released, timers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { clientCall } from './call.ts';
import { sleep } from './clock.ts';
import type { BenchContext } from './context.ts';
import type { BenchOp } from './keys.ts';

export interface MemoryResult {
  op: BenchOp;
  calls: number;
  /** heapUsed after full GCs, with the calls pending minus before, per call (bytes) */
  heapBytesPerCall: number;
  /** external + arrayBuffers (Buffers outside the JS heap), per call (bytes) */
  externalBytesPerCall: number;
  /** resident set size, per call (bytes): includes heap the GC keeps reserved, so noisier */
  rssBytesPerCall: number;
  /** heapUsed delta per 10k pending calls, MB (10^6 bytes) */
  heapMBPer10k: number;
  rssMBPer10k: number;
  /** calls that succeeded once the replicas resumed (all of them, or the run fails) */
  settledOk: number;
}

/** forces a full collection (the flag is set at run time, so no --expose-gc is needed) */
function gcFn(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function fullGc(gc: () => void): void {
  for (let i = 0; i < 3; i++) gc();
}

const PENDING_TIMEOUT_MS = 60_000;
/**
 * The memory client's options: one attempt per call for the whole measurement (the default attempt
 * timeout, 400 ms, would start retries against the hung replicas and count their state too).
 */
export const MEMORY_CLIENT = { attemptTimeoutMs: PENDING_TIMEOUT_MS, timeoutMs: PENDING_TIMEOUT_MS };
/** time for every pending frame to be written out (the kernel takes them: the hung server reads) */
const SETTLE_WRITES_MS = 300;

export async function measureInFlightMemory(
  ctx: BenchContext,
  op: BenchOp,
  calls: number,
): Promise<MemoryResult> {
  const gc = gcFn();
  const replicas = ctx.server.replicas;
  fullGc(gc);
  await sleep(50);
  fullGc(gc);
  const before = process.memoryUsage();
  for (const node of replicas) await ctx.server.fault({ node, kind: 'hang' });
  // the caller's share is one slot per promise (8 B): nothing else of the harness is per call
  let pending: Array<Promise<unknown>> = new Array(calls);
  try {
    const opts = { timeoutMs: PENDING_TIMEOUT_MS };
    for (let i = 0; i < calls; i++)
      pending[i] = clientCall(ctx.table, op, ctx.keys[i % ctx.keys.length]!, ctx.value, opts);
    await sleep(SETTLE_WRITES_MS);
    fullGc(gc);
    const during = process.memoryUsage();
    const per = (a: number, b: number) => (a - b) / calls;
    const heap = per(during.heapUsed, before.heapUsed);
    const rss = per(during.rss, before.rss);
    const result: MemoryResult = {
      op,
      calls,
      heapBytesPerCall: heap,
      externalBytesPerCall: per(during.external + during.arrayBuffers, before.external + before.arrayBuffers),
      rssBytesPerCall: rss,
      heapMBPer10k: (heap * 10_000) / 1e6,
      rssMBPer10k: (rss * 10_000) / 1e6,
      settledOk: 0,
    };
    for (const node of replicas) await ctx.server.fault({ node, kind: 'heal' });
    const outcomes = await Promise.allSettled(pending);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    if (failed.length > 0)
      throw new Error(
        `memory: ${failed.length} of ${calls} calls failed after the replicas resumed, first: ${String((failed[0] as PromiseRejectedResult).reason)}`,
      );
    result.settledOk = outcomes.length;
    return result;
  } finally {
    // whatever happened, no replica stays hung for the next phase
    for (const node of replicas) await ctx.server.fault({ node, kind: 'heal' }).catch(() => undefined);
    await Promise.allSettled(pending);
    pending = [];
  }
}
