// Edges of the request and response codecs and of the error classification (core/wire:
// request-codec.ts, response-codec.ts, error-codes.ts), each pinned because a Stryker mutant survived
// the wire tests without it (docs/MUTANTS.md): what encodeRequest refuses and says, the header
// version it defaults to, the bounds of a response frame's length, which field of a result wrapper
// is the result, the name a reply answers, and the classification's cache and retry rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFastWriter } from '../core/wire/fast-writer.ts';
import {
  classifyError,
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeRequestParts,
  encodeResponse,
  mayRetry,
  RequestDecoder,
  type RequestHeader,
  ResponseDecoder,
  requestNameOf,
  rpcInfo,
} from '../core/wire/index.ts';

const header: RequestHeader = {
  app_id: 1,
  partition_index: 0,
  client_timeout_ms: 1000,
  partition_hash: 0n,
  is_backup_request: false,
};
const key = Buffer.from([0, 1, 0x68, 0x73]);

describe('encodeRequest refuses, and says what', () => {
  it('an unknown RPC, a header that is no object, a backup flag in header v0, a header version 2', () => {
    assert.throws(() => encodeRequest('RPC_NOPE' as never, 1, key as never, header), {
      message: 'unknown RPC name "RPC_NOPE"',
    });
    assert.throws(() => encodeRequest('RPC_RRDB_RRDB_GET', 1, key, null as never), {
      kind: 'encode',
      message: 'request header must be an object',
    });
    assert.throws(() => encodeRequest('RPC_RRDB_RRDB_GET', 1, key, 7 as never), {
      kind: 'encode',
      message: 'request header must be an object',
    });
    assert.throws(
      () =>
        encodeRequest(
          'RPC_RRDB_RRDB_GET',
          1,
          key,
          { ...header, is_backup_request: true },
          { headerVersion: 0 },
        ),
      { message: 'header v0 cannot carry is_backup_request; use header v1' },
    );
    assert.throws(() => encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header, { headerVersion: 2 as never }), {
      message: 'header version must be 0 or 1, got 2',
    });
  });

  it('writes header v1 unless told otherwise (whole or in parts)', () => {
    for (const [opts, version] of [
      [undefined, 1],
      [{}, 1],
      [{ headerVersion: 0 }, 0],
    ] as const) {
      const { frames } = new RequestDecoder().push(encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header, opts));
      assert.equal(frames[0]?.headerVersion, version, JSON.stringify(opts));
      const parts = encodeRequestParts('RPC_RRDB_RRDB_GET', 1, key, header, 1 << 20, opts);
      assert.equal(new RequestDecoder().push(Buffer.concat(parts)).frames[0]?.headerVersion, version);
    }
  });
});

/** a response frame of `total` bytes: empty error name, empty reply name, then padding */
function responseOf(total: number): Buffer {
  const b = Buffer.alloc(total);
  b.writeInt32BE(total, 0);
  b.writeInt32BE(0, 4); // error name ''
  b.writeUInt32BE(0x80010002, 8); // strict message begin: version 1, REPLY
  b.writeInt32BE(0, 12); // name ''
  if (total >= 20) b.writeInt32BE(9, 16); // seqid
  return b;
}

describe('response frames: the bounds of total_length', () => {
  it('20 bytes is the smallest response, 19 is refused with its length', () => {
    const { frames, error } = new ResponseDecoder().push(responseOf(20));
    assert.equal(error, undefined);
    assert.equal(frames[0]?.seqid, 9);
    const bad = new ResponseDecoder().push(responseOf(19));
    assert.equal(bad.error?.kind, 'bad-length');
    assert.equal(bad.error?.message, 'response total_length 19 is below 20');
  });

  it('a frame of exactly maxFrameBytes is taken, one byte more is refused with both sizes', () => {
    assert.equal(new ResponseDecoder({ maxFrameBytes: 64 }).push(responseOf(64)).frames.length, 1);
    const bad = new ResponseDecoder({ maxFrameBytes: 64 }).push(responseOf(65));
    assert.equal(bad.error?.kind, 'frame-too-large');
    assert.equal(bad.error?.message, 'response frame of 65 bytes exceeds 64');
  });
});

