// The raw-wire floor: what one Node process can push through the same server with no client at
// all. Pre-encoded frames, one socket per primary, the same pipelining depth; the decoder only
// finds frame boundaries (total_length), checks the reply is ERR_OK and reads the seqid to time it.
import { createConnection, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type PhaseLimits, type PhaseResult, phaseResult } from './phase.ts';

export interface FloorTarget {
  /** address of each socket */
  addresses: readonly string[];
  /** per key: its frame (seqid = key index + 1) and the index of the socket of its primary */
  frames: readonly Buffer[];
  socketOf: Uint8Array;
}

const CONNECT_TIMEOUT_MS = 5000;
/** replies still missing this long after the phase's end: the server is stuck, give up */
const DRAIN_TIMEOUT_MS = 10_000;

/** a raw socket to `address` ('host:port'), Nagle off, failing after CONNECT_TIMEOUT_MS */
export function connect(address: string): Promise<Socket> {
  const i = address.lastIndexOf(':');
  const socket = createConnection({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
  socket.setNoDelay(true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`floor: connect to ${address} timed out`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const ERR_OK_LENGTH = 6; // 'ERR_OK'

export async function runFloor(target: FloorTarget, limits: PhaseLimits): Promise<PhaseResult> {
  const sockets = await Promise.all(target.addresses.map(connect));
  const { frames, socketOf } = target;
  const keyCount = frames.length;
  const sentAt = new Float64Array(keyCount);
  const latencies = new Float64Array(limits.maxOps);
  const batches: Buffer[][] = sockets.map(() => []);
  let nextKey = 0;
  let issued = 0;
  let done = 0;
  let errors = 0;
  let lastDoneAt = 0;

  const issue = (now: number) => {
    const k = nextKey;
    nextKey = k + 1 === keyCount ? 0 : k + 1;
    sentAt[k] = now;
    batches[socketOf[k]!]!.push(frames[k]!);
    issued++;
  };
  const flush = () => flushBatches(sockets, batches);

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + limits.durationMs;
  const finished = new Promise<void>((resolve, reject) => {
    sockets.forEach((socket) => {
      let held: Buffer | null = null;
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        const buf = held === null ? chunk : Buffer.concat([held, chunk]);
        held = null;
        const now = performance.now();
        const more = now < deadline;
        let off = 0;
        while (buf.length - off >= 4) {
          const total = buf.readInt32BE(off);
          if (buf.length - off < total) break;
          const errLen = buf.readInt32BE(off + 4);
          if (errLen !== ERR_OK_LENGTH) errors++;
          // message begin: version|type (4), name (4 + n), seqid (4)
          const nameAt = off + 8 + errLen + 4;
          const seqid = buf.readInt32BE(nameAt + 4 + buf.readInt32BE(nameAt));
          if (done < latencies.length) latencies[done] = now - sentAt[seqid - 1]!;
          done++;
          off += total;
          if (more && issued < limits.maxOps) issue(now);
        }
        if (off < buf.length) held = buf.subarray(off);
        flush();
        if (done === issued) {
          lastDoneAt = now;
          resolve();
        }
      });
    });
  });
  const start = performance.now();
  for (let i = 0; i < limits.depth; i++) issue(start);
  flush();
  let guard: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    guard = setTimeout(
      () => reject(new Error(`floor: ${issued - done} replies missing`)),
      limits.durationMs + DRAIN_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([finished, stuck]);
  } finally {
    clearTimeout(guard);
  }
  const cpu = process.cpuUsage(cpu0);
  for (const s of sockets) s.destroy();
  const elapsedMs = lastDoneAt - t0;
  const n = Math.min(done, latencies.length);
  return phaseResult(done, errors, elapsedMs, cpu, latencies, n);
}

/** writes each socket's batch of frames in one corked write (one syscall per socket per turn) */
export function flushBatches(sockets: readonly Socket[], batches: Buffer[][]): void {
  for (let s = 0; s < sockets.length; s++) {
    const batch = batches[s]!;
    if (batch.length === 0) continue;
    const socket = sockets[s]!;
    socket.cork();
    for (const b of batch) socket.write(b);
    socket.uncork();
    batch.length = 0;
  }
}
