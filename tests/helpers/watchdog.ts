// A watchdog for each test file's process, loaded before the file (`--import`, see package.json).
// Node's own `--test-timeout` ends a hung file, but names only the file, and a test stuck in a
// synchronous loop cannot be timed out from its own thread at all. So a worker thread watches the
// main thread: when a test (or a hook, or the time between tests) runs past its limit, or the event
// loop stops turning, it writes which test or hook hung and kills the process, so the run goes on
// and the file fails with that name. After the file's last test, a process still kept alive by
// open sockets, servers or timers fails too, listing them, instead of waiting for the file timeout.
//
// Limits (milliseconds, from the environment):
//   TEST_WAIT_MS        a test or hook with no child process             (default 150 000)
//   TEST_CHILD_WAIT_MS  a test during which a child process was started  (default 300 000, >= 180 000)
//   TEST_LEAK_GRACE_MS  after the last test, before open handles count as leaked (default 10 000)
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { after, afterEach, beforeEach } from 'node:test';
import { Worker } from 'node:worker_threads';

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const testWaitMs = envMs('TEST_WAIT_MS', 150_000);
const childWaitMs = Math.max(envMs('TEST_CHILD_WAIT_MS', 300_000), testWaitMs);
const leakGraceMs = envMs('TEST_LEAK_GRACE_MS', 10_000);

// Shared with the worker. f64: [0] last heartbeat, [1] start of the current phase (test or gap),
// [2] 1 when a child process was started during this phase. i32 [6]: label length; bytes: label.
const LABEL_BYTES = 2048;
const shared = new SharedArrayBuffer(64 + LABEL_BYTES);
const f64 = new Float64Array(shared, 0, 4);
const i32 = new Int32Array(shared, 32, 4);
const label = new Uint8Array(shared, 64, LABEL_BYTES);
const encoder = new TextEncoder();

function setPhase(text: string): void {
  const bytes = encoder.encode(text).subarray(0, LABEL_BYTES);
  label.set(bytes);
  i32[0] = bytes.length;
  f64[1] = Date.now();
  f64[2] = 0;
}

const file = process.argv[1] ?? '(unknown file)';
f64[0] = Date.now();
setPhase('loading the file or in a before() hook (no test has started)');

// Main-thread heartbeat: stops when the event loop is blocked.
setInterval(() => {
  f64[0] = Date.now();
}, 250).unref();

// fullName ("suite > test") is there at run time on Node 20.20; @types/node 20 does not declare it
const nameOf = (t: object): string =>
  (t as { fullName?: string; name?: string }).fullName ?? String((t as { name?: string }).name);
beforeEach((t) => setPhase(`test "${nameOf(t)}"`));
afterEach((t) => setPhase(`after test "${nameOf(t)}" (an after/afterEach hook or the next before hook)`));
after(() => {
  // The root after hook: every test of the file has ended. Only leaked handles keep us alive now.
  i32[1] = 1;
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    process.stderr.write(
      `WATCHDOG ${file}: all tests ended ${leakGraceMs} ms ago but the process is kept alive by ` +
        `${JSON.stringify(open)}: a test left a socket, server, timer or child process open\n`,
    );
    process.exit(1);
  }, leakGraceMs).unref();
});

// A child process (tsc, the onebox, a CLI under test) earns the longer limit for the whole phase.
function markChild(): void {
  f64[2] = 1;
}
// every asynchronous child (spawn, exec, execFile, fork) goes through ChildProcess.prototype.spawn
const proto = childProcess.ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
const origSpawn = proto.spawn;
proto.spawn = function (this: unknown, ...args: unknown[]) {
  markChild();
  return origSpawn.apply(this, args);
};
for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
  const orig = childProcess[name] as (...a: unknown[]) => unknown;
  (childProcess as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
    markChild();
    return orig(...a);
  };
}
syncBuiltinESMExports();

const workerSource = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { shared, file, testWaitMs, childWaitMs } = workerData;
const f64 = new Float64Array(shared, 0, 4);
const i32 = new Int32Array(shared, 32, 4);
const label = new Uint8Array(shared, 64, ${LABEL_BYTES});
setInterval(() => {
  if (i32[1] === 1) return;
  const now = Date.now();
  const limit = f64[2] === 1 ? childWaitMs : testWaitMs;
  const ranMs = now - f64[1];
  if (ranMs <= limit) return;
  const what = Buffer.from(label.slice(0, i32[0])).toString('utf8');
  const blockedMs = now - f64[0];
  const loop = blockedMs > 2000
    ? 'the event loop has been blocked for ' + Math.round(blockedMs / 1000) + ' s (a synchronous loop)'
    : 'the event loop still turns (an awaited promise never settles)';
  fs.writeSync(2, '\\nWATCHDOG ' + file + ': HUNG in ' + what + ', running ' + Math.round(ranMs / 1000) +
    ' s, past its limit of ' + Math.round(limit / 1000) + ' s; ' + loop + '. Killing this test file.\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;
new Worker(workerSource, { eval: true, workerData: { shared, file, testWaitMs, childWaitMs } }).unref();