describe('results', () => {
  const value = { error: 0, value: Buffer.from('v'), app_id: 1, partition_index: 0, server: '' };
  const codec = rpcInfo('RPC_RRDB_RRDB_GET').result!;

  it('the result is field 0 of its type: a field 0 of another type is no result, a struct elsewhere is refused', () => {
    const i32Field0 = withFastWriter((w) => {
      w.writeFieldBegin(8, 0);
      w.writeI32(7);
      w.writeFieldStop();
    });
    assert.throws(() => decodeResult('RPC_RRDB_RRDB_GET', i32Field0), {
      message: 'RPC_RRDB_RRDB_GET reply has no result field',
    });
    const extraStruct = withFastWriter((w) => {
      w.writeFieldBegin(codec.tag, 0);
      codec.write(w, value);
      w.writeFieldBegin(codec.tag, 5); // a struct this client cannot skip safely
      codec.write(w, { ...value, value: Buffer.from('other') });
      w.writeFieldStop();
    });
    assert.throws(() => decodeResult('RPC_RRDB_RRDB_GET', extraStruct), /field 5: unknown field of type 12/);
    const ok = withFastWriter((w) => {
      w.writeFieldBegin(codec.tag, 0);
      codec.write(w, value);
      w.writeFieldStop();
    });
    assert.deepEqual(decodeResult('RPC_RRDB_RRDB_GET_ACK', ok), value);
  });

  it('a wrapper without field 0, with trailing bytes, empty, or of a one-way RPC is refused, saying so', () => {
    const none = withFastWriter((w) => w.writeFieldStop());
    assert.throws(() => decodeResult('RPC_RRDB_RRDB_GET', none), {
      message: 'RPC_RRDB_RRDB_GET reply has no result field',
    });
    const full = encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', value);
    const frame = new ResponseDecoder().push(full).frames[0]!;
    assert.throws(
      () =>
        decodeResult(frame.name as 'RPC_RRDB_RRDB_GET_ACK', Buffer.concat([frame.body, Buffer.from([0])])),
      {
        message: '1 bytes after the RPC_RRDB_RRDB_GET result',
      },
    );
    assert.throws(() => decodeResult('RPC_RRDB_RRDB_GET', Buffer.alloc(0)), {
      message: 'RPC_RRDB_RRDB_GET reply has an empty body',
    });
    assert.throws(() => decodeResult('RPC_RRDB_RRDB_CLEAR_SCANNER', none), {
      message: 'RPC_RRDB_RRDB_CLEAR_SCANNER is one-way and has no result',
    });
  });

  it('a reply name answers its request; a request name or an unknown name is kept', () => {
    assert.equal(requestNameOf('RPC_RRDB_RRDB_GET_ACK'), 'RPC_RRDB_RRDB_GET');
    assert.equal(requestNameOf('RPC_RRDB_RRDB_GET'), 'RPC_RRDB_RRDB_GET');
    assert.equal(requestNameOf('RPC_SOMETHING' as never), 'RPC_SOMETHING');
  });
});

describe('error classification', () => {
  it('is computed once per name (the same frozen object), for known and unknown names', () => {
    for (const name of ['ERR_BUSY', 'ERR_FROM_A_NEWER_SERVER']) {
      const c = classifyError(name);
      assert.equal(classifyError(name), c, name);
      assert.ok(Object.isFrozen(c));
    }
  });

  it('a resend is allowed for `always`, and for `idempotent-only` only when idempotent', () => {
    const cases: Array<[string, boolean, boolean]> = [
      ['ERR_BUSY', true, false],
      ['ERR_BUSY', false, false],
      ['ERR_OBJECT_NOT_FOUND', false, true],
      ['ERR_TIMEOUT', true, true],
      ['ERR_TIMEOUT', false, false],
    ];
    for (const [name, idempotent, expected] of cases)
      assert.equal(mayRetry(classifyError(name), idempotent), expected, `${name} ${idempotent}`);
  });
});

// ---- the request decoder (the onebox's side), and what it says ----

const u32 = (...xs: number[]) =>
  Buffer.concat(xs.map((x) => Buffer.from([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])));
const THFT = Buffer.from('THFT', 'latin1');
const errorOf = (bytes: Buffer, maxFrameBytes?: number) =>
  ((e) => e && `${e.kind}: ${e.message}`)(
    new RequestDecoder(maxFrameBytes === undefined ? undefined : { maxFrameBytes }).push(bytes).error,
  );

