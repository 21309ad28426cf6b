// Edge cases of framing and struct decoding that the vectors do not reach.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeResponse,
  ProtocolError,
  RequestDecoder,
  type RequestHeader,
  ResponseDecoder,
  requestNameOf,
  threadHashOf,
} from '../core/wire/index.ts';
import { hex } from './wire-hex.ts';
import { S2, S3, S5, S7 } from './wire-vector-data.ts';

const H: RequestHeader = {
  app_id: 2,
  partition_index: 4,
  client_timeout_ms: 1000,
  partition_hash: 1n,
  is_backup_request: false,
};

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `not a ProtocolError: ${String(e)}`);
    return e.kind;
  }
  return 'no error';
}

/** result wrapper around the given read_response field bytes */
function readResponseBody(fields: string): Buffer {
  return Buffer.concat([hex('0c 00 00'), hex(fields), hex('00 00')]);
}

describe('request decoder', () => {
  it('rejects a wrong magic as soon as the first wrong byte arrives', () => {
    const d = new RequestDecoder();
    assert.equal(d.push(hex('54 48')).error, undefined);
    assert.equal(d.push(hex('58')).error?.kind, 'bad-magic');
  });
  it('rejects header versions other than 0 and 1', () => {
    const b = Buffer.from(S2);
    b.writeUInt32BE(2, 4);
    assert.equal(new RequestDecoder().push(b).error?.kind, 'bad-header-version');
  });
  it('rejects a v0 hdr_length other than 48', () => {
    const b = Buffer.from(S3);
    b.writeUInt32BE(47, 8);
    assert.equal(new RequestDecoder().push(b).error?.kind, 'bad-header-length');
  });
  it('rejects too-small body and meta lengths', () => {
    const b = Buffer.from(S2);
    b.writeUInt32BE(0, 8);
    assert.equal(new RequestDecoder().push(b).error?.kind, 'bad-length');
    const c = Buffer.from(S3);
    c.writeUInt32BE(5, 16);
    assert.equal(new RequestDecoder().push(c).error?.kind, 'bad-length');
  });
  it('accepts ONEWAY, rejects REPLY and EXCEPTION message types', () => {
    const at = 16 + 37 + 3; // type byte of the message begin in S2
    for (const [type, ok] of [
      [4, true],
      [2, false],
      [3, false],
    ] as const) {
      const b = Buffer.from(S2);
      b[at] = type;
      const { frames, error } = new RequestDecoder().push(b);
      if (ok) assert.equal(frames[0]?.messageType, 4);
      else assert.equal(error?.kind, 'bad-message-type');
    }
  });
  it('rejects the non-strict message form', () => {
    const b = Buffer.from(S2);
    b.writeUInt32BE(0x00000011, 16 + 37);
    assert.equal(new RequestDecoder().push(b).error?.kind, 'bad-message-version');
  });
  it('decodes byte by byte, and a v1 meta with fields in another order and some missing', () => {
    const meta = hex('0a 00 04 00 00 00 00 00 00 00 07 08 00 02 00 00 00 03 00');
    const body = encodeRequest('RPC_RRDB_RRDB_GET', 5, hex('00 00'), H).subarray(16 + 37);
    const fixed = Buffer.alloc(16);
    fixed.write('THFT', 'latin1');
    fixed.writeUInt32BE(1, 4);
    fixed.writeUInt32BE(meta.length, 8);
    fixed.writeUInt32BE(body.length, 12);
    const all = Buffer.concat([fixed, meta, body]);
    const d = new RequestDecoder();
    const frames = [];
    for (const byte of all) frames.push(...d.push(Buffer.from([byte])).frames);
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0]!.header, {
      app_id: 0,
      partition_index: 3,
      client_timeout_ms: 0,
      partition_hash: 7n,
      is_backup_request: false,
    });
  });
  it('reads the v1 partition hash back as unsigned', () => {
    const b = encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00 00'), {
      ...H,
      partition_hash: 0xffffffffffffffffn,
    });
    assert.equal(new RequestDecoder().push(b).frames[0]!.header.partition_hash, 0xffffffffffffffffn);
    const s = encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00 00'), { ...H, partition_hash: -1n });
    assert.deepEqual(s, b);
  });
});

