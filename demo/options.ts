// Command-line options of `npm start` (the failover demo). Defaults finish both runs in ~20 s.
import { parseArgs } from 'node:util';

export const DEMO_FAULTS = ['coredump', 'crash', 'hang', 'partition', 'restart'] as const;
export type DemoFault = (typeof DEMO_FAULTS)[number];

export interface DemoOptions {
  fault: DemoFault;
  /** coredump: silent this long before the crash; hang and partition: how long they last */
  hangMs: number;
  /** the onebox's failure detection (meta declares a replica dead this long after its last beacon) */
  detectMs: number;
  /** the onebox's delay between removing a dead primary and promoting a secondary */
  promoteDelayMs: number;
  /** length of one policy's run, fault included */
  durationMs: number;
  /** the fault is injected this long after the workload starts */
  faultAtMs: number;
  /** calls started per second (open loop: a stuck call does not slow the workload down) */
  rate: number;
  /** every call's deadline */
  timeoutMs: number;
  partitions: number;
  out: string;
  live: boolean;
  /** which policies run (client and timeout-only by default; with backupMs, backup between them) */
  policies: Array<'client' | 'backup' | 'timeout-only'>;
  /** the "backup" policy's backupRequestDelayMs (null: that policy does not run unless asked for) */
  backupMs: number | null;
  seed: number;
}

export const HELP = `usage: npm start -- [options]

Runs a Pegasus onebox (1 meta, 3 replicas) on loopback, a steady workload through the pegasus-ts
client, and a fault on the primary of partition 0; then the same scenario with a "timeout only"
policy (what the Go client does: calls wait for their deadline, no re-route). Prints a report and
writes the traces and their HTML timelines.

  --fault KIND          coredump (default: hang, then crash) | crash | hang | partition | restart
  --hang-ms MS          coredump: silence before the crash (default 1000); hang: its duration
                        (default 3000, longer than failure detection); partition: its duration
                        (default 1000)
  --detect-ms MS        onebox failure detection (default 1500)
  --promote-delay-ms MS onebox delay from removing a primary to promoting a secondary (default 100)
  --duration-ms MS      length of each policy's run (default 9000)
  --fault-at-ms MS      when the fault is injected (default a quarter of the run, at most 2500)
  --rate N              calls started per second, 2/3 gets and 1/3 sets (default 200)
  --timeout-ms MS       deadline of every call (default 3000)
  --partitions N        partitions of the table (default 4)
  --backup-ms MS        also run the client with backup requests (backupRequestDelayMs MS): reads
                        go to a secondary after MS without a reply, or at once while the primary
                        is suspect; the report shows the three side by side (try --fault hang)
  --policy NAME         run only one: client | backup | timeout-only (default: client and
                        timeout-only, and backup with --backup-ms)
  --seed N              client jitter seed (default 1)
  --out DIR             where to write traces and timelines (default out/demo-<timestamp>)
  --no-live             one plain line per second instead of a redrawn panel (CI, logs)
  --help                this text
`;

function int(name: string, v: string | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** null when --help was asked for; throws RangeError on a bad option */
export function parseDemoOptions(argv: string[], now = new Date()): DemoOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      fault: { type: 'string' },
      'hang-ms': { type: 'string' },
      'detect-ms': { type: 'string' },
      'promote-delay-ms': { type: 'string' },
      'duration-ms': { type: 'string' },
      'fault-at-ms': { type: 'string' },
      rate: { type: 'string' },
      'timeout-ms': { type: 'string' },
      partitions: { type: 'string' },
      policy: { type: 'string' },
      'backup-ms': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'no-live': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) return null;
  const fault = values.fault ?? 'coredump';
  if (!(DEMO_FAULTS as readonly string[]).includes(fault))
    throw new RangeError(`--fault must be one of ${DEMO_FAULTS.join(', ')}, got "${fault}"`);
  const policy = values.policy;
  if (policy !== undefined && policy !== 'client' && policy !== 'backup' && policy !== 'timeout-only')
    throw new RangeError(`--policy must be client, backup or timeout-only, got "${policy}"`);
  const backupMs =
    values['backup-ms'] === undefined ? null : int('backup-ms', values['backup-ms'], 20, 1, 600_000);
  const durationMs = int('duration-ms', values['duration-ms'], 9000, 1000, 600_000);
  const faultAtMs = int(
    'fault-at-ms',
    values['fault-at-ms'],
    Math.min(2500, Math.round(durationMs / 4)),
    0,
    durationMs,
  );
  return {
    fault: fault as DemoFault,
    hangMs: int('hang-ms', values['hang-ms'], fault === 'hang' ? 3000 : 1000, 1, 600_000),
    detectMs: int('detect-ms', values['detect-ms'], 1500, 50, 600_000),
    promoteDelayMs: int('promote-delay-ms', values['promote-delay-ms'], 100, 0, 600_000),
    durationMs,
    faultAtMs,
    rate: int('rate', values.rate, 200, 1, 5000),
    timeoutMs: int('timeout-ms', values['timeout-ms'], 3000, 10, 600_000),
    partitions: int('partitions', values.partitions, 4, 1, 256),
    out: values.out ?? `out/demo-${stamp(now)}`,
    live: values['no-live'] !== true,
    policies:
      policy !== undefined
        ? [policy]
        : backupMs === null
          ? ['client', 'timeout-only']
          : ['client', 'backup', 'timeout-only'],
    backupMs: policy === 'backup' ? (backupMs ?? 20) : backupMs,
    seed: int('seed', values.seed, 1, 0, 2 ** 31 - 1),
  };
}
