// The wire side of one server address: seqids, pending replies and the frame decoder.
// A new connection starts clean; replies to a previous connection can never be matched to it.
import { ResponseDecoder } from '../wire/index.ts';

export type PendingReply = { kind: 'call'; callId: number } | { kind: 'meta'; table: string };

export class Connection {
  decoder: ResponseDecoder;
  private nextSeqid = 1;
  readonly pending = new Map<number, PendingReply>();

  constructor(private readonly maxFrameBytes: number) {
    this.decoder = new ResponseDecoder({ maxFrameBytes });
  }

  /** the seqid the next request gets */
  get nextSeqidValue(): number {
    return this.nextSeqid;
  }

  register(reply: PendingReply): number {
    const seqid = this.nextSeqid;
    // Keep seqids positive and wrap before i32 overflow (WIRE.md 3).
    this.nextSeqid = seqid >= 0x7fffffff ? 1 : seqid + 1;
    this.pending.set(seqid, reply);
    return seqid;
  }

  /** forget everything in flight and start a fresh stream (after a close or reconnect) */
  reset(): void {
    this.pending.clear();
    this.decoder = new ResponseDecoder({ maxFrameBytes: this.maxFrameBytes });
  }
}
