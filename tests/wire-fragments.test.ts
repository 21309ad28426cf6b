// Frames cut anywhere: a stream of requests (header v0 and v1) or responses, split at every byte
// offset into two pieces, at every pair of offsets inside the first frame's header into three, and
// fed byte by byte, decodes to the same frames with nothing left buffered. A header fragment is
// held (not parsed, not dropped) until its length is known; after a malformed frame the decoder
// hands out the frames before it and then only the error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeKey } from '../core/routing/index.ts';
import { FastReader } from '../core/wire/fast-reader.ts';
import {
  encodeRequest,
  encodeResponse,
  RequestDecoder,
  type RequestFrame,
  ResponseDecoder,
  type ResponseFrame,
} from '../core/wire/index.ts';

const key = (n: number) => encodeKey(Buffer.from(`hash-${n}`), Buffer.from(`sort-${n}`));
const header = (n: number) => ({
  app_id: 3,
  partition_index: n,
  client_timeout_ms: 1000 + n,
  partition_hash: 0x1234_5678_9abc_def0n + BigInt(n),
  is_backup_request: false,
});

function requests(headerVersion: 0 | 1): Buffer[] {
  return [
    encodeRequest('RPC_RRDB_RRDB_GET', 1, key(1), header(1), { headerVersion }),
    // over 512 bytes: a piece this size is kept as a view, not copied into the accumulator
    encodeRequest(
      'RPC_RRDB_RRDB_PUT',
      2,
      { key: key(2), value: Buffer.alloc(1500, 7), expire_ts_seconds: 0 },
      header(2),
      { headerVersion },
    ),
    encodeRequest('RPC_RRDB_RRDB_GET', 0x7fffffff, key(3), header(3), { headerVersion }),
  ];
}

function responses(): Buffer[] {
  return [
    encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', {
      error: 0,
      value: Buffer.from('v'),
      app_id: 3,
      partition_index: 1,
      server: '',
    }),
    encodeResponse('RPC_RRDB_RRDB_GET', 2, 'ERR_OK', {
      error: 0,
      value: Buffer.alloc(1500, 9),
      app_id: 3,
      partition_index: 2,
      server: '',
    }),
    encodeResponse('RPC_RRDB_RRDB_GET', 3, 'ERR_INVALID_STATE'),
  ];
}

const viewReq = (f: RequestFrame) => ({
  v: f.headerVersion,
  h: f.header,
  name: f.name,
  seqid: f.seqid,
  body: Buffer.from(f.body).toString('hex'),
});
const viewResp = (f: ResponseFrame) => ({
  e: f.error,
  name: f.name,
  seqid: f.seqid,
  body: Buffer.from(f.body).toString('hex'),
});

interface Kind {
  name: string;
  frames: Buffer[];
  decode: (pieces: Buffer[]) => { frames: unknown[]; buffered: number; error: unknown };
}

function decoderRun<F>(
  make: () => { push(c: Uint8Array): { frames: F[]; error?: unknown }; bufferedBytes: number },
  view: (f: F) => unknown,
) {
  return (pieces: Buffer[]) => {
    const d = make();
    const out: unknown[] = [];
    let error: unknown;
    for (const p of pieces) {
      const r = d.push(p);
      for (const f of r.frames) out.push(view(f));
      error ??= r.error;
    }
    return { frames: out, buffered: d.bufferedBytes, error };
  };
}

const KINDS: Kind[] = [
  {
    name: 'requests, header v0',
    frames: requests(0),
    decode: decoderRun(() => new RequestDecoder(), viewReq),
  },
  {
    name: 'requests, header v1',
    frames: requests(1),
    decode: decoderRun(() => new RequestDecoder(), viewReq),
  },
  { name: 'responses', frames: responses(), decode: decoderRun(() => new ResponseDecoder(), viewResp) },
];