describe('request frames: what the decoder refuses, and where its bounds are', () => {
  it('magic, v0 header length, body and meta lengths, version: each refused with its value', () => {
    assert.equal(
      errorOf(Buffer.concat([Buffer.from('XHFT'), u32(0, 48, 0, 13)])),
      'bad-magic: request frame does not start with THFT',
    );
    assert.equal(
      errorOf(Buffer.concat([THFT, u32(0, 47, 0, 13)])),
      'bad-header-length: v0 hdr_length must be 48, got 47',
    );
    assert.equal(errorOf(Buffer.concat([THFT, u32(0, 48, 0, 12)])), 'bad-length: body_length 12 too small');
    assert.equal(errorOf(Buffer.concat([THFT, u32(0, 48, 0, 13)])), undefined, 'a 13-byte body is possible');
    assert.equal(errorOf(Buffer.concat([THFT, u32(1, 0, 13)])), 'bad-length: meta_length 0 too small');
    assert.equal(errorOf(Buffer.concat([THFT, u32(1, 1, 12)])), 'bad-length: body_length 12 too small');
    assert.equal(errorOf(Buffer.concat([THFT, u32(1, 1, 13)])), undefined);
    assert.equal(
      errorOf(Buffer.concat([THFT, u32(2, 1, 13)])),
      'bad-header-version: header version must be 0 or 1, got 2',
    );
  });

  it('a frame of exactly maxFrameBytes is taken, one byte more is refused', () => {
    assert.equal(errorOf(Buffer.concat([THFT, u32(1, 1, 13)]), 30), undefined);
    assert.equal(
      errorOf(Buffer.concat([THFT, u32(1, 1, 13)]), 29),
      'frame-too-large: request frame of 30 bytes exceeds 29',
    );
  });

  it('a v0 frame cut inside its fixed header waits for the rest', () => {
    const f = encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header, { headerVersion: 0 });
    for (const cut of [6, 10, 15]) {
      const d = new RequestDecoder();
      const first = d.push(f.subarray(0, cut));
      assert.deepEqual([first.frames.length, first.error], [0, undefined], `cut at ${cut}`);
      const rest = d.push(f.subarray(cut));
      assert.equal(rest.error, undefined, `cut at ${cut}`);
      assert.equal(rest.frames[0]?.seqid, 1, `cut at ${cut}`);
    }
  });

  it('bytes after the request meta struct are refused', () => {
    const f = encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header);
    const metaLength = f.readUInt32BE(8);
    const bad = Buffer.concat([
      f.subarray(0, 16 + metaLength),
      Buffer.from([0]),
      f.subarray(16 + metaLength),
    ]);
    bad.writeUInt32BE(metaLength + 1, 8);
    assert.equal(errorOf(bad), 'trailing-bytes: 1 bytes after the request meta struct');
  });
});

describe('request args', () => {
  const body = new RequestDecoder().push(encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header)).frames[0]!.body;

  it('are read from a Buffer or any Uint8Array, and an unknown scalar field after them is skipped', () => {
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', new Uint8Array(body)), key);
    const extra = Buffer.concat([body.subarray(0, -1), Buffer.from([8, 0, 9, 0, 0, 0, 7, 0])]);
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', extra), key);
  });

  it('an empty wrapper, a wrong field, trailing bytes or no bytes at all are refused, saying so', () => {
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_GET', Buffer.from([0])), {
      kind: 'bad-field',
      message: 'RPC_RRDB_RRDB_GET args wrapper is empty',
    });
    const wrongField = Buffer.from(body);
    wrongField[2] = 2; // field id 2 instead of 1
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_GET', wrongField), {
      message: `RPC_RRDB_RRDB_GET args wrapper: field 2 type ${body[0]}, expected field 1 type ${body[0]}`,
    });
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_GET', Buffer.concat([body, Buffer.from([0])])), {
      kind: 'trailing-bytes',
      message: '1 bytes after the RPC_RRDB_RRDB_GET args',
    });
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_GET', 'x' as never), {
      kind: 'bad-value',
      message: 'body must be a Uint8Array',
    });
  });

  it('a field after the args that cannot be skipped is named by its place in the args wrapper', () => {
    // get's args (field 1: the key as binary, empty), then field 2 of type id 127, which no thrift type has
    const body = Buffer.from([0x0c, 0, 1, 0, 0, 0, 0, 0x7f, 0, 2, 0]);
    assert.throws(() => decodeArgs('RPC_RRDB_RRDB_GET', body), {
      name: 'ProtocolError',
      kind: 'bad-type',
      message: 'RPC_RRDB_RRDB_GET args wrapper field 2: invalid type id 127 (offset 10)',
    });
  });
});