describe('response decoder', () => {
  it('always advances by total_length, ignoring a body on a non-OK reply', () => {
    // ERR_BUSY with a result body attached, then S7
    const busy = encodeResponse('RPC_RRDB_RRDB_GET', 3, 'ERR_BUSY', {
      error: 0,
      value: hex('01'),
      app_id: 1,
      partition_index: 1,
      server: 'x',
    });
    const { frames, error } = new ResponseDecoder().push(Buffer.concat([busy, S7]));
    assert.equal(error, undefined);
    assert.deepEqual(
      frames.map((f) => [f.error, f.seqid]),
      [
        ['ERR_BUSY', 3],
        ['ERR_INVALID_STATE', 1],
      ],
    );
  });
  it('rejects negative, too-small and too-large total lengths', () => {
    for (const [len, kind] of [
      [-1, 'bad-length'],
      [19, 'bad-length'],
      [1025, 'frame-too-large'],
    ] as const) {
      const b = Buffer.alloc(4);
      b.writeInt32BE(len);
      const d = new ResponseDecoder({ maxFrameBytes: 1024 });
      assert.equal(d.push(b).error?.kind, kind);
    }
  });
  it('rejects a message type other than REPLY and a bad version', () => {
    const b = Buffer.from(S5);
    b[4 + 4 + 6 + 3] = 1;
    assert.equal(new ResponseDecoder().push(b).error?.kind, 'bad-message-type');
    const c = Buffer.from(S5);
    c[4 + 4 + 6] = 0x81;
    assert.equal(new ResponseDecoder().push(c).error?.kind, 'bad-message-version');
  });
  it('stays dead after an error, returning frames parsed before it', () => {
    const d = new ResponseDecoder();
    const bad = Buffer.from(S5);
    bad[4 + 4 + 6 + 3] = 1;
    const first = d.push(Buffer.concat([S7, bad, S7]));
    assert.equal(first.frames.length, 1);
    assert.equal(first.error?.kind, 'bad-message-type');
    const second = d.push(S7);
    assert.equal(second.error, first.error);
    assert.equal(second.frames.length, 0);
    assert.equal(d.bufferedBytes, 0);
  });
  it('holds a partial frame and completes it from later chunks', () => {
    const d = new ResponseDecoder();
    assert.equal(d.push(S5.subarray(0, 2)).frames.length, 0);
    assert.equal(d.push(S5.subarray(2, 50)).frames.length, 0);
    assert.equal(d.bufferedBytes, 50);
    const { frames } = d.push(Buffer.concat([S5.subarray(50), S7.subarray(0, 10)]));
    assert.equal(frames.length, 1);
    assert.equal(d.bufferedBytes, 10);
    assert.equal(d.push(S7.subarray(10)).frames[0]?.error, 'ERR_INVALID_STATE');
  });
  it('a frame trickling in byte by byte is held in a few coalesced buffers, not one per byte', () => {
    const value = Buffer.alloc(100_000, 7);
    const frame = encodeRequest(
      'RPC_RRDB_RRDB_PUT',
      9,
      { key: Buffer.from([0, 1, 0x61]), value, expire_ts_seconds: 0 },
      H,
    );
    const d = new RequestDecoder();
    let decoded: ReturnType<RequestDecoder['push']>['frames'] = [];
    let maxParts = 0;
    for (let i = 0; i < frame.length; i++) {
      const r = d.push(frame.subarray(i, i + 1));
      assert.equal(r.error, undefined);
      decoded = decoded.concat(r.frames);
      maxParts = Math.max(maxParts, d.bufferedParts);
      // the bound the splitter documents: one part per 512 bytes, plus the first view and one accumulator
      assert.ok(d.bufferedParts <= Math.floor(d.bufferedBytes / 512) + 2, `${d.bufferedParts} parts`);
    }
    // 100 KB in 1-byte pieces: two 64 KiB accumulators at most, not 100 000 views
    assert.ok(maxParts <= 3, `${maxParts} parts`);
    assert.equal(decoded.length, 1);
    assert.equal(d.bufferedBytes, 0);
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_PUT', decoded[0]!.body).value, value);
  });
  it('turns a non-Uint8Array chunk into a ProtocolError instead of throwing', () => {
    const r = new ResponseDecoder().push('oops' as unknown as Uint8Array);
    assert.ok(r.error instanceof ProtocolError);
  });
});

