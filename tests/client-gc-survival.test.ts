// A call's objects die young, also after a major GC (docs/PERFORMANCE.md, "Map churn").
// With the calls in flight, a connection's pending replies or the driver's callbacks in a Map or Set
// that gains and loses an entry per call, V8's chain of rebuilt hash tables kept every call's
// objects alive through each scavenge once one table had reached the old generation: ~600 bytes
// promoted per call, scavenges of 10-30 ms. core/client/id-table.ts holds them instead.
// Planting a Map back (client/node-driver.ts `calls`, or core/client/connection.ts `pending`) gives
// 560-690 B/call here; the id tables give ~3.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const CHILD_TIMEOUT_MS = 60_000;
const CALLS = 60_000;
/** bytes promoted to the old generation per call, at most (the bug: 560-690; fixed: ~3) */
const MAX_PROMOTED_BYTES_PER_CALL = 100;

interface Survival {
  scavenges: number;
  promotedBytes: number;
  calls: number;
}

/** runs the child and sums V8's per-scavenge `promoted=` figures after its MEASURE line */
async function measure(): Promise<Survival> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--expose-gc',
      '--trace-gc-nvp',
      'tests/fixtures/gc-survival-child.ts',
      String(CALLS),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  try {
    const [code] = await once(child, 'close');
    assert.equal(code, 0, `the child exited with ${code}`);
  } finally {
    clearTimeout(timer);
  }
  const lines = out.split('\n');
  const from = lines.indexOf('MEASURE');
  assert.ok(from >= 0, 'the child printed no MEASURE line');
  const result: Survival = { scavenges: 0, promotedBytes: 0, calls: 0 };
  for (const line of lines.slice(from + 1)) {
    if (line.startsWith('CALLS ')) result.calls = Number(line.slice(6));
    if (!/\bgc=s\b/.test(line)) continue;
    const promoted = /\bpromoted=(\d+)/.exec(line);
    assert.ok(promoted !== null, `a scavenge line without promoted=: ${line.slice(0, 120)}`);
    result.scavenges++;
    result.promotedBytes += Number(promoted[1]);
  }
  return result;
}

describe('client: garbage per call', () => {
  it('a call’s objects are not promoted, after a major GC too', async () => {
    const r = await measure();
    assert.equal(r.calls, CALLS, 'every call of the child succeeded');
    // enough scavenges that a chain, had it formed, would have carried calls through several
    assert.ok(r.scavenges >= 5, `only ${r.scavenges} scavenges: too few to judge`);
    const perCall = r.promotedBytes / r.calls;
    assert.ok(
      perCall <= MAX_PROMOTED_BYTES_PER_CALL,
      `${perCall.toFixed(0)} bytes promoted per call over ${r.scavenges} scavenges (at most ${MAX_PROMOTED_BYTES_PER_CALL})`,
    );
  });
});
