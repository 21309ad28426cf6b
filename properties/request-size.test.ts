// The write-size check counts without encoding; these properties tie the count to the encoder.
//
// Property 1 (exact). For every RPC name N and args a drawn from ARGS[N]:
//   requestBodyBytes(N, a) = |encodeRequest(N, s, a, h, v0)| - 48
// (the v0 header is a fixed 48 bytes; what follows is the Thrift message the server measures).
// Property 2 (bound). For every write RPC N (kind 'write') and args a from ARGS[N]:
//   writeBodyBytesAtMost(N, a) >= requestBodyBytes(N, a)
// so the fast path never lets through a request the exact count would refuse. For other RPCs the
// bound is null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  encodeRequest,
  RPC_NAMES,
  type RpcName,
  requestBodyBytes,
  rpcInfo,
  writeBodyBytesAtMost,
  writeBodyBytesOver,
} from '../core/wire/index.ts';
import { ARGS } from './wire-arbitraries.ts';

const HEADER = {
  app_id: 1,
  partition_index: 0,
  client_timeout_ms: 1000,
  partition_hash: 0n,
  is_backup_request: false,
};

const anyArgs = fc.oneof(...RPC_NAMES.map((name) => ARGS[name].map((args) => ({ name, args }))));
const WRITES = RPC_NAMES.filter((n) => rpcInfo(n).kind === 'write');

describe('request size without encoding', () => {
  it('property 1: the count equals the encoded body, for every RPC', () => {
    fc.assert(
      fc.property(anyArgs, ({ name, args }) => {
        const frame = encodeRequest(name as RpcName, 7, args as never, HEADER, { headerVersion: 0 });
        assert.equal(requestBodyBytes(name as RpcName, args as never), frame.length - 48);
      }),
      { numRuns: 500 },
    );
  });

  it('property 2: the bound is never below the count, for every write RPC (and null otherwise)', () => {
    assert.ok(WRITES.length >= 6, `write RPCs: ${WRITES.join()}`);
    fc.assert(
      fc.property(anyArgs, ({ name, args }) => {
        const bound = writeBodyBytesAtMost(name as RpcName, args as never);
        if (!WRITES.includes(name as RpcName)) return bound === null;
        return bound !== null && bound >= requestBodyBytes(name as RpcName, args as never);
      }),
      { numRuns: 500 },
    );
  });

  it('writeBodyBytesOver: -1 up to the limit, the exact size one byte over it', () => {
    const args = { key: Buffer.alloc(10), value: Buffer.alloc(5000), expire_ts_seconds: 0 };
    const exact = requestBodyBytes('RPC_RRDB_RRDB_PUT', args);
    assert.equal(writeBodyBytesOver('RPC_RRDB_RRDB_PUT', args, exact), -1);
    assert.equal(writeBodyBytesOver('RPC_RRDB_RRDB_PUT', args, exact - 1), exact);
    // reads are never measured
    assert.equal(writeBodyBytesOver('RPC_RRDB_RRDB_GET', Buffer.alloc(5000), 10), -1);
  });
});