describe('struct decoding', () => {
  it('accepts fields in any order and defaults missing ones', () => {
    const body = readResponseBody('0b 00 06 00 00 00 01 73 08 00 01 00 00 00 01');
    assert.deepEqual(decodeResult('RPC_RRDB_RRDB_GET', body), {
      error: 1,
      value: Buffer.alloc(0),
      app_id: 0,
      partition_index: 0,
      server: 's',
    });
  });
  it('skips unknown fields of non-struct types (scalars, strings, lists, maps)', () => {
    const body = readResponseBody(
      '08 00 63 00 00 00 09  0b 00 64 00 00 00 01 7a  0f 00 65 08 00 00 00 02 00 00 00 01 00 00 00 02  0d 00 66 0b 0b 00 00 00 00  08 00 01 00 00 00 04',
    );
    assert.equal(decodeResult('RPC_RRDB_RRDB_GET', body).error, 4);
  });
  it('fails loudly on an unknown tag-12 field, and on an unknown list of tag 12', () => {
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', readResponseBody('0c 00 05 00 00 00 00'))),
      'unknown-struct-field',
    );
    assert.equal(
      kindOf(() =>
        decodeResult('RPC_RRDB_RRDB_GET', readResponseBody('0f 00 07 0c 00 00 00 01 00 00 00 00')),
      ),
      'unknown-struct-field',
    );
  });
  it('skips a known field sent with another non-struct tag (as generated Thrift readers do)', () => {
    // value (id 2) sent as tag 11 string: skipped, stays empty
    const r = decodeResult('RPC_RRDB_RRDB_GET', readResponseBody('0b 00 02 00 00 00 01 76'));
    assert.equal(r.value.length, 0);
  });
  it('rejects invalid type ids, rpc_address of type 2 and host_port of type 7', () => {
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', readResponseBody('07 00 09 00'))),
      'bad-type',
    );
    const cfg = (pcFields: string) =>
      Buffer.concat([hex('0c 00 00 0f 00 05 0c 00 00 00 01'), hex(pcFields), hex('00 00 00')]);
    assert.equal(
      kindOf(() =>
        decodeResult('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', cfg('0c 00 04 7f 00 00 01 87 29 00 02')),
      ),
      'bad-value',
    );
    assert.equal(
      kindOf(() =>
        decodeResult('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', cfg('0c 00 09 00 00 00 00 00 01 07')),
      ),
      'bad-value',
    );
  });
  it('accepts an empty list whatever element type it announces', () => {
    const body = Buffer.concat([hex('0c 00 00 0f 00 05 08 00 00 00 00 00 00')]);
    assert.deepEqual(decodeResult('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', body).partitions, []);
  });
  it('reports missing results, trailing bytes and truncation', () => {
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', Buffer.alloc(0))),
      'missing-result',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', hex('00'))),
      'missing-result',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_CLEAR_SCANNER', hex('00'))),
      'missing-result',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', Buffer.concat([readResponseBody(''), hex('00')]))),
      'trailing-bytes',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', hex('0c 00 00 0b 00 06 00 00 00 05 61'))),
      'truncated',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET', hex('0c 00 00 0b 00 06 ff ff ff ff 00 00'))),
      'bad-length',
    );
  });
  it("decodes with the reply's own name as it comes off the wire (frame.name carries _ACK)", () => {
    const result = { error: 0, value: Buffer.from('v'), app_id: 2, partition_index: 4, server: 's' };
    const { frames } = new ResponseDecoder().push(encodeResponse('RPC_RRDB_RRDB_GET', 9, 'ERR_OK', result));
    const f = frames[0]!;
    assert.equal(f.name, 'RPC_RRDB_RRDB_GET_ACK');
    assert.deepEqual(decodeResult(f.name as 'RPC_RRDB_RRDB_GET_ACK', f.body), result);
    assert.deepEqual(decodeResult('RPC_RRDB_RRDB_GET', f.body), result);
    assert.equal(
      requestNameOf('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX_ACK'),
      'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX',
    );
    // only one _ACK is taken off, and a name that is no reply of a known RPC stays unknown
    assert.equal(
      kindOf(() => decodeResult('RPC_RRDB_RRDB_GET_ACK_ACK' as never, f.body)),
      'unknown-rpc',
    );
    assert.equal(
      kindOf(() => decodeResult('RPC_NOPE_ACK' as never, f.body)),
      'unknown-rpc',
    );
  });
  it('checks the args wrapper: field 1 with the expected tag', () => {
    assert.equal(
      kindOf(() => decodeArgs('RPC_RRDB_RRDB_GET', hex('0b 00 01 00 00 00 00 00'))),
      'bad-field',
    );
    assert.equal(
      kindOf(() => decodeArgs('RPC_RRDB_RRDB_GET', hex('0c 00 02 00 00 00 00 00'))),
      'bad-field',
    );
    assert.equal(
      kindOf(() => decodeArgs('RPC_RRDB_RRDB_GET', hex('00'))),
      'bad-field',
    );
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', hex('0c 00 01 00 00 00 01 61 00')), Buffer.from('a'));
  });
  it('names unknown RPCs', () => {
    assert.equal(
      kindOf(() => decodeArgs('RPC_NOPE' as never, hex('00'))),
      'unknown-rpc',
    );
  });
});

