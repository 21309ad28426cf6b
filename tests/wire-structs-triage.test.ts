// The struct codecs of core/wire/structs-meta.ts and structs-rrdb.ts name themselves in what they
// refuse: an argument or result missing a required field is reported as `<struct>.<field> is
// missing`, and a nested struct inside a list or a field as `<outer>.<field>: <inner>.<field> is
// missing`. The names are those of docs/PROTOCOL.md 4 (the argument and result columns) and of the
// server's IDL, so an error points at the struct a reader can look up. Each pinned because a Stryker
// mutant (the name emptied) survived the wire tests without it (docs/MUTANTS.md).
// The reference reader over thrift's TBinaryProtocol (core/wire/thrift-io.ts) fails as the fast one
// does: the same kind and message for a truncated read, the same kind for a negative count, offsets
// relative to the region it reads, and a negative string or binary length is 'bad-length' naming what and where.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type Codec,
  FastReader,
  FastWriter,
  isRpcName,
  ProtocolError,
  requestMetaCodec,
  rpcInfo,
} from '../core/wire/index.ts';
import { ThriftReader } from '../core/wire/thrift-io.ts';
import type { WireReader } from '../core/wire/wire-io.ts';

/** docs/PROTOCOL.md of the repository (a Stryker sandbox inside it has no docs/ of its own) */
function protocolDoc(): string {
  for (let dir = join(import.meta.dirname, '..'); ; dir = dirname(dir)) {
    const p = join(dir, 'docs', 'PROTOCOL.md');
    if (existsSync(p)) return readFileSync(p, 'utf8');
    if (dirname(dir) === dir) throw new Error('docs/PROTOCOL.md not found');
  }
}

/** rows of the tables of section 4 (meta and replica server): RPC, argument, result */
function rpcTables(): { rpc: string; arg: string; result: string }[] {
  const doc = protocolDoc();
  const start = doc.indexOf('## 4. RPCs');
  const end = doc.indexOf('\n## ', start + 1);
  const rows: { rpc: string; arg: string; result: string }[] = [];
  for (const line of doc.slice(start, end).split('\n')) {
    const m = /^\| `(RPC_\w+)`\s*\|([^|]*)\|([^|]*)\|/.exec(line.trim());
    if (m !== null) rows.push({ rpc: m[1]!, arg: m[2]!.trim(), result: m[3]!.trim() });
  }
  return rows;
}

/** the message of the ProtocolError that writing `v` with `codec` throws */
function encodeRefusal(codec: Codec<unknown>, v: unknown): string {
  try {
    codec.write(new FastWriter(), v);
  } catch (e) {
    assert.ok(e instanceof ProtocolError, String(e));
    return e.message;
  }
  assert.fail(`${codec.name} wrote ${JSON.stringify(v)}`);
}

// Two results share another struct's layout in the IDL, and the codec carries that struct's name.
const SHARED_LAYOUT: Record<string, string> = {
  check_and_mutate_response: 'check_and_set_response',
  negotiation_response: 'negotiation_request',
};

