// The struct codecs of core/wire/structs-meta.ts and structs-rrdb.ts name themselves in what they
// refuse: an argument or result missing a required field is reported as `<struct>.<field> is
// missing`, and a nested struct inside a list or a field as `<outer>.<field>: <inner>.<field> is
// missing`. The names are those of docs/PROTOCOL.md 4 (the argument and result columns) and of the
// server's IDL, so an error points at the struct a reader can look up. Each pinned because a Stryker
// mutant (the name emptied) survived the wire tests without it (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type Codec,
  FastWriter,
  isRpcName,
  ProtocolError,
  requestMetaCodec,
  rpcInfo,
} from '../core/wire/index.ts';

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
