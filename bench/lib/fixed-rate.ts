// Open-loop latency at a fixed arrival rate, for the client and for the raw-wire floor alike.
// Call i is due at t0 + i / rate (its intended time), whatever earlier calls are doing: the sender
// never waits for a reply. Each event-loop turn (setImmediate, so replies are read between turns)
// sends every call whose intended time has passed, and a call's latency counts from its intended
// time, not from when it was actually sent: when the process stalls (GC, a slow client), the calls
// that should have gone out meanwhile are charged the stall (coordinated omission corrected, as
// wrk2 does). The sender's own lag (actual - intended send time) is recorded apart, to show whether
// the load generator kept up.
import { performance } from 'node:perf_hooks';
import type { Table } from '../../client/index.ts';
import { clientCall } from './call.ts';
import { connect, type FloorTarget, flushBatches } from './floor.ts';
import { type HdrSummary, LatencyHistogram } from './histogram.ts';
import type { BenchKey, BenchOp } from './keys.ts';

export interface FixedRateLimits {
  ratePerSec: number;
  durationMs: number;
}

export interface FixedRateResult extends HdrSummary {
  offeredPerSec: number;
  /** successful replies per second, from the first intended send to the last reply */
  achievedPerSec: number;
  sent: number;
  errors: number;
  /** how late the sender itself was (actual - intended send time), ms */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
}

/** replies still missing this long after the last send: give up (each client call has a deadline too) */
const DRAIN_TIMEOUT_MS = 10_000;
const CALL_TIMEOUT_MS = 5_000;

interface Sink {
  /** send call i (intended at `intended`, performance.now() ms) */
  send(i: number, intended: number): void;
  /** after each turn's sends */
  flush(): void;
}

interface Tally {
  latency: LatencyHistogram;
  done: number;
  errors: number;
  lastDoneAt: number;
}

/** drives `sink` at the rate; resolves when every call has settled */
function drive(limits: FixedRateLimits, sink: Sink, tally: Tally): Promise<FixedRateResult> {
  const total = Math.max(1, Math.floor((limits.durationMs * limits.ratePerSec) / 1000));
  const intervalMs = 1000 / limits.ratePerSec;
  const lag = new LatencyHistogram();
  const t0 = performance.now();
  let sent = 0;
  return new Promise((resolve, reject) => {
    const finish = () => {
      const s = tally.latency.summary();
      const l = lag.summary();
      resolve({
        ...s,
        offeredPerSec: limits.ratePerSec,
        achievedPerSec: ((tally.done - tally.errors) / (tally.lastDoneAt - t0)) * 1000,
        sent,
        errors: tally.errors,
        sendLagP99Ms: l.p99Ms,
        sendLagMaxMs: l.maxMs,
      });
    };
    const waitDrain = () => {
      const giveUp = performance.now() + DRAIN_TIMEOUT_MS;
      const poll = () => {
        if (tally.done >= sent) finish();
        else if (performance.now() > giveUp)
          reject(new Error(`fixed rate: ${sent - tally.done} replies missing`));
        else setTimeout(poll, 2);
      };
      poll();
    };
    const turn = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / intervalMs) + 1);
      for (; sent < due; sent++) {
        const intended = t0 + sent * intervalMs;
        lag.recordMs(now - intended);
        sink.send(sent, intended);
      }
      sink.flush();
      if (sent < total) setImmediate(turn);
      else waitDrain();
    };
    turn();
  });
}

export function runClientFixedRate(
  table: Table,
  op: BenchOp,
  keys: readonly BenchKey[],
  value: Buffer,
  limits: FixedRateLimits,
): Promise<FixedRateResult> {
  const tally: Tally = { latency: new LatencyHistogram(), done: 0, errors: 0, lastDoneAt: 0 };
  const opts = { timeoutMs: CALL_TIMEOUT_MS };
  let firstError: unknown;
  const sink: Sink = {
    send(i, intended) {
      const settle = () => {
        const now = performance.now();
        tally.latency.recordMs(now - intended);
        tally.done++;
        tally.lastDoneAt = now;
      };
      clientCall(table, op, keys[i % keys.length]!, value, opts).then(settle, (e: unknown) => {
        tally.errors++;
        firstError ??= e;
        settle();
      });
    },
    flush() {},
  };
  return drive(limits, sink, tally).finally(() => {
    if (firstError !== undefined)
      process.stderr.write(`client ${op} open loop: ${tally.errors} errors, first: ${String(firstError)}\n`);
  });
}

const ERR_OK_LENGTH = 6; // 'ERR_OK'

/**
 * The floor at a fixed rate: pre-encoded frames (seqid = key index + 1) on one socket per primary,
 * written once per turn (corked); a reply's seqid finds its intended time. A key is reused only
 * after its previous call has been answered (in flight is far below the key count at these rates).
 */
export async function runFloorFixedRate(
  target: FloorTarget,
  limits: FixedRateLimits,
): Promise<FixedRateResult> {
  const sockets = await Promise.all(target.addresses.map(connect));
  const { frames, socketOf } = target;
  const keyCount = frames.length;
  const intendedAt = new Float64Array(keyCount).fill(-1);
  const batches: Buffer[][] = sockets.map(() => []);
  const tally: Tally = { latency: new LatencyHistogram(), done: 0, errors: 0, lastDoneAt: 0 };
  let overrun = false;
  for (const socket of sockets) {
    let held: Buffer | null = null;
    socket.on('error', () => {
      overrun = true;
    });
    socket.on('data', (chunk: Buffer) => {
      const buf = held === null ? chunk : Buffer.concat([held, chunk]);
      held = null;
      const now = performance.now();
      let off = 0;
      while (buf.length - off >= 4) {
        const total = buf.readInt32BE(off);
        if (buf.length - off < total) break;
        const errLen = buf.readInt32BE(off + 4);
        if (errLen !== ERR_OK_LENGTH) tally.errors++;
        // message begin: version|type (4), name (4 + n), seqid (4)
        const nameAt = off + 8 + errLen + 4;
        const k = buf.readInt32BE(nameAt + 4 + buf.readInt32BE(nameAt)) - 1;
        tally.latency.recordMs(now - intendedAt[k]!);
        intendedAt[k] = -1;
        tally.done++;
        tally.lastDoneAt = now;
        off += total;
      }
      if (off < buf.length) held = buf.subarray(off);
    });
  }
  const sink: Sink = {
    send(i, intended) {
      const k = i % keyCount;
      if (intendedAt[k]! >= 0) overrun = true;
      intendedAt[k] = intended;
      batches[socketOf[k]!]!.push(frames[k]!);
    },
    flush() {
      flushBatches(sockets, batches);
    },
  };
  try {
    const r = await drive(limits, sink, tally);
    if (overrun) throw new Error('floor fixed rate: a key was reused while in flight, or a socket failed');
    return r;
  } finally {
    for (const s of sockets) s.destroy();
  }
}
