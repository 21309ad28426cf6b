// client/call-channel.ts: table operations are published on the diagnostics_channel tracing channel
// named in the documentation, `pegasus-ts:call` (so a subscriber that names it, as an APM agent
// would, sees every operation without importing the client).
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { CALL_CHANNEL_NAME } from '../client/call-channel.ts';
import { Table } from '../client/table.ts';
import { FakeDriver, ok } from './helpers/fake-driver.ts';

describe('call tracing channel', () => {
  it("'tracing:pegasus-ts:call:start' sees a table operation with its op and table", async () => {
    assert.equal(CALL_CHANNEL_NAME, 'pegasus-ts:call');
    const d = new FakeDriver();
    d.answer = () => ok({ app_id: 1, partition_index: 0, server: 's:1', error: 1, value: Buffer.alloc(0) });
    const seen: unknown[] = [];
    const onStart = (m: unknown) => seen.push(m);
    subscribe('tracing:pegasus-ts:call:start', onStart);
    try {
      assert.equal(await new Table(d.asDriver, 't', 1, 1).get('h', 's'), null);
    } finally {
      unsubscribe('tracing:pegasus-ts:call:start', onStart);
    }
    assert.equal(seen.length, 1);
    assert.deepEqual({ ...(seen[0] as object) }, { op: 'get', table: 't', result: null });
  });
});
