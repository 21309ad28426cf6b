// Hostile byte streams into the onebox's meta and replica ports over TCP (the onebox in a child
// process, so a crash shows as its exit). Each stream goes on its own connection, followed by a
// valid request (a remote command every server answers) unless the stream knowingly ends inside a
// frame; how the server answered is classified:
//   closed            the server closed the connection (a bad frame)
//   answered          the valid request behind the stream was answered (the stream was skipped or
//                     answered as it should be)
//   held              the server waits for the rest of an incomplete frame (as TCP requires), and a
//                     fresh connection is answered at once
//   hang              neither, and a fresh connection is not answered either

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeRequest, ResponseDecoder } from '../core/wire/index.ts';
import { OneboxProcess } from '../soak/onebox-process.ts';
import type { ValidFrame } from './corpus.ts';
import { CLASSES, type FuzzClass, Mutator, type Stream } from './mutate.ts';
import { type Finding, type Outcomes, record } from './outcomes.ts';

const PING_SEQID = 0x7ffff001;
const PING = encodeRequest(
  'RPC_CLI_CLI_CALL',
  PING_SEQID,
  { cmd: 'server-info', arguments: [] },
  {
    app_id: 0,
    partition_index: 0,
    client_timeout_ms: 1000,
    partition_hash: 0n,
    is_backup_request: false,
  },
);
/** how long the valid request behind a stream may take before the fresh-connection probe */
const ANSWER_WAIT_MS = 3000;
const PROBE_WAIT_MS = 5000;
const HELD_WAIT_MS = 150;
const CONCURRENCY = 12;

export interface TcpFuzzResult {
  framesTried: number;
  streams: number;
  outcomes: Outcomes;
  crashes: Finding[];
  hangs: Finding[];
  /** peak RSS of the onebox process (VmHWM), MB */
  serverPeakRssMb: number;
  elapsedMs: number;
  byTarget: { meta: number; replica: number };
}

type Verdict = 'closed' | 'answered' | 'no answer';

/** writes the stream (and the ping unless it ends incomplete) and waits for the server's answer */
function sendStream(addr: string, s: Stream | null, waitMs: number): Promise<Verdict> {
  const [host, port] = addr.split(':');
  return new Promise((resolve) => {
    const sock = net.connect({ host: host!, port: Number(port) });
    const dec = new ResponseDecoder();
    let done = false;
    const finish = (v: Verdict) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish('no answer'), waitMs);
    sock.on('error', () => finish('closed'));
    sock.on('close', () => finish('closed'));
    sock.on('data', (b) => {
      const r = dec.push(b);
      if (r.frames.some((f) => f.seqid === PING_SEQID)) finish('answered');
    });
    sock.on('connect', () => {
      if (s !== null) for (const c of s.chunks) sock.write(c);
      if (s === null || !s.endsIncomplete) sock.write(PING);
    });
  });
}

function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Math.round(Number(m[1]) / 1024);
  } catch {
    return 0;
  }
}

export async function fuzzTcp(
  seed: number,
  frames: number,
  corpus: readonly ValidFrame[],
  logFile: string,
): Promise<TcpFuzzResult> {
  const box = await OneboxProcess.start({
    tables: [
      { name: 'temp', partitionCount: 8 },
      { name: 'fuzz', partitionCount: 4 },
    ],
    detectMs: 3000,
    splitMs: 500,
    logFile,
  });
  const targets = [...box.info.metas, ...box.info.replicas];
  const m = new Mutator(seed, corpus, 'request');
  const outcomes: Outcomes = {};
  const crashes: Finding[] = [];
  const hangs: Finding[] = [];
  const byTarget = { meta: 0, replica: 0 };
  let framesTried = 0;
  let streams = 0;
  let peak = 0;
  const t0 = performance.now();
  const one = async (): Promise<void> => {
    const cls: FuzzClass = CLASSES[streams % CLASSES.length]!;
    const s = m.next(cls);
    const target = targets[streams % targets.length]!;
    streams++;
    framesTried += s.frames;
    if (box.info.metas.includes(target)) byTarget.meta++;
    else byTarget.replica++;
    const v = await sendStream(target, s, s.endsIncomplete ? HELD_WAIT_MS : ANSWER_WAIT_MS);
    let outcome: string = v;
    if (v === 'no answer') {
      // the server may rightly wait for the rest of a frame whose length a mutation enlarged
      const probe = await sendStream(target, null, PROBE_WAIT_MS);
      outcome = probe === 'answered' ? 'held' : 'hang';
      if (outcome === 'hang' && hangs.length < 20)
        hangs.push({
          cls: s.cls,
          rpc: s.rpc,
          detail: `${target}: no answer, and a fresh connection got none in ${PROBE_WAIT_MS} ms`,
          hex: Buffer.concat(s.chunks).toString('hex').slice(0, 2000),
        });
    }
    if (!box.alive && crashes.length === 0)
      crashes.push({
        cls: s.cls,
        rpc: s.rpc,
        detail: `onebox process exited (see ${logFile})`,
        hex: Buffer.concat(s.chunks).toString('hex').slice(0, 2000),
      });
    record(outcomes, s.cls, outcome);
  };
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (framesTried < frames && crashes.length === 0) {
      await one();
      if (streams % 500 === 0) peak = Math.max(peak, peakRssMb(box.pid));
    }
  });
  await Promise.all(workers);
  peak = Math.max(peak, peakRssMb(box.pid));
  if (!box.alive && crashes.length === 0)
    crashes.push({ cls: '', rpc: '', detail: 'onebox process exited', hex: '' });
  await box.stop();
  return {
    framesTried,
    streams,
    outcomes,
    crashes,
    hangs,
    serverPeakRssMb: peak,
    elapsedMs: Math.round(performance.now() - t0),
    byTarget,
  };
}