describe('encoding', () => {
  it('thread hash: Math.imul(app_id, 7919) + partition_index wrapped to i32, 0 for meta RPCs', () => {
    assert.equal(threadHashOf('RPC_RRDB_RRDB_GET', { ...H, app_id: 1, partition_index: 28 }), 7947);
    assert.equal(
      threadHashOf('RPC_RRDB_RRDB_GET', { ...H, app_id: 0x7fffffff, partition_index: 5 }),
      (Math.imul(0x7fffffff, 7919) + 5) | 0,
    );
    assert.equal(threadHashOf('RPC_CM_LIST_APPS', { ...H, app_id: 3, partition_index: 4 }), 0);
  });
  it('refuses values that do not fit their fields, with ProtocolError("encode")', () => {
    const cases: (() => unknown)[] = [
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1, 'key' as never, H),
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1.5, hex('00'), H),
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00'), { ...H, client_timeout_ms: 2 ** 31 }),
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00'), { ...H, partition_hash: 1n << 64n }),
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00'), { ...H, partition_hash: 1 as never }),
      () =>
        encodeRequest(
          'RPC_RRDB_RRDB_GET',
          1,
          hex('00'),
          { ...H, is_backup_request: true },
          { headerVersion: 0 },
        ),
      () => encodeRequest('RPC_RRDB_RRDB_PUT', 1, { key: hex('00'), value: hex('00') } as never, H),
      () =>
        encodeRequest(
          'RPC_RRDB_RRDB_INCR',
          1,
          { key: hex('00'), increment: 1, expire_ts_seconds: 0 } as never,
          H,
        ),
      () => encodeRequest('RPC_RRDB_RRDB_GET', 1, hex('00'), H, { headerVersion: 2 as never }),
      () =>
        encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', {
          error: 0,
          value: hex(''),
          app_id: 0,
          partition_index: 0,
          server: 9,
        } as never),
      () => encodeResponse('RPC_RRDB_RRDB_CLEAR_SCANNER', 1, 'ERR_OK', {} as never),
    ];
    for (const fn of cases) assert.equal(kindOf(fn), 'encode', fn.toString());
    assert.equal(
      kindOf(() => encodeRequest('RPC_X' as never, 1, hex('00') as never, H)),
      'unknown-rpc',
    );
  });
  it('refuses bad rpc_address and host_port values', () => {
    const result = (primary: string, port = 1) => ({
      err: 'ERR_OK',
      app_id: 1,
      partition_count: 1,
      is_stateful: true,
      partitions: [
        {
          pid: { app_id: 1, partition_index: 0 },
          ballot: 1n,
          max_replica_count: 3,
          primary,
          secondaries: [],
          last_drops: [],
          last_committed_decree: 0n,
          partition_flags: 0,
          hp_primary: { host: 'h', port, type: 1 },
        },
      ],
    });
    for (const bad of ['1.2.3:4', '256.0.0.1:1', '1.2.3.4:65536', 'host:1']) {
      assert.equal(
        kindOf(() => encodeResponse('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', 1, 'ERR_OK', result(bad))),
        'encode',
      );
    }
    assert.equal(
      kindOf(() => encodeResponse('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', 1, 'ERR_OK', result('', 70000))),
      'encode',
    );
  });
  it('encodes an error reply for a name outside the registry', () => {
    const b = encodeResponse('RPC_FROM_THE_FUTURE', 4, 'ERR_HANDLER_NOT_FOUND');
    const f = new ResponseDecoder().push(b).frames[0]!;
    assert.deepEqual([f.error, f.name, f.seqid], ['ERR_HANDLER_NOT_FOUND', 'RPC_FROM_THE_FUTURE_ACK', 4]);
  });
  it('large blobs survive the segment path byte-exact', () => {
    const value = Buffer.alloc(100_000, 7);
    value[99_999] = 9;
    const args = { key: hex('00 01 61'), value, expire_ts_seconds: 0 };
    const b = encodeRequest('RPC_RRDB_RRDB_PUT', 1, args, H);
    const f = new RequestDecoder().push(b).frames[0]!;
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_PUT', f.body), args);
    assert.equal(b.readUInt32BE(12), b.length - 16 - 37);
  });
});
