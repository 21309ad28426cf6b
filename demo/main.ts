// npm start [-- options]: the failover demo. A onebox on loopback, a steady workload through the
// client, a slow core dump (by default) of a primary, shown live; then the same scenario under the
// "timeout only" policy, a side-by-side report, and the traces with their HTML timelines.
// The process ends by itself: every socket and timer is closed (exit code 0; 130 after Ctrl-C).
import { relative } from 'node:path';
import { LiveDisplay } from './live-display.ts';
import { HELP, parseDemoOptions } from './options.ts';
import { reportText } from './report.ts';
import { POLICY_LABELS, type PolicyRun, runPolicy } from './run-policy.ts';
import { writeOutputs } from './write-outputs.ts';

async function main(argv: string[]): Promise<number> {
  let o: ReturnType<typeof parseDemoOptions>;
  try {
    o = parseDemoOptions(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (o === null) {
    process.stdout.write(HELP);
    return 0;
  }
  const display = new LiveDisplay(process.stdout, o.live && process.stdout.isTTY === true);
  let interrupted = false;
  let interrupt = () => {};
  const stop = new Promise<void>((resolve) => {
    interrupt = resolve;
  });
  const onSigint = () => {
    if (interrupted) {
      // A second Ctrl-C: the user does not want to wait for the shutdown.
      process.stdout.write('\x1b[?25h\n');
      process.exit(130);
    }
    interrupted = true;
    display.message('interrupted: stopping the workload and closing the cluster (Ctrl-C again to quit now)');
    interrupt();
  };
  process.on('SIGINT', onSigint);
  try {
    console.log(
      `pegasus-ts failover demo: onebox with 3 replicas and ${o.partitions} partitions on loopback, ` +
        `failure detection ${o.detectMs} ms; ${o.rate} calls/s with a ${o.timeoutMs} ms deadline; ` +
        `fault "${o.fault}" at +${o.faultAtMs} ms of ${o.durationMs} ms per policy.`,
    );
    const runs: PolicyRun[] = [];
    for (const [i, policy] of o.policies.entries()) {
      if (interrupted) break;
      console.log(`\n== run ${i + 1}/${o.policies.length}: ${POLICY_LABELS[policy]}`);
      runs.push(await runPolicy(policy, o, display, stop));
    }
    const report = reportText(runs, o);
    console.log(`\n== report\n\n${report}`);
    const files = writeOutputs(o.out, o, runs, report);
    for (const f of files) console.log(`${f.what}: ${relative(process.cwd(), f.path)}`);
    return interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (process.stdout.isTTY) process.stdout.write('\x1b[?25h');
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  },
);
