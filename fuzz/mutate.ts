// Hostile byte streams, by class. Each stream is a list of chunks (the way it is written: cut at
// random points, so frame boundaries never line up with reads).
import { SeededRandom } from '../onebox/index.ts';
import type { ValidFrame } from './corpus.ts';

export const CLASSES = [
  'random',
  'truncated',
  'oversized-length',
  'bit-flip',
  'interleaved',
  'valid',
] as const;
export type FuzzClass = (typeof CLASSES)[number];

export interface Stream {
  cls: FuzzClass;
  /** the RPC of the valid frame it started from ('' for random bytes) */
  rpc: string;
  /** frames in the stream (hostile and valid), for the frames-tried count */
  frames: number;
  chunks: Buffer[];
  /** true when the last frame is knowingly incomplete (the peer must wait, not answer) */
  endsIncomplete: boolean;
}

/** offsets of the 4-byte length fields (docs/PROTOCOL.md 2.1-2.3) */
function lengthOffsets(b: Buffer, side: 'request' | 'response'): number[] {
  if (side === 'response') return [0];
  return b.readUInt32BE(4) === 0 ? [8, 16] : [8, 12];
}

const HUGE = [0x7fffffff, 0xffffffff, 0x80000000, 64 << 20, (16 << 20) + 1, 1 << 30];

export class Mutator {
  private readonly rnd: SeededRandom;

  constructor(
    seed: number,
    private readonly corpus: readonly ValidFrame[],
    private readonly side: 'request' | 'response',
  ) {
    this.rnd = new SeededRandom(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rnd.nextFloat() * n);
  }

  private pick(): ValidFrame {
    return this.corpus[this.int(this.corpus.length)]!;
  }

  private randomBytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** cuts a byte string into 1-4 chunks at random points */
  private cut(b: Buffer): Buffer[] {
    const k = this.int(4);
    const points = Array.from({ length: k }, () => this.int(b.length + 1)).sort((x, y) => x - y);
    const out: Buffer[] = [];
    let prev = 0;
    for (const p of [...points, b.length]) {
      if (p > prev) out.push(b.subarray(prev, p));
      prev = Math.max(prev, p);
    }
    return out.length === 0 ? [b] : out;
  }

  private bitFlip(src: Buffer): Buffer {
    const b = Buffer.from(src);
    const flips = 1 + this.int(4);
    for (let i = 0; i < flips; i++) {
      const at = this.int(b.length);
      b[at] = b[at]! ^ (1 << this.int(8));
    }
    return b;
  }

  private oversized(src: Buffer): Buffer {
    const b = Buffer.from(src);
    const offsets = lengthOffsets(b, this.side);
    // a known length field, or any aligned word of the first 48 bytes (string and list lengths)
    const at =
      this.rnd.nextFloat() < 0.7
        ? offsets[this.int(offsets.length)]!
        : 4 * this.int(Math.min(12, b.length >> 2));
    if (at + 4 <= b.length) b.writeUInt32BE(HUGE[this.int(HUGE.length)]! >>> 0, at);
    return b;
  }

  next(cls: FuzzClass = CLASSES[this.int(CLASSES.length)]!): Stream {
    switch (cls) {
      case 'random': {
        // sometimes past the first check: the request magic, or a plausible response length
        const body = this.randomBytes(1 + this.int(200));
        if (this.side === 'request' && this.rnd.nextFloat() < 0.5) body.write('THFT', 0, 'latin1');
        if (this.side === 'response' && this.rnd.nextFloat() < 0.5 && body.length >= 4)
          body.writeUInt32BE(body.length, 0);
        return { cls, rpc: '', frames: 1, chunks: this.cut(body), endsIncomplete: false };
      }
      case 'truncated': {
        const f = this.pick();
        const n = this.int(f.bytes.length);
        return { cls, rpc: f.rpc, frames: 1, chunks: this.cut(f.bytes.subarray(0, n)), endsIncomplete: true };
      }
      case 'oversized-length': {
        const f = this.pick();
        return {
          cls,
          rpc: f.rpc,
          frames: 1,
          chunks: this.cut(this.oversized(f.bytes)),
          endsIncomplete: false,
        };
      }
      case 'bit-flip': {
        const f = this.pick();
        return { cls, rpc: f.rpc, frames: 1, chunks: this.cut(this.bitFlip(f.bytes)), endsIncomplete: false };
      }
      case 'interleaved': {
        // valid frames with one hostile frame somewhere among them
        const n = 2 + this.int(6);
        const bad = this.int(n);
        const parts: Buffer[] = [];
        let rpc = '';
        for (let i = 0; i < n; i++) {
          const f = this.pick();
          if (i === bad) {
            rpc = f.rpc;
            parts.push(this.rnd.nextFloat() < 0.5 ? this.bitFlip(f.bytes) : this.oversized(f.bytes));
          } else parts.push(f.bytes);
        }
        return { cls, rpc, frames: n, chunks: this.cut(Buffer.concat(parts)), endsIncomplete: false };
      }
      case 'valid': {
        const n = 1 + this.int(4);
        const frames = Array.from({ length: n }, () => this.pick());
        return {
          cls,
          rpc: frames[0]!.rpc,
          frames: n,
          chunks: this.cut(Buffer.concat(frames.map((f) => f.bytes))),
          endsIncomplete: false,
        };
      }
    }
  }
}
