// Decoder robustness: garbage, truncation, bit flips, wrong magic and huge lengths never make the
// codec throw anything but ProtocolError, never exceed the buffering limit, and never hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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
} from '../core/wire/index.ts';
import { ARGS, anyRequest, anyResponse, cutInto, RESULT_NAMES, RESULTS } from './wire-arbitraries.ts';

const RUNS = { numRuns: 300 };
const MAX = 512;
const cuts = fc.array(fc.nat(), { maxLength: 20 });

type Decoder = {
  push(c: Uint8Array): { frames: unknown[]; error?: unknown };
  readonly bufferedBytes: number;
};

/**
 * Pushes every chunk and checks the decoder contract: push never throws; the result is frames
 * and/or an error that is a ProtocolError; the buffer never exceeds MAX (frame limit; chunks are held
 * as views, never beyond one frame); once failed, every later push returns the same error and no frames.
 */
function checkContract(d: Decoder, chunks: Buffer[]): void {
  let dead: unknown;
  for (const c of chunks) {
    const res = d.push(c);
    if (dead !== undefined) {
      assert.equal(res.error, dead);
      assert.equal(res.frames.length, 0);
      continue;
    }
    if (res.error !== undefined) {
      assert.ok(res.error instanceof ProtocolError, `not a ProtocolError: ${String(res.error)}`);
      dead = res.error;
      assert.equal(d.bufferedBytes, 0);
    }
    assert.ok(d.bufferedBytes <= MAX, `buffered ${d.bufferedBytes} > ${MAX}`);
  }
  if (dead !== undefined) assert.equal(d.push(Buffer.from([1, 2, 3])).error, dead);
}

