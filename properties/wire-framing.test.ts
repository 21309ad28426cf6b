// Framing properties: a stream of frames cut into arbitrary chunks decodes to the same frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  encodeRequest,
  encodeResponse,
  RequestDecoder,
  type RequestFrame,
  ResponseDecoder,
  type ResponseFrame,
  type RpcName,
} from '../core/wire/index.ts';
import { anyRequest, anyResponse, cutInto } from './wire-arbitraries.ts';

const RUNS = { numRuns: 300 };
const cuts = fc.array(fc.nat(), { maxLength: 30 });

function pushAll<F>(d: { push(c: Uint8Array): { frames: F[]; error?: unknown } }, chunks: Buffer[]): F[] {
  const out: F[] = [];
  for (const c of chunks) {
    const { frames, error } = d.push(c);
    assert.equal(error, undefined);
    out.push(...frames);
  }
  return out;
}

const responseView = (f: ResponseFrame) => [f.error, f.name, f.seqid, Buffer.from(f.body)];
const requestView = (f: RequestFrame) => [
  f.headerVersion,
  f.header,
  f.threadHash,
  f.messageType,
  f.name,
  f.seqid,
  Buffer.from(f.body),
];

describe('framing', () => {
  // ∀ responses r1..rn, cut points C: let B = enc(r1) ‖ … ‖ enc(rn), chunks = cut(B, C) in
  //   concat of push(chunk).frames over the chunks = [push(enc(ri)).frames[0] for each i]
  //   ∧ no push returns an error ∧ bufferedBytes = 0 at the end
  it('response stream in random chunks = the frames one by one', () => {
    fc.assert(
      fc.property(fc.array(anyResponse, { maxLength: 6 }), cuts, (responses, cutPoints) => {
        const encoded = responses.map((r) =>
          r.result === undefined
            ? encodeResponse(r.name, r.seqid, r.error)
            : encodeResponse(r.name as RpcName, r.seqid, r.error, r.result as never),
        );
        const expected = encoded.map((b) => responseView(new ResponseDecoder().push(b).frames[0]!));
        const d = new ResponseDecoder();
        const got = pushAll(d, cutInto(Buffer.concat(encoded), cutPoints)).map(responseView);
        assert.deepEqual(got, expected);
        assert.equal(d.bufferedBytes, 0);
      }),
      RUNS,
    );
  });

  // the same for request frames (headers v0 and v1 mixed in one stream)
  it('request stream in random chunks = the frames one by one', () => {
    fc.assert(
      fc.property(fc.array(anyRequest, { maxLength: 6 }), cuts, (requests, cutPoints) => {
        const encoded = requests.map((r) =>
          encodeRequest(r.name, r.seqid, r.args as never, r.header, { headerVersion: r.version }),
        );
        const expected = encoded.map((b) => requestView(new RequestDecoder().push(b).frames[0]!));
        const d = new RequestDecoder();
        const got = pushAll(d, cutInto(Buffer.concat(encoded), cutPoints)).map(requestView);
        assert.deepEqual(got, expected);
        assert.equal(d.bufferedBytes, 0);
      }),
      RUNS,
    );
  });

  // ∀ stream B, strict prefix P of the last frame: after pushing B ‖ P the decoder holds exactly |P|
  //   bytes and has emitted exactly the complete frames
  it('holds exactly the bytes of the incomplete tail', () => {
    fc.assert(
      fc.property(
        fc.array(anyResponse, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        cuts,
        (rs, cut, cutPoints) => {
          const encoded = rs.map((r) =>
            r.result === undefined
              ? encodeResponse(r.name, r.seqid, r.error)
              : encodeResponse(r.name as RpcName, r.seqid, r.error, r.result as never),
          );
          const last = encoded.pop()!;
          const tail = last.subarray(0, cut % last.length);
          const d = new ResponseDecoder();
          const got = pushAll(d, cutInto(Buffer.concat([...encoded, tail]), cutPoints));
          assert.equal(got.length, encoded.length);
          assert.equal(d.bufferedBytes, tail.length);
        },
      ),
      RUNS,
    );
  });
});
