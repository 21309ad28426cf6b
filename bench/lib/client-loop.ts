// The client under test: `depth` calls kept in flight on one PegasusClient, each timed from the
// call to its settlement. Keys are pre-made Buffers so string encoding is not charged to the client.
import { performance } from 'node:perf_hooks';
import type { Table } from '../../client/index.ts';
import { clientCall } from './call.ts';
import type { BenchKey, BenchOp } from './keys.ts';
import { type PhaseLimits, type PhaseResult, phaseResult } from './phase.ts';

export async function runClient(
  table: Table,
  op: BenchOp,
  keys: readonly BenchKey[],
  value: Buffer,
  limits: PhaseLimits,
): Promise<PhaseResult> {
  const latencies = new Float64Array(limits.maxOps);
  let nextKey = 0;
  let issued = 0;
  let done = 0;
  let errors = 0;
  let firstError: unknown;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + limits.durationMs;

  const worker = async () => {
    // Bounded by time and count; every call is bounded by its own deadline.
    while (issued < limits.maxOps && performance.now() < deadline) {
      const k = keys[nextKey]!;
      nextKey = nextKey + 1 === keys.length ? 0 : nextKey + 1;
      issued++;
      const start = performance.now();
      try {
        await clientCall(table, op, k, value);
      } catch (e) {
        errors++;
        firstError ??= e;
      }
      latencies[done++] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: limits.depth }, worker));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (firstError !== undefined)
    process.stderr.write(`client ${op}: ${errors} errors, first: ${String(firstError)}\n`);
  return phaseResult(done, errors, elapsedMs, cpu, latencies, done);
}
