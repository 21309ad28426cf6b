// How fast a wrong or unreachable meta address is reported (issue 15.1), with default options:
// a refused port, an unresolvable host, two listeners that accept and never answer. Each case is
// run cold (new client: PegasusClient.connect) and warm (a second openTable on that client).
//   npx tsx bench/meta-errors.ts
import { createServer, type Socket } from 'node:net';
import { PegasusClient } from '../client/index.ts';

async function refused(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `127.0.0.1:${port}`;
}

async function silent(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const s = createServer((c) => {
    sockets.push(c);
    c.on('error', () => {});
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: async () => {
      for (const c of sockets) c.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
  };
}

async function timed(p: Promise<unknown>): Promise<string> {
  const t0 = performance.now();
  try {
    await p;
    return 'resolved?!';
  } catch (e) {
    const ms = (performance.now() - t0).toFixed(0);
    const causes = ((e as Error).cause as AggregateError | undefined)?.errors ?? [];
    const what = causes.map((c: { code?: string }) => c.code).join(', ');
    return `${(e as { code?: string }).code} after ${ms} ms (${what})`;
  }
}

async function run(name: string, metas: string[]) {
  const cold = await timed(PegasusClient.connect({ metaServers: metas }));
  const client = new PegasusClient({ metaServers: metas });
  await timed(client.openTable('temp'));
  const warm = await timed(client.openTable('temp'));
  await client.close();
  process.stdout.write(`${name}\n  connect: ${cold}\n  openTable, warm: ${warm}\n`);
}

await run('refused port', [await refused()]);
await run('two refused ports', [await refused(), await refused()]);
await run('unresolvable host', ['no-such-meta.invalid:34601']);
const a = await silent();
const b = await silent();
try {
  await run('two silent metas (accept, never answer)', [a.address, b.address]);
} finally {
  await a.close();
  await b.close();
}
