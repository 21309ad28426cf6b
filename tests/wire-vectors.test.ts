// Byte-exact checks against the vectors of docs/PROTOCOL.md 11 (V1-V5, S1-S11), in both directions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Codec,
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeResponse,
  FastReader,
  FastWriter,
  gpidCodec,
  type QueryCfgResponse,
  RequestDecoder,
  type RequestFrame,
  type RequestHeader,
  ResponseDecoder,
  type ResponseFrame,
  rpcAddressCodec,
} from '../core/wire/index.ts';
import { hex } from './wire-hex.ts';
import { S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, V1, V5 } from './wire-vector-data.ts';

function oneRequest(bytes: Buffer): RequestFrame {
  const { frames, error } = new RequestDecoder().push(bytes);
  assert.equal(error, undefined);
  assert.equal(frames.length, 1);
  return frames[0]!;
}

function oneResponse(bytes: Buffer): ResponseFrame {
  const { frames, error } = new ResponseDecoder().push(bytes);
  assert.equal(error, undefined);
  assert.equal(frames.length, 1);
  return frames[0]!;
}

function encodeValue<T>(codec: Codec<T>, v: T): Buffer {
  const w = new FastWriter();
  codec.write(w, v);
  return w.finish();
}

function decodeValue<T>(codec: Codec<T>, b: Buffer): T {
  const r = new FastReader(b);
  const v = codec.read(r);
  assert.equal(r.remaining, 0);
  return v;
}

const KEY_A_B = hex('00 01 61 62');
const HASH_A = 0x8c2f8445b4cbfc3cn;
/** common parameters of S2-S4, S10 */
const DATA_HEADER: RequestHeader = {
  app_id: 2,
  partition_index: 4,
  client_timeout_ms: 1000,
  partition_hash: HASH_A,
  is_backup_request: false,
};
const CPP_TEST_HEADER: RequestHeader = {
  app_id: 1,
  partition_index: 28,
  client_timeout_ms: 1000,
  partition_hash: 5000000000n,
  is_backup_request: false,
};
const META_HEADER: RequestHeader = {
  app_id: 0,
  partition_index: 0,
  client_timeout_ms: 0,
  partition_hash: 0n,
  is_backup_request: false,
};

describe('V1: query_cfg request, header v0 (go-client codec_test)', () => {
  const args = { app_name: 'temp', partition_indices: [] };
  it('encodes byte-exact', () => {
    const b = encodeRequest('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', 1, args, META_HEADER, {
      headerVersion: 0,
    });
    assert.deepEqual(b, V1);
  });
  it('decodes to the same values', () => {
    const f = oneRequest(V1);
    assert.equal(f.headerVersion, 0);
    assert.deepEqual(f.header, META_HEADER);
    assert.equal(f.threadHash, 0);
    assert.equal(f.messageType, 1);
    assert.equal(f.name, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX');
    assert.equal(f.seqid, 1);
    assert.deepEqual(decodeArgs('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', f.body), args);
  });
});

describe('V2: gpid encodings (go-client gpid_test)', () => {
  const cases: [number, number, string][] = [
    [0, 0, '00 00 00 00 00 00 00 00'],
    [0, 2, '00 00 00 02 00 00 00 00'],
    [1, 0, '00 00 00 00 00 00 00 01'],
    [1, 2, '00 00 00 02 00 00 00 01'],
  ];
  for (const [app_id, partition_index, bytes] of cases) {
    it(`(app ${app_id}, pidx ${partition_index}) <-> ${bytes}`, () => {
      assert.deepEqual(encodeValue(gpidCodec, { app_id, partition_index }), hex(bytes));
      assert.deepEqual(decodeValue(gpidCodec, hex(bytes)), { app_id, partition_index });
    });
  }
});

describe('V5: v0 header fields of the server parser test', () => {
  // a 100-byte body: strict CALL "RPC_RRDB_RRDB_GET" seqid 1 (29 bytes) + blob args with a 63-byte key (71)
  const key = Buffer.alloc(63, 0x6b);
  const header = { ...CPP_TEST_HEADER };
  it('decodes every header field, including the thread hash as written (64)', () => {
    const body = encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header, { headerVersion: 0 }).subarray(48);
    assert.equal(body.length, 100);
    const f = oneRequest(Buffer.concat([V5, body]));
    assert.equal(f.headerVersion, 0);
    assert.deepEqual(f.header, header);
    assert.equal(f.threadHash, 64);
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', f.body), key);
  });
  it('encodes the same header except that a real client writes thread hash 1*7919+28 = 7947', () => {
    const b = encodeRequest('RPC_RRDB_RRDB_GET', 1, key, header, { headerVersion: 0 });
    const expected = Buffer.from(V5);
    expected.writeInt32BE(7947, 36);
    assert.deepEqual(b.subarray(0, 48), expected);
    assert.equal(b.length, 148);
  });
});

