// Differential test: the hot-path primitives (FastWriter / FastReader) against thrift's own
// TBinaryProtocol (ThriftWriter / ThriftReader) driving the same schema codecs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import thrift from 'thrift/lib/nodejs/lib/thrift/thrift.js';
import {
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeResponse,
  ProtocolError,
  RequestDecoder,
  ResponseDecoder,
  RPC_NAMES,
  type RpcName,
  readArgs,
  readResult,
  writeRequest,
  writeResponse,
} from '../core/wire/index.ts';
import { ThriftReader, ThriftWriter } from '../core/wire/thrift-io.ts';
import * as ttype from '../core/wire/ttype.ts';
import { anyRequest, anyResponse } from './wire-arbitraries.ts';

const RUNS = { numRuns: 300 };

/** 'ok' + value, or the error kind; anything but a ProtocolError fails the test */
function outcome(fn: () => unknown): unknown {
  try {
    return ['ok', fn()];
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `threw ${String(e)}`);
    return ['error'];
  }
}

describe('fast primitives = thrift TBinaryProtocol', () => {
  it("type ids and message types are thrift's own", () => {
    const { Type, MessageType } = thrift;
    assert.deepEqual(
      [ttype.T_STOP, ttype.T_BOOL, ttype.T_BYTE, ttype.T_DOUBLE, ttype.T_I16, ttype.T_I32, ttype.T_I64],
      [Type.STOP, Type.BOOL, Type.BYTE, Type.DOUBLE, Type.I16, Type.I32, Type.I64],
    );
    assert.deepEqual(
      [ttype.T_STRING, ttype.T_STRUCT, ttype.T_MAP, ttype.T_SET, ttype.T_LIST],
      [Type.STRING, Type.STRUCT, Type.MAP, Type.SET, Type.LIST],
    );
    assert.deepEqual(
      [ttype.MSG_CALL, ttype.MSG_REPLY, ttype.MSG_ONEWAY],
      [MessageType.CALL, MessageType.REPLY, MessageType.ONEWAY],
    );
  });

  // ∀ request inputs x: writeRequest(ThriftWriter, x) = encodeRequest(x), byte for byte,
  //   and readArgs(ThriftReader, body) = decodeArgs(body)
  it('requests: same bytes, same decoded args', () => {
    fc.assert(
      fc.property(anyRequest, (r) => {
        const fast = encodeRequest(r.name, r.seqid, r.args as never, r.header, { headerVersion: r.version });
        const tw = new ThriftWriter();
        writeRequest(tw, r.name, r.seqid, r.args as never, r.header, r.version);
        assert.deepEqual(tw.finish(), fast);
        const f = new RequestDecoder().push(fast).frames[0]!;
        assert.deepEqual(readArgs(new ThriftReader(f.body), r.name), decodeArgs(r.name, f.body));
      }),
      RUNS,
    );
  });

  // ∀ response inputs x: writeResponse(ThriftWriter, x) = encodeResponse(x), byte for byte,
  //   and for ERR_OK readResult(ThriftReader, body) = decodeResult(body)
  it('responses: same bytes, same decoded results', () => {
    fc.assert(
      fc.property(anyResponse, (r) => {
        const fast =
          r.result === undefined
            ? encodeResponse(r.name, r.seqid, r.error)
            : encodeResponse(r.name as RpcName, r.seqid, r.error, r.result as never);
        const tw = new ThriftWriter();
        writeResponse(tw, r.name, r.seqid, r.error, r.result);
        assert.deepEqual(tw.finish(), fast);
        if (r.result !== undefined) {
          const f = new ResponseDecoder().push(fast).frames[0]!;
          const name = r.name as RpcName;
          assert.deepEqual(readResult(new ThriftReader(f.body), name), decodeResult(name, f.body));
        }
      }),
      RUNS,
    );
  });

  // ∀ name, bytes B: both readers accept B with equal values, or both reject it with a ProtocolError
  it('garbage: both accept with equal values or both reject', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RPC_NAMES), fc.uint8Array({ maxLength: 80 }), (name, u) => {
        const b = Buffer.from(u);
        assert.deepEqual(
          outcome(() => readArgs(new ThriftReader(b), name)),
          outcome(() => decodeArgs(name, b)),
        );
        if (name !== 'RPC_RRDB_RRDB_CLEAR_SCANNER') {
          assert.deepEqual(
            outcome(() => readResult(new ThriftReader(b), name)),
            outcome(() => decodeResult(name, b)),
          );
        }
      }),
      RUNS,
    );
  });
});
