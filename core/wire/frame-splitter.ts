// Cuts a byte stream into complete frames. Shared by the request and response decoders; they differ
// only in how a frame announces its length (`measure`) and how a complete frame is parsed (`parse`).
//
// Memory: bytes are held only for an incomplete frame whose announced length was already checked
// against maxFrameBytes (or for a header fragment shorter than ~48 bytes). Copies: a frame that lies
// inside one chunk is handed out as a view; only a frame spread over several chunks is concatenated,
// once, when its last byte arrives. Pieces smaller than SMALL_PIECE_BYTES are copied into a shared
// accumulator instead of being kept one by one, so a frame trickling in byte by byte holds a few
// buffers, not one Buffer object (~100 bytes of heap) per received byte.
import { asProtocolError, type ProtocolError } from './protocol-error.ts';

/**
 * Looks at the frame starting at buf[off] with `avail` bytes present. Returns the frame's total
 * length, or -n when fewer than n bytes are present and n bytes are needed to know the length
 * (n never exceeds the smallest valid frame). Throws ProtocolError for an invalid header.
 */
export type MeasureFrame = (buf: Buffer, off: number, avail: number) => number;
/** Parses one complete frame (exactly its bytes). Throws ProtocolError. */
export type ParseFrame<F> = (frame: Buffer) => F;

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** pieces below this size are copied into the accumulator rather than kept as views */
const SMALL_PIECE_BYTES = 512;
/** size of one accumulator (or less: never more than the frame still needs) */
const ACCUMULATOR_BYTES = 64 * 1024;

export interface PushResult<F> {
  frames: F[];
  error?: ProtocolError;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export class FrameSplitter<F> {
  /** pieces of the incomplete frame at the head of the stream */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** the last part's backing buffer when that part is an accumulator of small pieces */
  private acc: Buffer | undefined;
  private accUsed = 0;
  /** total length of that frame, 0 while still unknown */
  private frameLen = 0;
  private dead: ProtocolError | undefined;

  constructor(
    private readonly measure: MeasureFrame,
    private readonly parse: ParseFrame<F>,
  ) {}

  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /** how many buffers the incomplete frame is held in (at most bufferedBytes / 512 + 2) */
  get bufferedParts(): number {
    return this.parts.length;
  }

  /** Never throws; after the first error the splitter is dead and keeps returning that error. */
  push(chunk: Uint8Array): PushResult<F> {
    const frames: F[] = [];
    if (this.dead !== undefined) return { frames, error: this.dead };
    try {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('push() expects a Uint8Array');
      this.consume(asBuffer(chunk), frames);
      return { frames };
    } catch (e) {
      this.dead = asProtocolError(e, 'frame decoder');
      this.reset();
      return { frames, error: this.dead };
    }
  }

  private consume(chunk: Buffer, frames: F[]): void {
    let off = 0;
    const end = chunk.length;
    // 1. complete the frame already started by earlier chunks
    while (this.partsBytes > 0) {
      if (this.frameLen === 0) {
        // only a header fragment is held (a single small part): learn the length first
        const head = this.parts[0]!;
        const r = this.measure(head, 0, head.length);
        if (r < 0) {
          if (off === end) return;
          const take = Math.min(-r - head.length, end - off);
          const joined = Buffer.concat([head, chunk.subarray(off, off + take)]);
          off += take;
          this.parts = [joined];
          this.partsBytes = joined.length;
          continue;
        }
        this.frameLen = r;
      }
      if (off === end && this.partsBytes < this.frameLen) return;
      const take = Math.min(this.frameLen - this.partsBytes, end - off);
      if (take > 0) this.append(chunk.subarray(off, off + take));
      off += take;
      if (this.partsBytes < this.frameLen) return;
      const frame = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.frameLen);
      this.reset();
      frames.push(this.parse(frame));
    }
    // 2. frames that start in this chunk: hand out views while they are complete
    while (off < end) {
      const r = this.measure(chunk, off, end - off);
      if (r > 0 && off + r <= end) {
        frames.push(this.parse(chunk.subarray(off, off + r)));
        off += r;
        continue;
      }
      this.parts = [chunk.subarray(off)];
      this.partsBytes = end - off;
      this.frameLen = Math.max(r, 0);
      return;
    }
  }

  /** Adds a piece of the frame being completed (frameLen is known). */
  private append(piece: Buffer): void {
    this.partsBytes += piece.length;
    if (piece.length >= SMALL_PIECE_BYTES) {
      this.parts.push(piece);
      this.acc = undefined;
      return;
    }
    if (this.acc === undefined || this.accUsed + piece.length > this.acc.length) {
      // partsBytes already counts this piece: the frame still needs frameLen - partsBytes after it
      const size = Math.min(ACCUMULATOR_BYTES, piece.length + this.frameLen - this.partsBytes);
      this.acc = Buffer.allocUnsafe(Math.max(size, piece.length));
      this.accUsed = 0;
      this.parts.push(this.acc.subarray(0, 0));
    }
    piece.copy(this.acc, this.accUsed);
    this.accUsed += piece.length;
    this.parts[this.parts.length - 1] = this.acc.subarray(0, this.accUsed);
  }

  private reset(): void {
    this.parts = [];
    this.partsBytes = 0;
    this.frameLen = 0;
    this.acc = undefined;
    this.accUsed = 0;
  }
}
