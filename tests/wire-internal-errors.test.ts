// A fault that is not the peer's (a throwing argument, a broken byte view) still leaves the codec as a
// ProtocolError of kind 'internal' that names the codec function and the RPC, with the original text:
// callers handle ProtocolError only (docs/PROTOCOL.md), and the text says where to look.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeRequestParts,
  encodeResponse,
  ProtocolError,
  type RequestHeader,
} from '../core/wire/index.ts';

const header: RequestHeader = {
  app_id: 1,
  partition_index: 0,
  client_timeout_ms: 1000,
  partition_hash: 0n,
  is_backup_request: false,
};

/** an object whose every field read throws a plain Error */
const throwing = (): never =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('boom');
      },
      has() {
        return true;
      },
    },
  ) as never;

/** a byte view whose buffer cannot be read */
function brokenBytes(): Uint8Array {
  const u = new Uint8Array(8);
  Object.defineProperty(u, 'buffer', {
    get() {
      throw new RangeError('detached');
    },
  });
  return u;
}

function internal(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `a ProtocolError, got ${String(e)}`);
    assert.equal(e.kind, 'internal');
    assert.equal(e.message, message);
    return true;
  });
}

describe("codec faults that are not the peer's are internal ProtocolErrors naming where", () => {
  it('encodeRequest and encodeRequestParts', () => {
    internal(
      () => encodeRequest('RPC_CM_LIST_NODES', 1, throwing(), header),
      'encodeRequest(RPC_CM_LIST_NODES): Error: boom',
    );
    internal(
      () => encodeRequestParts('RPC_CM_LIST_NODES', 1, throwing(), header, 4096),
      'encodeRequest(RPC_CM_LIST_NODES): Error: boom',
    );
  });

  it('encodeResponse', () => {
    internal(
      () => encodeResponse('RPC_CM_LIST_NODES', 1, 'ERR_OK', throwing()),
      'encodeResponse(RPC_CM_LIST_NODES): Error: boom',
    );
  });

  it('decodeArgs and decodeResult', () => {
    internal(
      () => decodeArgs('RPC_CM_LIST_NODES', brokenBytes()),
      'decodeArgs(RPC_CM_LIST_NODES): RangeError: detached',
    );
    internal(
      () => decodeResult('RPC_CM_LIST_NODES', brokenBytes()),
      'decodeResult(RPC_CM_LIST_NODES): RangeError: detached',
    );
  });
});