describe('struct codecs name the struct in what they refuse', () => {
  it('an argument or a result missing its fields names the struct of docs/PROTOCOL.md 4', () => {
    const rows = rpcTables();
    assert.ok(rows.length >= 20, `only ${rows.length} rows found in section 4`);
    let structs = 0;
    for (const { rpc, arg, result } of rows) {
      assert.ok(isRpcName(rpc), rpc);
      const info = rpcInfo(rpc);
      // "blob: full key", "i64 context id": no struct
      if (/^\w+$/.test(arg)) {
        assert.match(encodeRefusal(info.args, {}), new RegExp(`^${arg}\\.\\w+ is missing$`), rpc);
        structs++;
      }
      const res = result.split(' ')[0]!;
      if (info.result !== undefined && /^\w+_response$/.test(res)) {
        const name = SHARED_LAYOUT[res] ?? res;
        assert.match(encodeRefusal(info.result, {}), new RegExp(`^${name}\\.\\w+ is missing$`), rpc);
        structs++;
      }
    }
    assert.ok(structs >= 30, `only ${structs} structs checked`);
  });

  it('the list-nodes RPC and the remote command name their structs', () => {
    assert.equal(
      encodeRefusal(rpcInfo('RPC_CM_LIST_NODES').args, {}),
      'configuration_list_nodes_request.status is missing',
    );
    assert.equal(
      encodeRefusal(rpcInfo('RPC_CM_LIST_NODES').result!, {}),
      'configuration_list_nodes_response.err is missing',
    );
    assert.equal(encodeRefusal(rpcInfo('RPC_CLI_CLI_CALL').args, {}), 'command.cmd is missing');
  });

  it('the v1 request header names thrift_request_meta_v1', () => {
    assert.equal(encodeRefusal(requestMetaCodec, {}), 'thrift_request_meta_v1.app_id is missing');
  });

  it('a nested struct is named after the path that leads to it', () => {
    const refusal = (rpc: Parameters<typeof rpcInfo>[0], side: 'args' | 'result', v: unknown) => {
      const info = rpcInfo(rpc);
      return encodeRefusal((side === 'args' ? info.args : info.result!) as Codec<unknown>, v);
    };
    const none = new Uint8Array(0);
    const base = { app_id: 1, partition_index: 0, server: 'a:1' };
    assert.equal(
      refusal('RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX', 'result', {
        err: 'ERR_OK',
        app_id: 1,
        partition_count: 1,
        is_stateful: true,
        partitions: [{}],
      }),
      'query_cfg_response.partitions: partition_configuration.pid is missing',
    );
    assert.equal(
      refusal('RPC_CM_LIST_APPS', 'result', { err: 'ERR_OK', infos: [{}] }),
      'configuration_list_apps_response.infos: app_info.status is missing',
    );
    assert.equal(
      refusal('RPC_CM_CREATE_APP', 'args', { app_name: 't', options: {} }),
      'configuration_create_app_request.options: create_app_options.partition_count is missing',
    );
    assert.equal(
      refusal('RPC_CM_DROP_APP', 'args', { app_name: 't', options: {} }),
      'configuration_drop_app_request.options: drop_app_options.success_if_not_exist is missing',
    );
    assert.equal(
      refusal('RPC_CM_LIST_NODES', 'result', { err: 'ERR_OK', infos: [{}] }),
      'configuration_list_nodes_response.infos: node_info.status is missing',
    );
    assert.equal(
      refusal('RPC_RRDB_RRDB_MULTI_PUT', 'args', { hash_key: none, kvs: [{}], expire_ts_seconds: 0 }),
      'multi_put_request.kvs: key_value.key is missing',
    );
    assert.equal(
      refusal('RPC_RRDB_RRDB_BATCH_GET', 'args', { keys: [{}] }),
      'batch_get_request.keys: full_key.hash_key is missing',
    );
    assert.equal(
      refusal('RPC_RRDB_RRDB_BATCH_GET', 'result', { error: 0, data: [{}], ...base }),
      'batch_get_response.data: full_data.hash_key is missing',
    );
    assert.equal(
      refusal('RPC_RRDB_RRDB_CHECK_AND_MUTATE', 'args', {
        hash_key: none,
        check_sort_key: none,
        check_type: 0,
        check_operand: none,
        mutate_list: [{}],
        return_check_value: false,
      }),
      'check_and_mutate_request.mutate_list: mutate.operation is missing',
    );
  });
});

/** kind and message of what `read` throws, or the value it returns */
function attempt(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `threw ${String(e)}`);
    return { kind: e.kind, message: e.message };
  }
}

/** the same read from both readers over the same region (two bytes of prefix, one after) */
function both(bytes: number[], read: (r: WireReader) => unknown): [unknown, unknown] {
  const b = Buffer.from([0xaa, 0xbb, ...bytes, 0xcc]);
  const end = b.length - 1;
  return [attempt(() => read(new ThriftReader(b, 2, end))), attempt(() => read(new FastReader(b, 2, end)))];
}

