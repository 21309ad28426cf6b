// Admin RPCs the onebox answers for official admin clients: RPC_CM_LIST_NODES (idl/meta_admin.thrift)
// and RPC_CLI_CLI_CALL (idl/command.thrift). Vectors constructed by hand from those IDL structs and
// the framing rules (THFT v0 header, strict message begin, args field 1, result field 0);
// the remote command's result is a bare string in field 0 (tag 0b), not a struct.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeArgs,
  decodeResult,
  encodeRequest,
  encodeResponse,
  RequestDecoder,
  type RequestHeader,
  ResponseDecoder,
  rpcInfo,
} from '../core/wire/index.ts';
import { hex } from './wire-hex.ts';

const META_V0: RequestHeader = {
  app_id: 0,
  partition_index: 0,
  client_timeout_ms: 1000,
  partition_hash: 0n,
  is_backup_request: false,
};

// RPC_CLI_CLI_CALL, seqid 1, command { cmd: "help", arguments: [] }, header v0 with gpid (0, 0)
const A1 = hex(`
0000: 54 48 46 54 00 00 00 00 00 00 00 30 00 00 00 00
0010: 00 00 00 34 00 00 00 00 00 00 00 00 00 00 00 00
0020: 00 00 03 e8 00 00 00 00 00 00 00 00 00 00 00 00
0030: 80 01 00 01 00 00 00 10 52 50 43 5f 43 4c 49 5f
0040: 43 4c 49 5f 43 41 4c 4c 00 00 00 01 0c 00 01 0b
0050: 00 01 00 00 00 04 68 65 6c 70 0f 00 02 0b 00 00
0060: 00 00 00 00
`);

// its reply: ERR_OK, RPC_CLI_CLI_CALL_ACK, result field 0 = string "hi"
const A2 = hex(`
0000: 00 00 00 38 00 00 00 06 45 52 52 5f 4f 4b 80 01
0010: 00 02 00 00 00 14 52 50 43 5f 43 4c 49 5f 43 4c
0020: 49 5f 43 41 4c 4c 5f 41 43 4b 00 00 00 01 0b 00
0030: 00 00 00 00 02 68 69 00
`);

// RPC_CM_LIST_NODES, seqid 7, { status: NS_INVALID }
const A3 = hex(`
0000: 54 48 46 54 00 00 00 00 00 00 00 30 00 00 00 00
0010: 00 00 00 29 00 00 00 00 00 00 00 00 00 00 00 00
0020: 00 00 03 e8 00 00 00 00 00 00 00 00 00 00 00 00
0030: 80 01 00 01 00 00 00 11 52 50 43 5f 43 4d 5f 4c
0040: 49 53 54 5f 4e 4f 44 45 53 00 00 00 07 0c 00 01
0050: 08 00 01 00 00 00 00 00 00
`);

// its reply: one alive node 127.0.0.1:34801, with hp_node
const A4 = hex(`
0000: 00 00 00 6f 00 00 00 06 45 52 52 5f 4f 4b 80 01
0010: 00 02 00 00 00 15 52 50 43 5f 43 4d 5f 4c 49 53
0020: 54 5f 4e 4f 44 45 53 5f 41 43 4b 00 00 00 07 0c
0030: 00 00 0c 00 01 00 00 00 06 45 52 52 5f 4f 4b 0f
0040: 00 02 0c 00 00 00 01 08 00 01 00 00 00 01 0c 00
0050: 02 7f 00 00 01 87 f1 00 01 0c 00 03 00 00 00 09
0060: 31 32 37 2e 30 2e 30 2e 31 87 f1 01 00 00 00
`);

describe('A1 / A2: RPC_CLI_CLI_CALL (remote command)', () => {
  it('request encodes byte-exact and decodes back', () => {
    const encoded = encodeRequest('RPC_CLI_CLI_CALL', 1, { cmd: 'help', arguments: [] }, META_V0, {
      headerVersion: 0,
    });
    assert.deepEqual(encoded, A1);
    const frame = new RequestDecoder().push(A1).frames[0]!;
    assert.equal(frame.name, 'RPC_CLI_CLI_CALL');
    assert.equal(frame.threadHash, 0);
    assert.deepEqual(decodeArgs('RPC_CLI_CLI_CALL', frame.body), { cmd: 'help', arguments: [] });
  });
  it('reply carries the output as a string in result field 0 (tag 0b)', () => {
    assert.deepEqual(encodeResponse('RPC_CLI_CLI_CALL', 1, 'ERR_OK', 'hi'), A2);
    const frame = new ResponseDecoder().push(A2).frames[0]!;
    assert.equal(frame.name, 'RPC_CLI_CLI_CALL_ACK');
    assert.equal(decodeResult('RPC_CLI_CLI_CALL', frame.body), 'hi');
  });
  it('is an admin RPC: not resent after an ambiguous failure', () => {
    assert.equal(rpcInfo('RPC_CLI_CLI_CALL').kind, 'admin');
    assert.equal(rpcInfo('RPC_CLI_CLI_CALL').idempotent, false);
  });
});

describe('A3 / A4: RPC_CM_LIST_NODES', () => {
  it('request encodes byte-exact and decodes back', () => {
    assert.deepEqual(encodeRequest('RPC_CM_LIST_NODES', 7, { status: 0 }, META_V0, { headerVersion: 0 }), A3);
    const frame = new RequestDecoder().push(A3).frames[0]!;
    assert.deepEqual(decodeArgs('RPC_CM_LIST_NODES', frame.body), { status: 0 });
  });
  it('reply encodes byte-exact (node is a bare rpc_address, hp_node a bare host_port) and decodes', () => {
    const result = {
      err: 'ERR_OK',
      infos: [{ status: 1, node: '127.0.0.1:34801', hp_node: { host: '127.0.0.1', port: 34801, type: 1 } }],
    };
    assert.deepEqual(encodeResponse('RPC_CM_LIST_NODES', 7, 'ERR_OK', result), A4);
    const frame = new ResponseDecoder().push(A4).frames[0]!;
    assert.deepEqual(decodeResult('RPC_CM_LIST_NODES', frame.body), result);
  });
});
