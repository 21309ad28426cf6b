// The admin RPCs official admin clients call, on both networks: RPC_CM_LIST_NODES (leader only:
// alive nodes then dead ones, each sorted; filtered by status) and RPC_CLI_CLI_CALL (any meta or
// replica server, leader or not: help, server-info, unknown commands).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeStatus } from '../core/wire/types.ts';
import { NodeCalls } from './helpers/onebox-calls.ts';
import { type Driver, simDriver, tcpDriver } from './helpers/onebox-drivers.ts';

const TUNING = { detectMs: 400, beaconMs: 50, promoteDelayMs: 50, learnMs: 20, prepareTimeoutMs: 300 };

const networks: Array<[string, (seed: number) => Promise<Driver>]> = [
  ['sim', async (seed) => simDriver({ seed, ...TUNING, metas: 2, replicas: 4 })],
  ['tcp', async () => tcpDriver({ ...TUNING, metas: 2, replicas: 4 })],
];

async function withCalls(make: () => Promise<Driver>, body: (d: Driver, c: NodeCalls) => Promise<void>) {
  const d = await make();
  const c = new NodeCalls(d);
  try {
    await body(d, c);
  } finally {
    c.close();
    await d.close();
  }
}

const byHostPort = (a: string, b: string) => {
  const [ha, pa] = a.split(':');
  const [hb, pb] = b.split(':');
  return ha === hb ? Number(pa) - Number(pb) : ha! < hb! ? -1 : 1;
};

for (const [name, make] of networks) {
  describe(`onebox admin RPCs on the ${name} network`, () => {
    it('list_nodes: every replica server with its failure-detector status, filtered by status; followers forward', () =>
      withCalls(
        () => make(51),
        async (d, c) => {
          const [leader, follower] = d.metas as [string, string];
          const list = async (status: number, meta = leader) => {
            const r = await c.call(meta, 'RPC_CM_LIST_NODES', { status });
            if (r.kind !== 'reply' || r.result === undefined) throw new Error(`list_nodes: ${r.kind}`);
            return r.result;
          };
          const all = await list(NodeStatus.NS_INVALID);
          assert.equal(all.err, 'ERR_OK');
          const sorted = [...d.replicas].sort(byHostPort);
          assert.deepEqual(
            all.infos.map((i) => [i.status, i.node]),
            sorted.map((a) => [NodeStatus.NS_ALIVE, a]),
          );
          const [host, port] = sorted[0]!.split(':');
          assert.deepEqual(all.infos[0]!.hp_node, { host, port: Number(port), type: 1 });

          const dead = d.replicas[1]!;
          d.fault({ node: dead, kind: 'crash' });
          assert.ok(
            await d.waitFor(() => d.state().replicas.some((r) => r.address === dead && !r.aliveInMeta), 3000),
          );
          const after = await list(NodeStatus.NS_INVALID);
          assert.deepEqual(
            after.infos.map((i) => [i.status, i.node]),
            [
              ...sorted.filter((a) => a !== dead).map((a) => [NodeStatus.NS_ALIVE, a]),
              [NodeStatus.NS_UNALIVE, dead],
            ],
          );
          assert.deepEqual(
            (await list(NodeStatus.NS_UNALIVE)).infos.map((i) => i.node),
            [dead],
          );
          assert.equal((await list(NodeStatus.NS_ALIVE)).infos.length, 3);
          const fwd = await list(NodeStatus.NS_INVALID, follower);
          assert.equal(fwd.err, 'ERR_FORWARD_TO_OTHERS');
          assert.deepEqual(fwd.infos, []);
          d.fault({ node: follower, kind: 'leader', ms: 5000 });
          assert.equal((await list(NodeStatus.NS_INVALID, follower)).err, 'ERR_SERVICE_NOT_ACTIVE');
        },
      ));

    it('remote commands: help, help <command>, server-info and unknown commands, on metas (leader or not) and replicas', () =>
      withCalls(
        () => make(52),
        async (d, c) => {
          const run = async (node: string, cmd: string, args: string[] = []) => {
            const r = await c.call(node, 'RPC_CLI_CLI_CALL', { cmd, arguments: args });
            assert.equal(r.kind === 'reply' && r.error, 'ERR_OK', `${cmd} at ${node}`);
            return r.kind === 'reply' ? r.result! : '';
          };
          const help = 'help|h|H|Help - Display help information\nserver-info - Query server information\n';
          for (const node of [...d.metas, d.replicas[0]!]) assert.equal(await run(node, 'help'), help);
          assert.equal(await run(d.metas[1]!, 'H'), help);
          assert.equal(
            await run(d.replicas[2]!, 'help', ['server-info']),
            'server-info - Query server information\nserver-info \n',
          );
          assert.equal(await run(d.replicas[2]!, 'help', ['flush-log']), "cannot find command 'flush-log'");
          assert.equal(await run(d.metas[0]!, 'flush-log'), "unknown command 'flush-log'");
          const info = JSON.parse(await run(d.replicas[0]!, 'server-info')) as Record<string, string>;
          assert.deepEqual(Object.keys(info), ['build_type', 'git_SHA', 'start_time', 'version']);
          assert.match(info.start_time!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        },
      ));
  });
}