describe('ThriftReader fails as FastReader does', () => {
  it('a read past the end of the region is truncated, with the offset and what is left', () => {
    const cases: [number[], (r: WireReader) => unknown][] = [
      [[], (r) => r.readByte()],
      [[1], (r) => r.readI16()],
      [[0, 0, 1], (r) => r.readI32()],
      [[0, 0, 0, 0, 1], (r) => r.readI64()],
      [[0, 0, 0, 0, 0, 0, 1], (r) => r.readDouble()],
      [[0, 0, 0, 9, 0x61, 0x62], (r) => r.readString()],
      [[0, 0, 0, 9, 1, 2, 3], (r) => r.readBinary()],
      [[0, 0, 0, 1, 0, 0, 0], (r) => [r.readI32(), r.readI32()]],
    ];
    for (const [bytes, read] of cases) {
      const [thrift, fast] = both(bytes, read);
      assert.equal((fast as { kind?: string }).kind, 'truncated', String(read));
      assert.deepEqual(thrift, fast, String(read));
    }
    assert.deepEqual(both([0, 0, 0, 9, 0x61], (r) => r.readString())[0], {
      kind: 'truncated',
      message: 'need 9 bytes at offset 4, only 1 left',
    });
  });

  it('reads that fit give the same values, up to the last byte of the region', () => {
    const cases: [number[], (r: WireReader) => unknown][] = [
      [[0x80], (r) => r.readByte()],
      [[1], (r) => r.readBool()],
      [[0xff, 0xfe], (r) => r.readI16()],
      [[0x80, 0, 0, 1], (r) => r.readI32()],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], (r) => r.readI64()],
      [[0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], (r) => r.readDouble()],
      [[0, 0, 0, 2, 0x68, 0x69], (r) => r.readString()],
      [[0, 0, 0, 2, 7, 8], (r) => [...r.readBinary()]],
      [[0, 0, 0, 0], (r) => r.readString()],
      [[0, 0, 0, 0], (r) => r.readBinary().length],
      [[0x0b, 0, 0, 0, 0], (r) => [r.readListBegin(), r.elemType]],
      [[0x0b, 0x08, 0, 0, 0, 0], (r) => [r.readMapBegin(), r.keyType, r.valueType]],
    ];
    for (const [bytes, read] of cases) {
      const [thrift, fast] = both(bytes, (r) => [read(r), r.offset, r.remaining]);
      assert.ok('value' in (fast as object), String(read));
      assert.deepEqual(thrift, fast, String(read));
    }
  });

  it('a negative list or map count is bad-length, naming it and where its header starts', () => {
    // FastReader names the offset of the count itself (after the type bytes), ThriftReader that of
    // the header (thrift reads the types and the count in one call)
    const list = both([0, 0x0b, 0xff, 0xff, 0xff, 0xfe], (r) => [r.readByte(), r.readListBegin()]);
    assert.deepEqual(list[0], { kind: 'bad-length', message: 'negative element count -2 at offset 1' });
    assert.deepEqual(list[1], { kind: 'bad-length', message: 'negative element count -2 at offset 2' });
    const map = both([0, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff], (r) => [r.readByte(), r.readMapBegin()]);
    assert.deepEqual(map[0], { kind: 'bad-length', message: 'negative element count -1 at offset 1' });
    assert.deepEqual(map[1], { kind: 'bad-length', message: 'negative element count -1 at offset 3' });
  });

  it('list, map and field headers set the types and the id as FastReader does', () => {
    const header = (r: WireReader) => {
      const n = r.readListBegin();
      const m = r.readMapBegin();
      const t = r.readFieldBegin();
      const id = r.fieldId;
      const stop = r.readFieldBegin();
      return [n, r.elemType, m, r.keyType, r.valueType, t, id, stop, r.fieldId];
    };
    const bytes = [0x0b, 0, 0, 0, 3, 0x08, 0x0a, 0, 0, 0, 2, 0x0c, 0, 7, 0];
    const [thrift, fast] = both(bytes, header);
    assert.deepEqual(fast, { value: [3, 0x0b, 2, 0x08, 0x0a, 0x0c, 7, 0, 7] });
    assert.deepEqual(thrift, fast);
  });

  it("a negative string or binary length is bad-length, naming what and where (thrift's own check)", () => {
    const neg = [0xff, 0xff, 0xff, 0xff];
    const [str] = both([1, ...neg], (r) => [r.readByte(), r.readString()]);
    assert.equal((str as { kind: string }).kind, 'bad-length');
    assert.match((str as { message: string }).message, /^string at offset 1: .*Negative string size/);
    const [bin] = both(neg, (r) => r.readBinary());
    assert.equal((bin as { kind: string }).kind, 'bad-length');
    assert.match((bin as { message: string }).message, /^binary at offset 0: .*Negative binary size/);
  });
});
