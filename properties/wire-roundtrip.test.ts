// Round-trip properties for every struct the wire carries, through the public framing API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeResponse,
  RequestDecoder,
  ResponseDecoder,
  RPC_NAMES,
  type RpcName,
} from '../core/wire/index.ts';
import { ARGS, headerVersion, RESULT_NAMES, RESULTS, requestHeader } from './wire-arbitraries.ts';

const RUNS = { numRuns: 200 };

describe('request round trip, for every RPC', () => {
  for (const name of RPC_NAMES) {
    // ∀ args ∈ Args(name), header h, seqid s, version v ∈ {0,1}:
    //   let F = RequestDecoder.push(encodeRequest(name, s, args, h, {headerVersion: v})) in
    //   F = [f] ∧ f.name = name ∧ f.seqid = s ∧ f.headerVersion = v ∧ f.header = h
    //   ∧ f.messageType = CALL ∧ decodeArgs(name, f.body) = args
    it(name, () => {
      fc.assert(
        fc.property(
          headerVersion.chain((v) => fc.tuple(fc.constant(v), requestHeader(v))),
          fc.integer(),
          ARGS[name] as fc.Arbitrary<unknown>,
          ([v, h], seqid, args) => {
            const n = name as RpcName;
            const bytes = encodeRequest(n, seqid, args as never, h, { headerVersion: v });
            const { frames, error } = new RequestDecoder().push(bytes);
            assert.equal(error, undefined);
            assert.equal(frames.length, 1);
            const f = frames[0]!;
            assert.equal(f.name, name);
            assert.equal(f.seqid, seqid);
            assert.equal(f.headerVersion, v);
            assert.equal(f.messageType, 1);
            assert.deepEqual(f.header, h);
            assert.deepEqual(decodeArgs(n, f.body), args);
          },
        ),
        RUNS,
      );
    });
  }
});

describe('response round trip, for every RPC with a result', () => {
  for (const name of RESULT_NAMES) {
    // ∀ r ∈ Result(name), seqid s:
    //   let F = ResponseDecoder.push(encodeResponse(name, s, 'ERR_OK', r)) in
    //   F = [f] ∧ f.error = 'ERR_OK' ∧ f.name = name + '_ACK' ∧ f.seqid = s ∧ decodeResult(name, f.body) = r
    it(name, () => {
      fc.assert(
        fc.property(fc.integer(), RESULTS[name] as fc.Arbitrary<unknown>, (seqid, result) => {
          const bytes = encodeResponse(name, seqid, 'ERR_OK', result as never);
          assert.equal(bytes.readInt32BE(0), bytes.length);
          const { frames, error } = new ResponseDecoder().push(bytes);
          assert.equal(error, undefined);
          assert.equal(frames.length, 1);
          const f = frames[0]!;
          assert.equal(f.error, 'ERR_OK');
          assert.equal(f.name, `${name}_ACK`);
          assert.equal(f.seqid, seqid);
          assert.deepEqual(decodeResult(name, f.body), result);
        }),
        RUNS,
      );
    });
  }
});

describe('error replies', () => {
  // ∀ name, error e (any string), seqid s: the decoded frame of encodeResponse(name, s, e) has
  //   error e, name name+'_ACK', seqid s and an empty body
  it('carry the error name and no body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RPC_NAMES),
        fc.string({ unit: 'grapheme', maxLength: 47 }),
        fc.integer(),
        (name, e, seqid) => {
          const { frames, error } = new ResponseDecoder().push(encodeResponse(name, seqid, e));
          assert.equal(error, undefined);
          assert.deepEqual(
            frames.map((f) => [f.error, f.name, f.seqid, f.body.length]),
            [[e, `${name}_ACK`, seqid, 0]],
          );
        },
      ),
      RUNS,
    );
  });
});
