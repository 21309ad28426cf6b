// The client core alone, no sockets: get and set through ClientCore.handle, DEPTH calls in, their
// sends out, the replies (pre-encoded, only their seqids patched) back in one data event, the
// settles out; as the real client sees a busy connection. Separates the core's CPU per call from
// the driver's, the promise API's and the kernel's (`npx tsx bench/core-only.ts`).
import type { CoreCommand } from '../core/client/index.ts';
import { encodeKey, partitionHash } from '../core/routing/index.ts';
import { encodeResponse } from '../core/wire/index.ts';
import { numberArg, parseCli } from '../scripts/cli-args.ts';
import { CoreHarness, partitionConfig, queryCfgReply } from '../tests/helpers/core-harness.ts';

const USAGE = `usage: npx tsx bench/core-only.ts [--depth N] [--rounds N]

CPU cost of one call through the sans-I/O client core alone (call, encode, reply decode, settle; no
sockets), in µs per call (process CPU time, median of --rounds rounds of 50k calls, default 7), for
get and set (100 B values), with --depth calls answered per data event (default 64).`;
const { values } = parseCli(USAGE, { depth: { type: 'string' }, rounds: { type: 'string' } });
const depth = numberArg(USAGE, '--depth', values.depth, 1, 4096) ?? 64;
const roundCount = numberArg(USAGE, '--rounds', values.rounds, 1, 101) ?? 7;

const META = '127.0.0.1:34601';
const N1 = '127.0.0.1:34801';
const h = new CoreHarness({ metaServers: [META], seed: 1 });
h.scripts.set(META, (req) =>
  queryCfgReply(req, { app_id: 1, partition_count: 1, partitions: [partitionConfig(1, 0, 3n, N1, [])] }),
);
h.feed({ type: 'openTable', requestId: 1, table: 't', timeoutMs: 1000 });
h.runUntil(10);
// one call connects N1 (its reply is never needed: the node is connected once runUntil returns)
h.call({
  table: 't',
  rpc: 'RPC_RRDB_RRDB_REMOVE',
  args: Buffer.from('x'),
  partitionHash: 0n,
  idempotent: true,
  timeoutMs: 5,
});
h.runUntil(20);
const core = h.core;

const hashKey = Buffer.from('hash');
const sortKey = Buffer.from('sort');
const key = encodeKey(hashKey, sortKey);
const hash = partitionHash(hashKey, sortKey);
const value = Buffer.alloc(100, 0x76);
const calls = {
  get: { rpc: 'RPC_RRDB_RRDB_GET', args: key },
  set: { rpc: 'RPC_RRDB_RRDB_PUT', args: { key, value, expire_ts_seconds: 0 } },
} as const;
const replies = {
  get: (seqid: number) =>
    encodeResponse('RPC_RRDB_RRDB_GET', seqid, 'ERR_OK', {
      error: 0,
      value,
      app_id: 1,
      partition_index: 0,
      server: '',
    }),
  set: (seqid: number) =>
    encodeResponse('RPC_RRDB_RRDB_PUT', seqid, 'ERR_OK', {
      error: 0,
      app_id: 1,
      partition_index: 0,
      decree: 1n,
      server: '',
    }),
};

/** where a reply's seqid is: the first byte where two replies differing only in seqid differ */
function seqidOffset(reply: (seqid: number) => Buffer): number {
  const a = reply(0x01020304);
  const b = reply(0x05060708);
  let i = 0;
  while (a[i] === b[i]) i++;
  return i;
}

let callId = 1000;
let now = 30;
function measure(op: 'get' | 'set'): number {
  const spec = { table: 't', ...calls[op], partitionHash: hash, idempotent: true, timeoutMs: 1000 } as const;
  const template = replies[op](0);
  const at = seqidOffset(replies[op]);
  const name = Buffer.from(spec.rpc);
  const batch = Buffer.alloc(template.length * depth);
  const round = (n: number) => {
    for (let done = 0; done < n; done += depth) {
      now += 0.01;
      for (let i = 0; i < depth; i++) {
        const out: CoreCommand[] = core.handle({ type: 'call', callId: callId++, ...spec }, now);
        const send = out.find((c) => c.type === 'send');
        if (send === undefined || send.type !== 'send') throw new Error('no send');
        // the request's seqid follows the method name in the message header
        const seqid = send.bytes.readInt32BE(send.bytes.indexOf(name) + name.length);
        template.copy(batch, i * template.length);
        batch.writeInt32BE(seqid, i * template.length + at);
      }
      const settled = core.handle({ type: 'data', address: N1, bytes: Buffer.from(batch) }, now);
      let ok = 0;
      for (const c of settled) if (c.type === 'settle' && c.ok) ok++;
      if (ok !== depth) throw new Error(`${ok} of ${depth} calls settled ok`);
    }
  };
  round(20_000);
  const rounds: number[] = [];
  for (let k = 0; k < roundCount; k++) {
    const n = Math.ceil(50_000 / depth) * depth;
    const t0 = process.cpuUsage();
    round(n);
    const cpu = process.cpuUsage(t0);
    rounds.push((cpu.user + cpu.system) / n);
  }
  rounds.sort((x, y) => x - y);
  return rounds[rounds.length >> 1]!;
}

for (const op of ['get', 'set'] as const) {
  const us = measure(op);
  process.stdout.write(
    `core only, one ${op} (call + encode + reply decode + settle), depth ${depth}: ${us.toFixed(2)} µs CPU per call (median of ${roundCount} rounds)\n`,
  );
}
