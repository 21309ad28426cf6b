// client.admin against a TCP onebox with 3 metas: create / list / wait healthy / drop tables, list
// nodes, with the meta failover rules of data calls (a follower first in the list, a leader change,
// a leader not ready yet, a crashed leader), and bad arguments refused before anything is sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PegasusArgumentError,
  PegasusClient,
  type PegasusError,
  PegasusTableNotFoundError,
} from '../client/index.ts';
import { type Onebox, startTcpOnebox } from '../onebox/index.ts';

let box: Onebox;
let client: PegasusClient;

before(async () => {
  box = await startTcpOnebox({ metas: 3, replicas: 4, detectMs: 1000, metaFailoverMs: 300 });
  // the leader (the first meta) last: every first admin call meets a follower
  client = await PegasusClient.connect({ metaServers: [...box.metas].reverse(), timeoutMs: 3000 });
});

after(async () => {
  await client.close();
  await box.close();
});

const leaderOf = () => box.state().leader;

describe('client.admin over TCP with 3 metas', () => {
  it('listNodes: every replica server, alive, even when the first meta asked is a follower', async () => {
    const nodes = await client.admin.listNodes();
    assert.deepEqual(nodes.map((n) => n.address).sort(), [...box.replicas].sort());
    assert.ok(nodes.every((n) => n.alive));
  });

  it('createTable, waitTableHealthy, then the table serves; listTables shows it; dropTable removes it', async () => {
    const { appId } = await client.admin.createTable('made', { partitions: 4, replicas: 3 });
    assert.ok(appId > 0);
    await client.admin.waitTableHealthy('made', { timeoutMs: 5000 });
    const listed = (await client.admin.listTables()).find((t) => t.name === 'made');
    assert.deepEqual(listed, {
      name: 'made',
      appId,
      partitionCount: 4,
      replicaCount: 3,
      status: 'available',
    });
    const t = await client.openTable('made');
    await t.set('h', 's', 'v');
    assert.equal((await t.get('h', 's'))?.toString(), 'v');
    await assert.rejects(client.admin.createTable('made', { partitions: 4 }), (e: PegasusError) => {
      assert.equal(e.code, 'ERR_APP_EXIST');
      return true;
    });
    await client.admin.dropTable('made');
    assert.equal(
      (await client.admin.listTables()).find((x) => x.name === 'made'),
      undefined,
    );
    const all = await client.admin.listTables({ all: true });
    assert.equal(all.find((x) => x.name === 'made')?.status, 'dropped');
    await assert.rejects(client.admin.dropTable('made'), PegasusTableNotFoundError);
    await assert.rejects(
      client.admin.waitTableHealthy('made', { timeoutMs: 1000 }),
      PegasusTableNotFoundError,
    );
    // the open Table's calls now fail at once with a clear error
    await assert.rejects(t.get('h', 's'), /table does not exist/);
  });

  it('a leader change, and a new leader not ready yet, during admin calls', async () => {
    const old = leaderOf();
    const next = box.metas.find((m) => m !== old)!;
    assert.equal(box.fault({ node: next, kind: 'leader', ms: 300 }).ok, true);
    const start = performance.now();
    const nodes = await client.admin.listNodes({ timeoutMs: 3000 });
    assert.equal(nodes.length, box.replicas.length);
    assert.equal(leaderOf(), next);
    // ERR_SERVICE_NOT_ACTIVE is retried on the same meta until it is ready: it took about 300 ms
    assert.ok(performance.now() - start < 2000);
    await client.admin.createTable('after_change', { partitions: 2, replicas: 3 });
    await client.admin.waitTableHealthy('after_change', { timeoutMs: 5000 });
    await client.admin.dropTable('after_change');
  });

  it('a crashed leader: admin calls move on to the next meta once another leads', async () => {
    const old = leaderOf()!;
    assert.equal(box.fault({ node: old, kind: 'crash', ms: 2000 }).ok, true);
    const tables = await client.admin.listTables({ timeoutMs: 3000 });
    assert.ok(tables.some((t) => t.name === 'temp'));
    assert.notEqual(leaderOf(), old);
  });

  it('a hung leader: an unanswered admin attempt moves on to the next meta', async () => {
    const old = leaderOf()!;
    await client.admin.listNodes(); // the client's leader guess is the current leader
    assert.equal(box.fault({ node: old, kind: 'hang', ms: 2500 }).ok, true);
    const nodes = await client.admin.listNodes({ timeoutMs: 2000 });
    assert.equal(nodes.length, box.replicas.length);
    assert.notEqual(leaderOf(), old);
  });

  it('bad arguments are refused before anything is sent', async () => {
    await assert.rejects(client.admin.createTable('x', { partitions: 3 }), PegasusArgumentError);
    await assert.rejects(client.admin.createTable('x', { replicas: 0 }), PegasusArgumentError);
    await assert.rejects(client.admin.createTable('', {}), PegasusArgumentError);
    await assert.rejects(client.admin.dropTable('x', { timeoutMs: -1 }), PegasusArgumentError);
    await assert.rejects(client.admin.listTables({ al: true } as never), /did you mean "all"/);
  });
});