function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(
      e instanceof ProtocolError,
      `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
  }
}

const garbage = fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u));

function flip(b: Buffer, flips: [number, number][]): Buffer {
  const c = Buffer.from(b);
  if (c.length === 0) return c;
  for (const [at, bit] of flips) c[at % c.length]! ^= 1 << (bit % 8);
  return c;
}
const flips = fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 });

const responseBytes = anyResponse.map((r) =>
  r.result === undefined
    ? encodeResponse(r.name, r.seqid, r.error)
    : encodeResponse(r.name as RpcName, r.seqid, r.error, r.result as never),
);
const requestBytes = anyRequest.map((r) =>
  encodeRequest(r.name, r.seqid, r.args as never, r.header, { headerVersion: r.version }),
);

describe('stream decoders', () => {
  // ∀ bytes B, cut points C: checkContract(new XDecoder({maxFrameBytes: MAX}), cut(B, C))
  it('random bytes', () => {
    fc.assert(
      fc.property(garbage, cuts, (b, c) => {
        checkContract(new ResponseDecoder({ maxFrameBytes: MAX }), cutInto(b, c));
        checkContract(new RequestDecoder({ maxFrameBytes: MAX }), cutInto(b, c));
      }),
      RUNS,
    );
  });

  // ∀ random bytes prefixed with "THFT" + version 0 or 1 (so the header checks are reached): the contract holds
  it('random bytes behind a valid magic and version', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), garbage, cuts, (v, b, c) => {
        const head = Buffer.from([0x54, 0x48, 0x46, 0x54, 0, 0, 0, v]);
        checkContract(new RequestDecoder({ maxFrameBytes: MAX }), cutInto(Buffer.concat([head, b]), c));
      }),
      RUNS,
    );
  });

  // ∀ valid streams with bit flips or truncated anywhere: the contract holds
  it('bit flips and truncations of valid streams', () => {
    fc.assert(
      fc.property(
        fc.array(responseBytes, { maxLength: 3 }),
        fc.array(requestBytes, { maxLength: 3 }),
        flips,
        fc.nat(),
        cuts,
        (resp, req, fl, cut, c) => {
          const r1 = flip(Buffer.concat(resp), fl);
          const r2 = flip(Buffer.concat(req), fl);
          checkContract(
            new ResponseDecoder({ maxFrameBytes: MAX }),
            cutInto(r1.subarray(0, cut % (r1.length + 1)), c),
          );
          checkContract(
            new RequestDecoder({ maxFrameBytes: MAX }),
            cutInto(r2.subarray(0, cut % (r2.length + 1)), c),
          );
        },
      ),
      RUNS,
    );
  });

  // ∀ first 4 bytes ≠ "THFT": the request decoder reports 'bad-magic' and buffers nothing
  it('wrong magic', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ minLength: 4, maxLength: 64 })
          .filter((u) => Buffer.from(u.subarray(0, 4)).toString('latin1') !== 'THFT'),
        (u) => {
          const d = new RequestDecoder();
          const { frames, error } = d.push(u);
          assert.equal(frames.length, 0);
          assert.equal(error?.kind, 'bad-magic');
          assert.equal(d.bufferedBytes, 0);
        },
      ),
      RUNS,
    );
  });

  // ∀ announced length L > MAX (or L < 20): the response decoder fails on the 4 length bytes alone
  it('huge or too-small response lengths fail before buffering', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: MAX + 1 }), fc.integer({ max: 19 })), (len) => {
        const d = new ResponseDecoder({ maxFrameBytes: MAX });
        const b = Buffer.alloc(4);
        b.writeInt32BE(len);
        const { error } = d.push(b);
        assert.ok(error?.kind === 'frame-too-large' || error?.kind === 'bad-length', String(error?.kind));
        assert.equal(d.bufferedBytes, 0);
      }),
      RUNS,
    );
  });

  // ∀ v1 meta_length + body_length over MAX, or v0 body_length over MAX - 48: 'frame-too-large'
  it('huge request lengths fail before buffering', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.integer({ min: MAX, max: 0xffffffff }), (v, len) => {
        const b = Buffer.alloc(v === 0 ? 20 : 16);
        b.write('THFT', 0, 'latin1');
        b.writeUInt32BE(v, 4);
        if (v === 0) {
          b.writeUInt32BE(48, 8);
          b.writeUInt32BE(len, 16);
        } else {
          b.writeUInt32BE(1, 8);
          b.writeUInt32BE(len, 12);
        }
        const d = new RequestDecoder({ maxFrameBytes: MAX });
        assert.equal(d.push(b).error?.kind, 'frame-too-large');
        assert.equal(d.bufferedBytes, 0);
      }),
      RUNS,
    );
  });
});

describe('decodeResult / decodeArgs on garbage', () => {
  // ∀ name, random bytes B: decodeResult(name, B) and decodeArgs(name, B) return or throw a ProtocolError
  it('random bodies', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RPC_NAMES), garbage, (name, b) => {
        onlyProtocolErrors(() => decodeResult(name, b));
        onlyProtocolErrors(() => decodeArgs(name, b));
      }),
      RUNS,
    );
  });

  // ∀ name, valid result body with bit flips or truncation: decodeResult returns or throws ProtocolError
  it('mutated valid result bodies', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...RESULT_NAMES)
          .chain((n) => fc.tuple(fc.constant(n), RESULTS[n] as fc.Arbitrary<unknown>)),
        flips,
        fc.nat(),
        ([name, result], fl, cut) => {
          const frame = new ResponseDecoder().push(encodeResponse(name, 1, 'ERR_OK', result as never))
            .frames[0]!;
          const body = flip(frame.body, fl);
          onlyProtocolErrors(() => decodeResult(name, body));
          onlyProtocolErrors(() => decodeResult(name, frame.body.subarray(0, cut % (frame.body.length + 1))));
        },
      ),
      RUNS,
    );
  });

  // ∀ name, valid args body with bit flips or truncation: decodeArgs returns or throws ProtocolError
  it('mutated valid args bodies', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...RPC_NAMES)
          .chain((n) => fc.tuple(fc.constant(n), ARGS[n] as fc.Arbitrary<unknown>)),
        flips,
        fc.nat(),
        ([name, args], fl, cut) => {
          const header = {
            app_id: 1,
            partition_index: 2,
            client_timeout_ms: 3,
            partition_hash: 4n,
            is_backup_request: false,
          };
          const frame = new RequestDecoder().push(encodeRequest(name, 1, args as never, header)).frames[0]!;
          onlyProtocolErrors(() => decodeArgs(name, flip(frame.body, fl)));
          onlyProtocolErrors(() => decodeArgs(name, frame.body.subarray(0, cut % (frame.body.length + 1))));
        },
      ),
      RUNS,
    );
  });

  // a list header announcing 2^31-1 elements must fail at once, not loop or allocate
  it('huge element counts fail fast', () => {
    const body = Buffer.from([0x0c, 0x00, 0x01, 0x0f, 0x00, 0x02, 0x0c, 0x7f, 0xff, 0xff, 0xff, 0x00]);
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_MULTI_REMOVE', body), ProtocolError);
    // an unknown list<i32> field with a huge count inside update_response
    const result = Buffer.from([
      0x0c, 0x00, 0x00, 0x0f, 0x00, 0x63, 0x08, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x00,
    ]);
    assert.throws(
      () => decodeResult('RPC_RRDB_RRDB_PUT', result),
      (e) => e instanceof ProtocolError && e.kind === 'bad-length',
    );
  });
});
