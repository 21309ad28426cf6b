// client/client-events.ts: on() checks its arguments and returns its own unsubscribe, emit() hands
// each listener of the event's kind the event without its `kind`, and a listener that throws is a
// warning that stops neither the others nor the caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientEvents } from '../client/client-events.ts';
import { PegasusArgumentError } from '../client/errors.ts';
import { captureWarnings } from './helpers/capture-warnings.ts';

const health = (address: string) => ({ kind: 'health', address, health: 'ready' }) as const;

describe('client events', () => {
  it('each kind reaches only its own listeners, without the kind field', () => {
    const ev = new ClientEvents();
    const seen: unknown[] = [];
    ev.on('health', (e) => seen.push(['health', e]));
    ev.on('leader', (e) => seen.push(['leader', e]));
    ev.emit(health('a:1'));
    ev.emit({ kind: 'leader', table: 't', address: 'm:1' });
    ev.emit({ kind: 'refresh', table: 't', phase: 'query' });
    assert.deepEqual(seen, [
      ['health', { address: 'a:1', health: 'ready' }],
      ['leader', { table: 't', address: 'm:1' }],
    ]);
  });

  it('every listener of a kind runs; on() returns the unsubscribe of that listener only', () => {
    const ev = new ClientEvents();
    const seen: string[] = [];
    const offA = ev.on('health', () => seen.push('a'));
    ev.on('health', () => seen.push('b'));
    ev.emit(health('x:1'));
    offA();
    ev.emit(health('x:1'));
    assert.deepEqual(seen, ['a', 'b', 'b']);
  });

  it('off() of a listener never added, or of a kind with no listeners, is a no-op', () => {
    const ev = new ClientEvents();
    assert.doesNotThrow(() => ev.off('routing', () => {}));
    const seen: string[] = [];
    ev.on('routing', () => seen.push('r'));
    ev.off('routing', () => {});
    ev.emit({ kind: 'routing', table: 't', appId: 1, partitionCount: 1, changed: [] });
    assert.deepEqual(seen, ['r']);
  });

  it('a listener that throws becomes a warning naming the event; the next listener still runs', async () => {
    const ev = new ClientEvents();
    const seen: string[] = [];
    ev.on('health', () => {
      throw new Error('boom');
    });
    ev.on('health', () => seen.push('after'));
    const { warnings } = await captureWarnings(async () => ev.emit(health('x:1')));
    assert.deepEqual(seen, ['after']);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.name, 'PegasusListenerWarning');
    assert.match(warnings[0]!.message, /a "health" listener threw: Error: boom/);
  });

  it('unknown event names and non-function listeners are argument errors naming the valid events', () => {
    const ev = new ClientEvents();
    assert.throws(
      () => ev.on('nope' as never, () => {}),
      (e: unknown) =>
        e instanceof PegasusArgumentError &&
        e.message === 'unknown event "nope": use health, routing, refresh, leader',
    );
    assert.throws(() => ev.on(5 as never, () => {}), PegasusArgumentError);
    // only the name itself: not an object that converts to one
    assert.throws(() => ev.on({ toString: () => 'health' } as never, () => {}), PegasusArgumentError);
    assert.throws(() => ev.on('health', 'f' as never), /listener must be a function/);
    for (const name of ['health', 'routing', 'refresh', 'leader'] as const)
      assert.equal(typeof ev.on(name, () => {}), 'function');
  });
});
