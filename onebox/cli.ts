// npm run onebox -- [--metas N] [--replicas N] [--partitions N] [--table NAME] [--meta-port P]
//                   [--replica-port P] [--control-port P] [--detect-ms MS] [--split-ms MS]
// Starts a onebox over TCP on 127.0.0.1, prints one JSON line (metas, replicas, tables, control)
// and stays up until SIGINT/SIGTERM. For a program reading that line: `npm run -s onebox` keeps
// npm's banner off stdout, and `--json-out FILE` also writes it to FILE (renamed into place whole).

import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REAL_META_PORT } from './layout.ts';
import { startTcpOnebox, type TcpOneboxOptions } from './tcp-onebox.ts';

const USAGE =
  'usage: npm run onebox -- [--metas 1..3] [--replicas N] [--partitions N] [--table NAME] ' +
  '[--meta-port P (0 = free ports; default 34601)] [--replica-port P] [--control-port P] [--detect-ms MS] ' +
  '[--split-ms MS (split start -> first child registered; default 1000)] ' +
  '[--json-out FILE (also write the JSON line there)]';

function intOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new Error(`--${name} must be a non-negative integer, got ${String(raw)}`);
  }
  return n;
}

function parseCli(argv: string[]): TcpOneboxOptions & { jsonOut?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      metas: { type: 'string' },
      replicas: { type: 'string' },
      partitions: { type: 'string' },
      table: { type: 'string' },
      'meta-port': { type: 'string' },
      'replica-port': { type: 'string' },
      'control-port': { type: 'string' },
      'detect-ms': { type: 'string' },
      'split-ms': { type: 'string' },
      'json-out': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const options: TcpOneboxOptions & { jsonOut?: string } = {};
  if (values['json-out'] !== undefined) options.jsonOut = values['json-out'];
  const set = <K extends keyof TcpOneboxOptions>(key: K, value: TcpOneboxOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('metas', intOption(values, 'metas'));
  set('replicas', intOption(values, 'replicas'));
  set('metaPort', intOption(values, 'meta-port') ?? REAL_META_PORT);
  set('replicaPort', intOption(values, 'replica-port'));
  set('controlPort', intOption(values, 'control-port'));
  set('detectMs', intOption(values, 'detect-ms'));
  set('splitMs', intOption(values, 'split-ms'));
  options.log = (line) => process.stderr.write(`onebox: ${line}\n`);
  const partitions = intOption(values, 'partitions') ?? 8;
  const table = values.table ?? 'temp';
  if (table === '') throw new Error('--table must not be empty');
  options.tables = [{ name: table, partitionCount: partitions }];
  return options;
}

async function main(): Promise<void> {
  let options: TcpOneboxOptions & { jsonOut?: string };
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { jsonOut, ...boxOptions } = options;
  const onebox = await startTcpOnebox(boxOptions);
  const line = `${JSON.stringify({
    metas: onebox.metas,
    replicas: onebox.replicas,
    tables: onebox.tables,
    control: onebox.control,
    leader: onebox.state().leader,
    detectMs: onebox.cluster.tuning.detectMs,
  })}\n`;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    onebox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the line goes out: a reader may send SIGTERM as soon as it has it, and a signal that
  // arrives before a handler exists kills the process uncleanly.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (jsonOut !== undefined) {
    // a reader polling for the file never sees half a line
    writeFileSync(`${jsonOut}.tmp`, line);
    renameSync(`${jsonOut}.tmp`, jsonOut);
  }
  process.stdout.write(line);
}

main().catch((error: unknown) => {
  process.stderr.write(`onebox failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
