// client/abort-watch.ts: one 'abort' listener per AbortSignal however many calls share it, each
// call's callback run once on abort, and the listener removed when the last call stops watching.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { watchAbort } from '../client/abort-watch.ts';

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

describe('abort watch', () => {
  it('many watchers of one signal share one listener; abort runs each callback once', () => {
    const ac = new AbortController();
    const ran: string[] = [];
    watchAbort(ac.signal, () => ran.push('a'));
    watchAbort(ac.signal, () => ran.push('b'));
    assert.equal(listeners(ac.signal), 1);
    ac.abort();
    assert.deepEqual(ran, ['a', 'b']);
    assert.equal(listeners(ac.signal), 0);
  });

  it('a stopped watcher is not run; the listener goes with the last watcher', () => {
    const ac = new AbortController();
    const ran: string[] = [];
    const stopA = watchAbort(ac.signal, () => ran.push('a'));
    const stopB = watchAbort(ac.signal, () => ran.push('b'));
    stopA();
    assert.equal(listeners(ac.signal), 1, 'b still watches');
    stopB();
    assert.equal(listeners(ac.signal), 0);
    ac.abort();
    assert.deepEqual(ran, []);
  });

  it('stopping twice does not stop another watcher', () => {
    const ac = new AbortController();
    const ran: string[] = [];
    const stopA = watchAbort(ac.signal, () => ran.push('a'));
    stopA();
    watchAbort(ac.signal, () => ran.push('b'));
    stopA();
    assert.equal(listeners(ac.signal), 1);
    ac.abort();
    assert.deepEqual(ran, ['b']);
  });

  it('a watch started after the last one stopped gets a listener of its own', () => {
    const ac = new AbortController();
    const ran: string[] = [];
    watchAbort(ac.signal, () => ran.push('a'))();
    watchAbort(ac.signal, () => ran.push('b'));
    assert.equal(listeners(ac.signal), 1);
    ac.abort();
    assert.deepEqual(ran, ['b']);
  });

  it('a callback that stops its own watch during the abort leaves a watch made meanwhile in place', () => {
    const ac = new AbortController();
    const stop = watchAbort(ac.signal, () => {
      // a new watch made while the abort runs (it joins no finished watch), then the running one stops
      watchAbort(ac.signal, () => {});
      stop();
    });
    ac.abort();
    // the watch made meanwhile still owns the signal: a further watcher joins its listener
    watchAbort(ac.signal, () => {});
    assert.equal(listeners(ac.signal), 1);
  });
});
