// The suite cannot hang: `npm test`'s runner (scripts/run-tests.ts) and the per-file watchdog
// (tests/helpers/watchdog.ts) end planted hangs (a synchronous loop, a promise that never settles,
// a hook that never ends, a leaked server) within their limits and name the test or hook.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';

const FIXTURES = 'tests/fixtures/hang';

function runSuite(
  files: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; elapsedMs: number }> {
  const started = Date.now();
  // without this the inner runner believes it is a test file of ours and skips its files
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/run-tests.ts', ...files.map((f) => `${FIXTURES}/${f}`)],
      { env: { ...outer, ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, out: stdout + stderr, elapsedMs: Date.now() - started });
      },
    );
  });
}

describe('a suite that cannot hang', () => {
  it('hung tests, hooks and leaked handles fail with their names, and the run ends', async () => {
    const r = await runSuite(['sync-loop.ts', 'pending-promise.ts', 'hung-hook.ts', 'leaked-server.ts'], {
      TEST_WAIT_MS: '1500',
      TEST_CHILD_WAIT_MS: '1500',
      TEST_LEAK_GRACE_MS: '1000',
    });
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /HUNG in test "planted > spins forever".*event loop has been blocked/);
    assert.match(r.out, /HUNG in test "waits forever".*event loop still turns/);
    assert.match(r.out, /HUNG in after test "hooked > is fine" \(an after\/afterEach hook/);
    assert.match(r.out, /leaked-server\.ts: all tests ended .*TCPServerWrap/);
    assert.ok(r.elapsedMs < 60_000, `the run took ${r.elapsedMs} ms`);
  });

  it('the whole run has a limit of its own', async () => {
    const r = await runSuite(['pending-promise.ts'], { TEST_WAIT_MS: '60000', TEST_SUITE_LIMIT_MS: '2500' });
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /the run passed its limit of 3 s/);
    assert.ok(r.elapsedMs < 30_000, `the run took ${r.elapsedMs} ms`);
  });
});
