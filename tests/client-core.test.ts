// Unit tests of the sans-I/O client core against scripted servers (tests/helpers/core-harness.ts).
// The failure rules (who settled, when, and what was sent where) are the scripted checks of the
// mutant kill suite (tests/fixtures/machines/kill-scripted.ts), run here on the real machines, one
// test each; this file adds what those checks do not state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MACHINES, requestMachine } from '../machines/index.ts';
import { BASE_CHECKS } from './fixtures/machines/kill-scripted.ts';
import { GET, get, incr, META, N1, open, sentTo, world } from './fixtures/machines/kill-world.ts';
import { getReply } from './helpers/core-harness.ts';

describe('client core: the failure rules, on the real machines', () => {
  for (const check of BASE_CHECKS) it(check.name, () => check.run(MACHINES));
});

describe('client core', () => {
  it('a get carries a v1 header with the key hash and the remaining budget', () => {
    const { h } = world(MACHINES);
    h.scripts.set(N1, (req) => getReply(req, 'v'));
    open(h);
    const id = h.call(get());
    h.runUntil(h.nowMs + 20);
    const s = h.settledOf(id);
    assert.equal(s?.ok, true);
    assert.equal(Buffer.from((s!.result as { value: Uint8Array }).value).toString(), 'v');
    const sent = sentTo(h, N1, GET)[0]!;
    assert.equal(sent.frame.headerVersion, 1);
    assert.equal(sent.frame.header.partition_hash, get().partitionHash);
    assert.ok(sent.frame.header.client_timeout_ms > 900 && sent.frame.header.client_timeout_ms <= 1000);
  });

  it('a call started after close() settles at once with ERR_CLIENT_CLOSED', () => {
    const { h } = world(MACHINES);
    open(h);
    h.feed({ type: 'close' });
    const late = h.call(get());
    assert.equal(h.settledOf(late)?.code, 'ERR_CLIENT_CLOSED');
    assert.equal(h.core.nextTimerMs(), null);
  });

  it('changing a machine definition changes the client: a request machine that treats gets as non-idempotent fails them on reset', () => {
    const mutated = {
      ...MACHINES,
      request: requestMachine.provide({ guards: { isIdempotent: () => false } }),
    };
    const outcomes = [MACHINES, mutated].map((machines) => {
      const { h } = world(machines, { metas: [META] });
      h.scripts.set(N1, () => ({ kind: 'silent' }));
      open(h);
      const g = h.call(get());
      h.runUntil(h.nowMs + 5);
      h.dropConnection(N1);
      return h.settledOf(g)?.code ?? 'pending';
    });
    assert.deepEqual(outcomes, ['pending', 'ERR_SESSION_RESET']);
  });

  it('describe(): the same history gives the same description; a different one a different description', () => {
    const run = (extra: boolean) => {
      const { h } = world(MACHINES);
      h.scripts.set(N1, () => ({ kind: 'silent' }));
      open(h);
      h.call(get());
      if (extra) h.call(incr());
      h.runUntil(h.nowMs + 5);
      return h.core.describe();
    };
    assert.deepEqual(run(false), run(false));
    assert.notDeepEqual(run(false), run(true));
    const lines = run(true);
    assert.ok(
      lines.some((l) => l.startsWith('call 2 ') && l.includes('awaiting')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith(`node ${N1} `)),
      'describes the node',
    );
  });
});
