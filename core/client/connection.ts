// The wire side of one server address: seqids, pending replies and the frame decoder.
// A new connection starts clean; replies to a previous connection can never be matched to it.
import { ResponseDecoder } from '../wire/index.ts';
import { IdTable } from './id-table.ts';

export class Connection<P> {
  decoder: ResponseDecoder;
  private nextSeqid = 1;
  /** what each sequence id in flight waits for; a one-way send has no entry */
  readonly pending = new IdTable<P>();

  constructor(private readonly maxFrameBytes: number) {
    this.decoder = new ResponseDecoder({ maxFrameBytes });
  }

  /** the seqid the next request gets */
  get nextSeqidValue(): number {
    return this.nextSeqid;
  }

  /** a fresh sequence id for one request */
  allocateSeqid(): number {
    const seqid = this.nextSeqid;
    // Keep seqids positive and wrap before i32 overflow (docs/PROTOCOL.md 2.3).
    this.nextSeqid = seqid >= 0x7fffffff ? 1 : seqid + 1;
    return seqid;
  }

  /** a fresh sequence id whose reply `reply` waits for */
  register(reply: P): number {
    const seqid = this.allocateSeqid();
    this.pending.set(seqid, reply);
    return seqid;
  }

  /** forget everything in flight and start a fresh stream (after a close or reconnect) */
  reset(): void {
    this.pending.clear();
    this.decoder = new ResponseDecoder({ maxFrameBytes: this.maxFrameBytes });
  }
}
