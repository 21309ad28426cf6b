// The onebox as a child process of the benchmark, so that server work runs on its own core and
// neither distorts the client's CPU time nor competes with it on one event loop.
// Usage (spawned by bench/lib/server-child.ts): node --import tsx bench/server.ts '<ServerSpec JSON>'
// Prints NDJSON on stdout (ready, replies, cluster events); reads commands on stdin; exits on
// SIGTERM/SIGINT or when stdin closes (the parent is gone).
import { createInterface } from 'node:readline';
import { startTcpOnebox } from '../onebox/index.ts';
import { epochMs } from './lib/clock.ts';
import type { ServerCommand, ServerMessage, ServerSpec } from './lib/server-protocol.ts';

function emit(m: ServerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const box = await startTcpOnebox({
    replicas: spec.replicas,
    tables: [{ name: spec.table, partitionCount: spec.partitions }],
    ...(spec.detectMs !== undefined ? { detectMs: spec.detectMs } : {}),
  });
  const cluster = box.cluster;
  cluster.model.onChange((c) =>
    emit({
      type: 'config',
      at: epochMs(),
      appId: c.appId,
      index: c.partitionIndex,
      ballot: Number(c.config.ballot),
      primary: c.config.primary,
      previousPrimary: c.previous.primary,
      reason: c.reason,
    }),
  );
  for (const address of box.replicas) {
    const proc = cluster.process(address);
    if (proc === undefined) continue;
    proc.onStateChange((state) => emit({ type: 'process', at: epochMs(), address, state }));
    // The state change is announced after the connections were reset, and the client may see the
    // reset before this process is scheduled again: stamp the crash before it happens instead.
    const crash = proc.crash.bind(proc);
    proc.crash = () => {
      if (proc.state !== 'crashed') emit({ type: 'process', at: epochMs(), address, state: 'crashing' });
      crash();
    };
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    box.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const lines = createInterface({ input: process.stdin });
  lines.on('close', stop);
  lines.on('line', (line) => {
    const c = JSON.parse(line) as ServerCommand;
    switch (c.cmd) {
      case 'state':
        emit({ type: 'reply', id: c.id, state: box.state() });
        break;
      case 'cpu': {
        const u = process.cpuUsage();
        emit({ type: 'reply', id: c.id, cpu: { user: u.user, system: u.system, at: epochMs() } });
        break;
      }
      case 'now':
        emit({ type: 'reply', id: c.id, now: epochMs() });
        break;
      case 'fault':
        emit({ type: 'reply', id: c.id, fault: box.fault(c.fault) });
        break;
    }
  });
  emit({
    type: 'ready',
    metas: [...box.metas],
    replicas: [...box.replicas],
    control: box.control,
    pid: process.pid,
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench server failed: ${String(e)}\n`);
  process.exit(1);
});