describe('S1: v1 request meta for the C++ test values', () => {
  it('encodes byte-exact, and with backup = true byte 0x23 becomes 01', () => {
    const b = encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, CPP_TEST_HEADER);
    assert.equal(b.readUInt32BE(8), 37);
    assert.deepEqual(b.subarray(16, 16 + 37), S1);
    const backup = encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, {
      ...CPP_TEST_HEADER,
      is_backup_request: true,
    });
    const expected = Buffer.from(S1);
    expected[0x23] = 1;
    assert.deepEqual(backup.subarray(16, 16 + 37), expected);
  });
  it('decodes to the same header', () => {
    const b = encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, CPP_TEST_HEADER);
    assert.deepEqual(oneRequest(b).header, CPP_TEST_HEADER);
  });
});

describe('S2 / S3: GET request, header v1 and v0', () => {
  it('S2 encodes byte-exact; backup flag at 0x33', () => {
    assert.deepEqual(encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, DATA_HEADER), S2);
    const expected = Buffer.from(S2);
    expected[0x33] = 1;
    const b = encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, { ...DATA_HEADER, is_backup_request: true });
    assert.deepEqual(b, expected);
    assert.equal(oneRequest(expected).header.is_backup_request, true);
  });
  it('S2 decodes', () => {
    const f = oneRequest(S2);
    assert.equal(f.headerVersion, 1);
    assert.deepEqual(f.header, DATA_HEADER);
    assert.equal(f.threadHash, undefined);
    assert.equal('threadHash' in f, false);
    assert.equal(f.name, 'RPC_RRDB_RRDB_GET');
    assert.equal(f.seqid, 1);
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', f.body), KEY_A_B);
  });
  it('S3 encodes byte-exact (thread hash 2*7919+4 = 15842)', () => {
    assert.deepEqual(encodeRequest('RPC_RRDB_RRDB_GET', 1, KEY_A_B, DATA_HEADER, { headerVersion: 0 }), S3);
  });
  it('S3 decodes', () => {
    const f = oneRequest(S3);
    assert.equal(f.headerVersion, 0);
    assert.deepEqual(f.header, DATA_HEADER);
    assert.equal(f.threadHash, 15842);
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_GET', f.body), KEY_A_B);
  });
});

describe('S4: PUT request, header v1', () => {
  const args = { key: KEY_A_B, value: Buffer.from('v'), expire_ts_seconds: 0 };
  it('encodes byte-exact (blob fields carry tag 0c)', () => {
    assert.deepEqual(encodeRequest('RPC_RRDB_RRDB_PUT', 2, args, DATA_HEADER), S4);
  });
  it('decodes', () => {
    const f = oneRequest(S4);
    assert.equal(f.seqid, 2);
    assert.equal(f.name, 'RPC_RRDB_RRDB_PUT');
    assert.deepEqual(decodeArgs('RPC_RRDB_RRDB_PUT', f.body), args);
  });
});

