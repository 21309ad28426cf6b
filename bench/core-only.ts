// The client core alone, no sockets: one get per iteration through ClientCore.handle (call in,
// send out, reply bytes in, settle out), with the reply pre-encoded and only its seqid patched.
// Separates the core's CPU per call from the driver's and the kernel's (`npx tsx bench/core-only.ts`).
import type { CoreCommand } from '../core/client/index.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { parseCli } from '../scripts/cli-args.ts';
import { CoreHarness, getReply, partitionConfig, queryCfgReply } from '../tests/helpers/core-harness.ts';

parseCli(
  `usage: npx tsx bench/core-only.ts

CPU cost of one get through the sans-I/O client core alone (call, encode, reply decode, settle; no
sockets), in µs per call. Takes no options.`,
  {},
);

const META = '127.0.0.1:34601';
const N1 = '127.0.0.1:34801';
const h = new CoreHarness({ metaServers: [META], seed: 1 });
h.scripts.set(META, (req) =>
  queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 3n, N1, [])] }),
);
h.scripts.set(N1, (req) => getReply(req, 'v'));
h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
h.runUntil(10);
const key = encodeKey(Buffer.from('hash'), Buffer.from('sort'));
const hash = partitionHash(Buffer.from('hash'), Buffer.from('sort'));
const get = {
  table: 't',
  rpc: 'RPC_RRDB_RRDB_GET',
  args: key,
  partitionHash: hash,
  idempotent: true,
  timeoutMs: 1000,
} as const;
h.call(get);
h.runUntil(20); // connects N1 and completes one get

const reply = (seqid: number) =>
  encodeResponse('RPC_RRDB_RRDB_GET', seqid, 'ERR_OK', {
    error: 0,
    value: Buffer.from('v'),
    app_id: 1,
    partition_index: 0,
    server: '',
  });
// the seqid's offset: where two replies differing only in seqid differ
const a = reply(0x01020304);
const b = reply(0x05060708);
let seqidAt = 0;
while (a[seqidAt] === b[seqidAt]) seqidAt++;
const core = h.core;
const NAME = Buffer.from('RPC_RRDB_RRDB_GET');
const now = 30;
let callId = 1000;
const run = (n: number) => {
  for (let i = 0; i < n; i++) {
    const out: CoreCommand[] = core.handle({ type: 'call', callId: callId++, ...get }, now);
    const send = out.find((c) => c.type === 'send');
    if (send === undefined || send.type !== 'send') throw new Error('no send');
    // the request's seqid follows the method name in the message header
    const seqid = send.bytes.readInt32BE(send.bytes.indexOf(NAME) + NAME.length);
    const r = Buffer.from(a);
    r.writeInt32BE(seqid, seqidAt);
    const settled = core.handle({ type: 'data', address: N1, bytes: r }, now);
    if (!settled.some((c) => c.type === 'settle' && c.ok)) throw new Error('not settled ok');
  }
};
run(20_000);
const rounds: number[] = [];
for (let k = 0; k < 7; k++) {
  const n = 50_000;
  const t0 = process.hrtime.bigint();
  run(n);
  rounds.push(Number(process.hrtime.bigint() - t0) / n);
}
rounds.sort((x, y) => x - y);
console.log(
  `core only, one get (call + reply + settle): ${(rounds[3]! / 1000).toFixed(2)} us per call (median of 7 x 50k)`,
);
