// The RPC registry (core/wire/rpc-registry.ts, public as rpcInfo) against docs/PROTOCOL.md 4: each
// entry names itself; the meta server's RPCs (4.1, the RPC_CM_ prefix) are of kind meta; the
// replica server's (4.2) have the kind its table gives, writes are idempotent exactly where it says
// so, reads and scans always (a read changes nothing), and only the RPC whose result is "none:
// one-way" is one-way. Each pinned because a Stryker mutant survived the wire tests without it
// (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { isRpcName, RPC_NAMES, type RpcName, rpcInfo } from '../core/wire/index.ts';

/** docs/PROTOCOL.md of the repository (a Stryker sandbox inside it has no docs/ of its own) */
function protocolDoc(): string {
  for (let dir = join(import.meta.dirname, '..'); ; dir = dirname(dir)) {
    const p = join(dir, 'docs', 'PROTOCOL.md');
    if (existsSync(p)) return readFileSync(p, 'utf8');
    if (dirname(dir) === dir) throw new Error('docs/PROTOCOL.md not found');
  }
}

/** rows of the table in section 4.2: name and the "kind" column, plus the result column */
function replicaTable(): { name: string; result: string; kind: string }[] {
  const doc = protocolDoc();
  const start = doc.indexOf('### 4.2 Replica server');
  const end = doc.indexOf('\n## ', start);
  const rows: { name: string; result: string; kind: string }[] = [];
  for (const line of doc.slice(start, end).split('\n')) {
    const m = /^\| `(RPC_\w+)`\s*\|[^|]*\|([^|]*)\|([^|]*)\|$/.exec(line.trim());
    if (m !== null) rows.push({ name: m[1]!, result: m[2]!.trim(), kind: m[3]!.trim() });
  }
  return rows;
}

describe('the RPC registry agrees with docs/PROTOCOL.md 4', () => {
  it('every entry names itself', () => {
    for (const n of RPC_NAMES) assert.equal(rpcInfo(n).name, n);
  });

  it('meta server RPCs (RPC_CM_) are of kind meta; idempotent unless they create or drop a table', () => {
    const meta = RPC_NAMES.filter((n) => n.startsWith('RPC_CM_'));
    assert.ok(meta.length >= 4, meta.join());
    for (const n of meta) {
      assert.equal(rpcInfo(n).kind, 'meta', n);
      // creating or dropping twice answers differently (ERR_APP_EXIST, ERR_APP_NOT_EXIST)
      assert.equal(rpcInfo(n).idempotent, !/^RPC_CM_(CREATE|DROP)_APP$/.test(n), n);
    }
  });

  it('replica server RPCs: kind, idempotence and one-way as the table of 4.2 gives them', () => {
    const rows = replicaTable();
    assert.ok(rows.length >= 16, `rows: ${rows.length}`);
    for (const { name, result, kind } of rows) {
      assert.ok(isRpcName(name), name);
      const info = rpcInfo(name as RpcName);
      const [k, idem] = kind.split(',').map((s) => s.trim());
      if (k === 'authentication (10.6)') {
        // a handshake step depends on the one before: never resent
        assert.deepEqual([info.kind, info.idempotent], ['security', false], name);
      } else if (k === 'write') {
        assert.equal(info.kind, 'write', name);
        assert.equal(info.idempotent, idem === 'idempotent', name);
      } else {
        assert.ok(k === 'read' || k === 'scan', `${name}: ${kind}`);
        assert.deepEqual([info.kind, info.idempotent], [k, true], name);
      }
      assert.equal(info.oneWay, result.startsWith('none: one-way'), name);
      assert.equal(info.result === undefined, info.oneWay, name);
    }
  });

  it('every other RPC expects a reply', () => {
    const rows = new Set(replicaTable().map((r) => r.name));
    for (const n of RPC_NAMES) if (!rows.has(n)) assert.equal(rpcInfo(n).oneWay, false, n);
  });

  it('isRpcName: only a registered name, and only as a string', () => {
    assert.equal(isRpcName('RPC_RRDB_RRDB_GET'), true);
    assert.equal(isRpcName('RPC_RRDB_RRDB_GET_ACK'), false);
    assert.equal(isRpcName('toString'), false);
    // an array would be looked up as its one element
    assert.equal(isRpcName(['RPC_RRDB_RRDB_GET'] as never), false);
  });
});
