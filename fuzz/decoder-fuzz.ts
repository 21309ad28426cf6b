// Hostile bytes into the client's decoder, in process: the ResponseDecoder the client's connections
// use (client default frame limit) and decodeResult for every ERR_OK frame it yields. The contract
// (core/wire): push() never throws, errors are ProtocolErrors, nothing else is ever thrown.
import { performance } from 'node:perf_hooks';
import { decodeResult, ProtocolError, ResponseDecoder } from '../core/wire/index.ts';
import type { ValidFrame } from './corpus.ts';
import { CLASSES, type FuzzClass, Mutator } from './mutate.ts';
import { type Finding, HANG_MS, type Outcomes, record } from './outcomes.ts';

/** the client's default maxFrameBytes (core/client/options-defaults.ts) */
const CLIENT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface DecoderFuzzResult {
  framesTried: number;
  streams: number;
  outcomes: Outcomes;
  crashes: Finding[];
  hangs: Finding[];
  maxBufferedBytes: number;
  elapsedMs: number;
}

/** what the fuzzer drives: the client's ResponseDecoder (a test substitutes a broken one) */
export interface DecoderUnderTest {
  push(chunk: Uint8Array): { frames: Array<{ error: string; name: string; body: Buffer }>; error?: unknown };
  readonly bufferedBytes: number;
}

export function fuzzDecoder(
  seed: number,
  frames: number,
  corpus: readonly ValidFrame[],
  makeDecoder: () => DecoderUnderTest = () => new ResponseDecoder({ maxFrameBytes: CLIENT_MAX_FRAME_BYTES }),
): DecoderFuzzResult {
  const m = new Mutator(seed, corpus, 'response');
  const outcomes: Outcomes = {};
  const crashes: Finding[] = [];
  const hangs: Finding[] = [];
  let framesTried = 0;
  let streams = 0;
  let maxBufferedBytes = 0;
  const runStream = (chunks: Buffer[]): string => {
    const d = makeDecoder();
    let outcome = 'decoded';
    let framesOut = 0;
    try {
      for (const c of chunks) {
        const res = d.push(c);
        framesOut += res.frames.length;
        for (const f of res.frames) {
          if (f.error !== 'ERR_OK') continue;
          try {
            decodeResult(f.name as never, f.body);
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
            outcome = `result rejected: ${e.kind}`;
          }
        }
        if (res.error !== undefined) {
          if (!(res.error instanceof ProtocolError)) throw res.error;
          outcome = `stream closed: ${res.error.kind}`;
          break;
        }
        maxBufferedBytes = Math.max(maxBufferedBytes, d.bufferedBytes);
      }
      if (outcome === 'decoded' && d.bufferedBytes > 0) outcome = 'waiting for more bytes';
      else if (outcome === 'decoded' && framesOut === 0) outcome = 'empty stream';
    } catch (e) {
      return `crash: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    }
    return outcome;
  };
  const replayMs = (chunks: Buffer[]): number => {
    const t = performance.now();
    runStream(chunks);
    return performance.now() - t;
  };
  const t0 = performance.now();
  while (framesTried < frames) {
    const cls: FuzzClass = CLASSES[streams % CLASSES.length]!;
    const s = m.next(cls);
    streams++;
    framesTried += s.frames;
    const start = performance.now();
    let outcome = runStream(s.chunks);
    if (outcome.startsWith('crash: ')) {
      if (crashes.length < 20)
        crashes.push({
          cls: s.cls,
          rpc: s.rpc,
          detail: outcome.slice(7),
          hex: Buffer.concat(s.chunks).toString('hex').slice(0, 2000),
        });
      outcome = 'crash';
    }
    const ms = performance.now() - start;
    // a slow stream on a loaded machine is replayed once: a real hang is deterministic
    if (ms > HANG_MS && replayMs(s.chunks) > HANG_MS && hangs.length < 20)
      hangs.push({
        cls: s.cls,
        rpc: s.rpc,
        detail: `one stream took ${Math.round(ms)} ms`,
        hex: Buffer.concat(s.chunks).toString('hex').slice(0, 2000),
      });
    record(outcomes, s.cls, outcome);
  }
  return {
    framesTried,
    streams,
    outcomes,
    crashes,
    hangs,
    maxBufferedBytes,
    elapsedMs: Math.round(performance.now() - t0),
  };
}
