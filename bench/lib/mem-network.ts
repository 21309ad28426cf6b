// An in-memory Pegasus for measuring the client alone: a network port (core/driver/ports.ts) whose
// links answer every request of a turn in one data event on the next turn (setImmediate), from a
// pre-encoded reply with its seqid patched; its meta serves one table of 8 partitions over three
// replicas. No kernel and no second process, so what the client costs is all that is measured
// (bench/cpu-inproc.ts, bench/cpu-alloc.ts, tests/client-gc-survival.test.ts).
import type { Link, LinkEvents } from '../../core/driver/ports.ts';
import { encodeRequest, encodeResponse, RequestDecoder, type RpcName } from '../../core/wire/index.ts';
import { partitionConfig, queryCfgReply } from '../../tests/helpers/core-harness.ts';

export const MEM_META = '10.0.0.1:34601';
const REPLICAS = ['10.0.0.2:34801', '10.0.0.3:34801', '10.0.0.4:34801'];
const PARTITIONS = 8;
const APP_ID = 1;
/** the value every get returns and the benches write */
export const MEM_VALUE = Buffer.alloc(100, 0x76);

/** a reply per RPC, and where its seqid goes */
interface Template {
  bytes: Buffer;
  seqidAt: number;
}
function template(reply: (seqid: number) => Buffer): Template {
  const a = reply(0x01020304);
  const b = reply(0x05060708);
  let i = 0;
  while (a[i] === b[i]) i++;
  return { bytes: a, seqidAt: i };
}
const GET_REPLY = template((seqid) =>
  encodeResponse('RPC_RRDB_RRDB_GET', seqid, 'ERR_OK', {
    error: 0,
    value: MEM_VALUE,
    app_id: APP_ID,
    partition_index: 0,
    server: '',
  }),
);
const PUT_REPLY = template((seqid) =>
  encodeResponse('RPC_RRDB_RRDB_PUT', seqid, 'ERR_OK', {
    error: 0,
    app_id: APP_ID,
    partition_index: 0,
    decree: 1n,
    server: '',
  }),
);
const NAME_PREFIX = 'RPC_RRDB_RRDB_'.length;

/**
 * The replica side of one request frame (header v1): its seqid and which reply it gets, read at
 * fixed offsets like the TCP floor's decoder; the reply goes into `out` at `at`.
 */
export function answer(frame: Buffer, out: Buffer[]): void {
  const body = 16 + frame.readInt32BE(8);
  const nameLength = frame.readInt32BE(body + 4);
  const seqid = frame.readInt32BE(body + 8 + nameLength);
  const t = frame[body + 8 + NAME_PREFIX] === 0x47 /* G */ ? GET_REPLY : PUT_REPLY;
  const reply = Buffer.allocUnsafe(t.bytes.length);
  t.bytes.copy(reply, 0);
  reply.writeInt32BE(seqid, t.seqidAt);
  out.push(reply);
}

class MemLink implements Link {
  private replies: Buffer[] = [];
  private scheduled = false;
  private readonly meta: RequestDecoder | null;

  constructor(
    readonly address: string,
    private readonly events: LinkEvents,
  ) {
    this.meta = address === MEM_META ? new RequestDecoder() : null;
    queueMicrotask(() => events.opened(this));
  }

  write(bytes: Buffer): void {
    if (this.meta !== null) {
      const { frames } = this.meta.push(bytes);
      for (const f of frames) {
        const a = queryCfgReply(f, {
          app_id: APP_ID,
          partition_count: PARTITIONS,
          partitions: Array.from({ length: PARTITIONS }, (_, i) =>
            partitionConfig(APP_ID, i, 3n, REPLICAS[i % REPLICAS.length]!, []),
          ),
        });
        if (a.kind === 'reply') this.replies.push(a.bytes);
      }
    } else answer(bytes, this.replies);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.deliver);
  }

  close(): void {}

  private readonly deliver = (): void => {
    this.scheduled = false;
    const batch = this.replies;
    this.replies = [];
    this.events.data(this, batch.length === 1 ? batch[0]! : Buffer.concat(batch));
  };
}

/** the network port: pass it to NodeDriver */
export const memNetwork = {
  open: (address: string, events: LinkEvents): Link => new MemLink(address, events),
  setRef: () => {},
  released: () => Promise.resolve(),
};

/** a request frame as the client writes it (header v1) */
export function requestFrameOf(rpc: RpcName): Buffer {
  const key = Buffer.from('\u0000\u0004hashsort', 'latin1');
  const args = rpc === 'RPC_RRDB_RRDB_GET' ? key : { key, value: MEM_VALUE, expire_ts_seconds: 0 };
  return encodeRequest(rpc, 7, args as never, {
    app_id: APP_ID,
    partition_index: 0,
    client_timeout_ms: 1000,
    partition_hash: 1n,
    is_backup_request: false,
  });
}
