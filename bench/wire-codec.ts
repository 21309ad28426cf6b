// Micro-benchmark of the wire codec: ns per operation, median of several rounds.
// Run: npm run bench:wire   (or: npx tsx bench/wire-codec.ts)
// "fast" is the hot path (own primitives); "thrift" runs the same schema codecs over thrift's
// TBinaryProtocol with our transports, to show what using it on the hot path would cost.
import { crc64, encodeKey, partitionHash } from '../core/routing/index.ts';
import {
  decodeResult,
  encodeRequest,
  encodeResponse,
  type ReadResponse,
  type RequestHeader,
  ResponseDecoder,
  readResult,
  type UpdateResponse,
  writeRequest,
} from '../core/wire/index.ts';
import { ThriftReader, ThriftWriter } from '../core/wire/thrift-io.ts';
import { parseCli } from '../scripts/cli-args.ts';
import { nsPerOp } from './lib/ns-per-op.ts';

parseCli(
  `usage: npm run bench:wire

Micro-benchmark of the wire codec: ns per operation (median of several rounds) of the hot-path encoders
and decoders, next to the same schema codecs over thrift's TBinaryProtocol. Takes no options.`,
  {},
);

const ROUNDS = 9;
const ROUND_MS = 150;

const bench = (fn: () => void): number => nsPerOp(fn, { rounds: ROUNDS, roundMs: ROUND_MS, calibrateMs: 30 });

const hashKey = Buffer.from('user_000123');
const sortKey = Buffer.from('profile');
const key = encodeKey(hashKey, sortKey);
const header: RequestHeader = {
  app_id: 2,
  partition_index: 5,
  client_timeout_ms: 1000,
  partition_hash: partitionHash(hashKey, sortKey),
  is_backup_request: false,
};
const value = Buffer.alloc(100, 0x61);
const getResult: ReadResponse = { error: 0, value, app_id: 2, partition_index: 5, server: '10.0.0.7:34801' };
const putResult: UpdateResponse = {
  error: 0,
  app_id: 2,
  partition_index: 5,
  decree: 123456n,
  server: '10.0.0.7:34801',
};
const putArgs = { key, value, expire_ts_seconds: 0 };
const getReply = encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', getResult);
const putReply = encodeResponse('RPC_RRDB_RRDB_PUT', 1, 'ERR_OK', putResult);
const decoder = new ResponseDecoder();
let sink = 0;

function frameOf(bytes: Buffer) {
  const { frames } = decoder.push(bytes);
  return frames[0]!;
}

const rows: [string, () => void][] = [
  ['get: encode request', () => (sink += encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header).length)],
  [
    'get: decode response (framing + decodeResult)',
    () => (sink += decodeResult('RPC_RRDB_RRDB_GET', frameOf(getReply).body).error),
  ],
  [
    'get: encode + decode',
    () => {
      sink += encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header).length;
      sink += decodeResult('RPC_RRDB_RRDB_GET', frameOf(getReply).body).error;
    },
  ],
  [
    'put (100 B value): encode + decode',
    () => {
      sink += encodeRequest('RPC_RRDB_RRDB_PUT', 1, putArgs, header).length;
      sink += decodeResult('RPC_RRDB_RRDB_PUT', frameOf(putReply).body).error;
    },
  ],
  [
    'thrift get: encode + decode',
    () => {
      const w = new ThriftWriter();
      writeRequest(w, 'RPC_RRDB_RRDB_GET', 1, key, header, 1);
      sink += w.finish().length;
      sink += readResult(new ThriftReader(frameOf(getReply).body), 'RPC_RRDB_RRDB_GET').error;
    },
  ],
  [
    'thrift put (100 B value): encode + decode',
    () => {
      const w = new ThriftWriter();
      writeRequest(w, 'RPC_RRDB_RRDB_PUT', 1, putArgs, header, 1);
      sink += w.finish().length;
      sink += readResult(new ThriftReader(frameOf(putReply).body), 'RPC_RRDB_RRDB_PUT').error;
    },
  ],
  ['routing: crc64 of an 11-byte hash key', () => (sink += Number(crc64(hashKey) & 1n))],
];

console.log(`node ${process.version}, median of ${ROUNDS} rounds of ~${ROUND_MS} ms`);
console.log('| operation | ns/op |');
console.log('|---|---:|');
for (const [name, fn] of rows) console.log(`| ${name} | ${bench(fn).toFixed(0)} |`);
if (sink === 42) console.log('');
