// `npm test`: node's test runner over tests/ and properties/, with time limits at every level so a
// hung test ends the run with its name instead of never ending:
//   - each test and hook: tests/helpers/watchdog.ts (loaded into every test file's process) names
//     what hung and kills that file's process (TEST_WAIT_MS, TEST_CHILD_WAIT_MS);
//   - each file: node's --test-timeout (TEST_FILE_TIMEOUT_MS), a backstop should the watchdog die;
//   - the whole run: TEST_SUITE_LIMIT_MS, after which the runner and all its children are killed.
// Extra arguments go to node's test runner (`npm test -- --test-name-pattern=foo`); file arguments
// replace the default file set (`npm test -- tests/wire-fragments.test.ts`).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const USAGE = `usage: npm test [-- [node test runner flags] [test files]]
Runs tests/*.test.ts and properties/*.test.ts (or the files given) under node's test runner with tsx.
Time limits (milliseconds, environment):
  TEST_WAIT_MS         one test or hook                       (default 150000)
  TEST_CHILD_WAIT_MS   one test that starts a child process   (default 300000)
  TEST_FILE_TIMEOUT_MS one test file                          (default 600000)
  TEST_SUITE_LIMIT_MS  the whole run                          (default 1800000)
Test files run TEST_CONCURRENCY at a time (default: the machine's available parallelism, at least 2;
node's own default leaves one core idle on a 2-core machine). --test-concurrency=N overrides it.
`;

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const fileTimeoutMs = envMs('TEST_FILE_TIMEOUT_MS', 600_000);
const suiteLimitMs = envMs('TEST_SUITE_LIMIT_MS', 1_800_000);
// files are mostly one process each, often waiting on sockets and timers: on 2 cores, 2 at a time
// took the suite from 5 min 24 s to 3 min 11 s with every test passing (2026-12-06)
const concurrency = Math.round(envMs('TEST_CONCURRENCY', Math.max(2, availableParallelism())));

const files = args.filter((a) => !a.startsWith('-') && a.endsWith('.ts'));
const flags = args.filter((a) => !files.includes(a));
if (files.length === 0) {
  for (const dir of ['tests', 'properties'])
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.test.ts')) files.push(join(dir, f));
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    './tests/helpers/watchdog.ts',
    '--test',
    `--test-timeout=${fileTimeoutMs}`,
    ...(flags.some((f) => f.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec']),
    ...(flags.some((f) => f.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${concurrency}`]),
    ...flags,
    ...files,
  ],
  // its own process group, so the limit below ends every test file's process with it
  { stdio: 'inherit', detached: true },
);

const killGroup = (signal: NodeJS.Signals): void => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // the group has already gone
  }
};
const limit = setTimeout(() => {
  process.stderr.write(
    `\nTEST RUNNER: the run passed its limit of ${Math.round(suiteLimitMs / 1000)} s ` +
      '(TEST_SUITE_LIMIT_MS); killing it and every test file still running\n',
  );
  killGroup('SIGKILL');
  process.exit(1);
}, suiteLimitMs);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killGroup(sig);
    process.exit(130);
  });
child.on('exit', (code, signal) => {
  clearTimeout(limit);
  process.exit(code ?? (signal === null ? 1 : 128));
});