describe('S5 / S6 / S7: GET responses', () => {
  const found = {
    error: 0,
    value: Buffer.from('v'),
    app_id: 2,
    partition_index: 4,
    server: '127.0.0.1:34801',
  };
  const notFound = { ...found, error: 1, value: Buffer.alloc(0) };
  for (const [label, bytes, result] of [
    ['S5 found', S5, found],
    ['S6 not found', S6, notFound],
  ] as const) {
    it(`${label}: decodes`, () => {
      const f = oneResponse(bytes);
      assert.equal(f.error, 'ERR_OK');
      assert.equal(f.name, 'RPC_RRDB_RRDB_GET_ACK');
      assert.equal(f.seqid, 1);
      assert.deepEqual(decodeResult('RPC_RRDB_RRDB_GET', f.body), result);
    });
    it(`${label}: encodes back byte-exact`, () => {
      assert.deepEqual(encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_OK', result), bytes);
    });
  }
  it('S7 RPC-level failure without body: decodes', () => {
    const f = oneResponse(S7);
    assert.equal(f.error, 'ERR_INVALID_STATE');
    assert.equal(f.name, 'RPC_RRDB_RRDB_GET_ACK');
    assert.equal(f.seqid, 1);
    assert.equal(f.body.length, 0);
  });
  it('S7 encodes back byte-exact', () => {
    assert.deepEqual(encodeResponse('RPC_RRDB_RRDB_GET', 1, 'ERR_INVALID_STATE'), S7);
  });
});

describe('S8 / S9: query_cfg responses', () => {
  const s8: QueryCfgResponse = {
    err: 'ERR_FORWARD_TO_OTHERS',
    app_id: 0,
    partition_count: 0,
    is_stateful: false,
    partitions: [
      {
        pid: { app_id: 0, partition_index: 0 },
        ballot: 0n,
        max_replica_count: 0,
        primary: '127.0.0.1:34602',
        secondaries: [],
        last_drops: [],
        last_committed_decree: 0n,
        partition_flags: 0,
        hp_primary: { host: '127.0.0.1', port: 34602, type: 1 },
      },
    ],
  };
  const s9: QueryCfgResponse = {
    err: 'ERR_OK',
    app_id: 2,
    partition_count: 1,
    is_stateful: true,
    partitions: [
      {
        pid: { app_id: 2, partition_index: 0 },
        ballot: 3n,
        max_replica_count: 3,
        primary: '127.0.0.1:34801',
        secondaries: ['127.0.0.1:34802', '127.0.0.1:34803'],
        last_drops: [],
        last_committed_decree: 100n,
        partition_flags: 0,
        hp_primary: { host: '127.0.0.1', port: 34801, type: 1 },
        hp_secondaries: [
          { host: '127.0.0.1', port: 34802, type: 1 },
          { host: '127.0.0.1', port: 34803, type: 1 },
        ],
        hp_last_drops: [],
      },
    ],
  };
  for (const [label, bytes, seqid, result] of [
    ['S8 follower forward', S8, 1, s8],
    ['S9 success', S9, 7, s9],
  ] as const) {
    it(`${label}: decodes`, () => {
      const f = oneResponse(bytes);
      assert.equal(f.error, 'ERR_OK');
      assert.equal(f.name, 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX_ACK');
      assert.equal(f.seqid, seqid);
      assert.deepEqual(decodeResult('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', f.body), result);
    });
    it(`${label}: encodes back byte-exact`, () => {
      assert.deepEqual(
        encodeResponse('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', seqid, 'ERR_OK', result),
        bytes,
      );
    });
  }
});

describe('S10: clear_scanner, header v1', () => {
  it('encodes byte-exact (args field is tag 0a)', () => {
    assert.deepEqual(encodeRequest('RPC_RRDB_RRDB_CLEAR_SCANNER', 9, 42n, DATA_HEADER), S10);
  });
  it('decodes', () => {
    const f = oneRequest(S10);
    assert.equal(f.seqid, 9);
    assert.equal(f.name, 'RPC_RRDB_RRDB_CLEAR_SCANNER');
    assert.deepEqual(f.header, DATA_HEADER);
    assert.equal(decodeArgs('RPC_RRDB_RRDB_CLEAR_SCANNER', f.body), 42n);
  });
});

describe('S11: rpc_address values', () => {
  const cases: [string, string][] = [
    ['127.0.0.1:34601', '7f 00 00 01 87 29 00 01'],
    ['10.1.2.3:34801', '0a 01 02 03 87 f1 00 01'],
    ['', '00 00 00 00 00 00 00 00'],
  ];
  for (const [addr, bytes] of cases) {
    it(`${JSON.stringify(addr)} <-> ${bytes}`, () => {
      assert.deepEqual(encodeValue(rpcAddressCodec, addr), hex(bytes));
      assert.equal(decodeValue(rpcAddressCodec, hex(bytes)), addr);
    });
  }
});
