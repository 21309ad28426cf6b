// The soak's cluster, in its own process: the onebox's CPU (replication, beacons, failure
// detection) must not run on the client's event loop, or the client's deadlines would be judged on
// a loop the servers keep busy. Prints one JSON line (metas, replicas, tables, control) and stays up
// until SIGTERM. argv[2]: JSON of { tables, detectMs, splitMs }.

import type { TableSpec } from '../onebox/index.ts';
import { startTcpOnebox } from '../onebox/index.ts';

interface ChildConfig {
  tables: TableSpec[];
  detectMs: number;
  splitMs: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const box = await startTcpOnebox({
    metas: 3,
    replicas: 5,
    tables: config.tables,
    detectMs: config.detectMs,
    splitMs: config.splitMs,
    log: (line) => process.stderr.write(`onebox: ${line}\n`),
  });
  const stop = () => {
    box.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // a parent killed without a chance to stop us must not leave a cluster running
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
  process.stdout.write(
    `${JSON.stringify({ metas: box.metas, replicas: box.replicas, tables: box.tables, control: box.control })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`onebox failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