describe('fragmented frames', () => {
  for (const kind of KINDS) {
    const stream = Buffer.concat(kind.frames);
    const whole = kind.decode([stream]);

    it(`${kind.name}: the whole stream decodes to its frames`, () => {
      assert.equal(whole.error, undefined);
      assert.equal(whole.frames.length, kind.frames.length);
      assert.equal(whole.buffered, 0);
    });

    it(`${kind.name}: cut at every offset into two pieces`, () => {
      for (let cut = 1; cut < stream.length; cut++) {
        const r = kind.decode([stream.subarray(0, cut), stream.subarray(cut)]);
        assert.deepEqual(r, whole, `cut at ${cut}`);
      }
    });

    it(`${kind.name}: cut twice inside the first header (fragments of a fragment)`, () => {
      const headerEnd = Math.min(80, kind.frames[0]!.length);
      for (let a = 1; a < headerEnd; a++) {
        for (let b = a + 1; b <= headerEnd; b++) {
          const r = kind.decode([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
          assert.deepEqual(r, whole, `cuts at ${a}, ${b}`);
        }
      }
    });

    it(`${kind.name}: byte by byte, and an empty chunk changes nothing`, () => {
      const bytes = [...stream].map((b) => Buffer.from([b]));
      bytes.splice(5, 0, Buffer.alloc(0));
      assert.deepEqual(kind.decode(bytes), whole);
    });

    it(`${kind.name}: a header fragment is held until the rest arrives`, () => {
      const first = kind.frames[0]!;
      for (let k = 1; k < first.length; k++) {
        const partial = kind.decode([first.subarray(0, k)]);
        assert.deepEqual(partial, { frames: [], buffered: k, error: undefined }, `after ${k} bytes`);
      }
    });
  }

  it('the smallest frame the request header allows (30 bytes, v1) cut anywhere, then a normal frame', () => {
    const tiny = Buffer.alloc(30);
    tiny.write('THFT', 0, 'latin1');
    tiny.writeUInt32BE(1, 4); // header version 1
    tiny.writeUInt32BE(1, 8); // meta_length: an empty struct
    tiny.writeUInt32BE(13, 12); // body_length: a message header with an empty name, empty args
    tiny.writeUInt32BE(0x80010001, 17);
    tiny.writeInt32BE(5, 25);
    const stream = Buffer.concat([tiny, requests(1)[0]!]);
    const decode = KINDS[1]!.decode;
    const whole = decode([stream]);
    assert.equal(whole.frames.length, 2);
    for (let a = 1; a < 30; a++) {
      assert.deepEqual(decode([stream.subarray(0, a), stream.subarray(a)]), whole, `cut at ${a}`);
      for (let b = a + 1; b < 40; b++) {
        const r = decode([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        assert.deepEqual(r, whole, `cuts at ${a}, ${b}`);
      }
    }
  });

  it('a malformed frame: the frames before it come out, then only the error, for good', () => {
    const [a, b] = requests(1);
    const bad = Buffer.from(a!);
    bad.write('XXXX', 0, 'latin1');
    const d = new RequestDecoder();
    const r1 = d.push(Buffer.concat([a!, bad, b!]));
    assert.equal(r1.frames.length, 1);
    assert.ok(r1.error !== undefined);
    const r2 = d.push(b!);
    assert.deepEqual(r2.frames, []);
    assert.equal(r2.error, r1.error);
    assert.equal(d.bufferedBytes, 0);

    const resp = responses();
    const badLength = Buffer.from(resp[0]!);
    badLength.writeInt32BE(3, 0);
    const rd = new ResponseDecoder();
    const r3 = rd.push(Buffer.concat([resp[0]!, badLength.subarray(0, 2)]));
    assert.equal(r3.frames.length, 1, 'a fragment too short to judge is held');
    assert.equal(r3.error, undefined);
    const r4 = rd.push(Buffer.concat([badLength.subarray(2), resp[1]!]));
    assert.deepEqual(r4.frames, []);
    assert.ok(r4.error !== undefined, 'judged once the length is known');
  });
});

describe('frame splitter: how pieces are held', () => {
  const big = requests(1)[1]!; // over 1,500 bytes
  const headerBytes = 100;

  it('pieces of 512 bytes or more are kept as views, smaller ones coalesced; nothing is held after a frame', () => {
    const d = new RequestDecoder();
    d.push(big.subarray(0, headerBytes));
    assert.equal(d.bufferedParts, 1);
    let off = headerBytes;
    const push = (n: number) => {
      const r = d.push(big.subarray(off, off + n));
      off += n;
      return r;
    };
    push(512);
    push(1);
    assert.equal(
      d.bufferedParts,
      3,
      'a 512-byte piece is a view; the next small piece starts an accumulator',
    );
    push(513);
    assert.equal(d.bufferedParts, 4, 'a 513-byte piece: a view');
    for (let i = 0; i < 10; i++) push(1);
    assert.equal(d.bufferedParts, 5, 'ten 1-byte pieces: one accumulator');
    assert.equal(d.bufferedBytes, off);
    const r = d.push(big.subarray(off));
    assert.equal(r.frames.length, 1);
    assert.deepEqual([d.bufferedParts, d.bufferedBytes], [0, 0]);
  });

  it('an accumulator holds 64 KB: it is filled to the byte before the next one starts', () => {
    const huge = encodeRequest(
      'RPC_RRDB_RRDB_PUT',
      9,
      { key: key(9), value: Buffer.alloc(70_000, 1), expire_ts_seconds: 0 },
      header(9),
      { headerVersion: 1 },
    );
    const d = new RequestDecoder();
    d.push(huge.subarray(0, headerBytes));
    let off = headerBytes;
    const push256 = () => {
      d.push(huge.subarray(off, off + 256));
      off += 256;
    };
    for (let i = 0; i < 256; i++) push256();
    assert.equal(d.bufferedParts, 2, '256 pieces of 256 bytes fill one 64 KB accumulator exactly');
    push256();
    assert.equal(d.bufferedParts, 3, 'the next piece starts a second accumulator');
    const r = d.push(huge.subarray(off));
    assert.equal(r.frames.length, 1);
    assert.equal((r.frames[0] as RequestFrame).seqid, 9);
  });

  it('a push of something other than bytes kills the decoder with a message that says so', () => {
    const d = new ResponseDecoder();
    const r = d.push('not bytes' as unknown as Uint8Array);
    assert.match(String(r.error?.message), /frame decoder.*push\(\) expects a Uint8Array/);
  });
});

describe('fast reader: a truncated read says where', () => {
  it('names the offset within its region and the bytes left', () => {
    const r = new FastReader(Buffer.alloc(16), 4, 10);
    r.readI32();
    assert.equal(r.offset, 4);
    assert.equal(r.remaining, 2);
    assert.throws(() => r.readI32(), {
      name: 'ProtocolError',
      message: 'need 4 bytes at offset 4, only 2 left',
    });
  });

  it('reads doubles in order, and names a negative element count and where it stood', () => {
    const b = Buffer.alloc(21);
    b.writeDoubleBE(1.5, 0);
    b.writeDoubleBE(-0.25, 8);
    b.writeUInt8(8, 16); // a list of i32...
    b.writeInt32BE(-1, 17); // ...with -1 elements
    const r = new FastReader(b, 0, b.length);
    assert.deepEqual([r.readDouble(), r.readDouble()], [1.5, -0.25]);
    assert.throws(() => r.readListBegin(), {
      kind: 'bad-length',
      message: 'negative element count -1 at offset 17',
    });
  });
});
