// client/validate.ts and expiry.ts at their bounds, without a client: the largest and smallest value
// each check accepts, what the messages say about a refused value, the options' misspelling hints,
// and the expiry arithmetic of set and incr.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PegasusArgumentError } from '../client/errors.ts';
import { expireTsSeconds, incrExpireTsSeconds } from '../client/expiry.ts';
import { CALL_OPTION_KEYS, keyList, WRITE_OPTION_KEYS } from '../client/options.ts';
import {
  checkBoolean,
  checkByteCount,
  checkDelta,
  checkLimit,
  checkName,
  checkOptions,
  checkSignal,
  checkTimeoutMs,
  checkTtlSeconds,
  MAX_TIMEOUT_MS,
  toBytes,
  toBytesList,
  toHashKey,
} from '../client/validate.ts';
import { PEGASUS_EPOCH_UNIX_SEC } from '../core/wire/index.ts';

const I32 = 0x7fffffff;

/** the exact message of the PegasusArgumentError that `run` throws */
function message(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof PegasusArgumentError, String(e));
    assert.equal(e.name, 'PegasusArgumentError');
    return e.message;
  }
  return assert.fail('expected a PegasusArgumentError');
}

describe('bytes and keys', () => {
  it('strings are UTF-8, bytes are taken as they are (no copy)', () => {
    assert.deepEqual(toBytes('k', 'é'), Buffer.from([0xc3, 0xa9]));
    const u = new Uint8Array([1, 2]);
    assert.equal(toBytes('k', u), u);
  });

  it('a refused value is described: null, an array, a bigint, a number, or its type', () => {
    const m = (v: unknown) => message(() => toBytes('k', v));
    assert.equal(m(null), 'k must be a Buffer, Uint8Array or string, got null');
    assert.equal(m([]), 'k must be a Buffer, Uint8Array or string, got an array');
    assert.equal(m(5n), 'k must be a Buffer, Uint8Array or string, got 5n');
    assert.equal(m(1.5), 'k must be a Buffer, Uint8Array or string, got 1.5');
    assert.equal(m(true), 'k must be a Buffer, Uint8Array or string, got boolean');
    assert.equal(m(undefined), 'k must be a Buffer, Uint8Array or string, got undefined');
  });

  it('hash keys up to 65534 bytes; empty only where allowed', () => {
    assert.equal(toHashKey(Buffer.alloc(0xfffe), false).length, 0xfffe);
    assert.equal(
      message(() => toHashKey(Buffer.alloc(0xffff), true)),
      'hashKey is 65535 bytes; it must be shorter than 65535 bytes',
    );
    assert.equal(toHashKey('', true).length, 0);
    assert.equal(
      message(() => toHashKey('', false)),
      'hashKey must not be empty for this operation: its sort keys must share one partition',
    );
  });

  it('lists: an array, not empty, each element named by its index', () => {
    assert.deepEqual(toBytesList('ks', ['a']), [Buffer.from('a')]);
    assert.equal(
      message(() => toBytesList('ks', 'a')),
      'ks must be an array, got string',
    );
    assert.equal(
      message(() => toBytesList('ks', [])),
      'ks must not be empty',
    );
    assert.match(
      message(() => toBytesList('ks', ['a', 1])),
      /^ks\[1\] must be/,
    );
  });
});

describe('numbers', () => {
  it('ttlSeconds: 0 to 2^31-1; undefined stays undefined', () => {
    assert.equal(checkTtlSeconds(undefined), undefined);
    assert.equal(checkTtlSeconds(0), 0);
    assert.equal(checkTtlSeconds(I32), I32);
    assert.equal(
      message(() => checkTtlSeconds(I32 + 1)),
      `ttlSeconds must be an integer from 0 to ${I32}, got ${I32 + 1}`,
    );
    assert.match(
      message(() => checkTtlSeconds(-1)),
      /got -1$/,
    );
  });

  it('delta: any int64 bigint, any safe integer number', () => {
    assert.equal(checkDelta(2n ** 63n - 1n), 2n ** 63n - 1n);
    assert.equal(checkDelta(-(2n ** 63n)), -(2n ** 63n));
    assert.equal(
      message(() => checkDelta(2n ** 63n)),
      `delta ${2n ** 63n} is outside the int64 range`,
    );
    assert.equal(checkDelta(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(checkDelta(-3), -3n);
    assert.equal(
      message(() => checkDelta(0.5)),
      'delta must be a safe integer or a bigint, got 0.5',
    );
    assert.equal(
      message(() => checkDelta(null)),
      'delta must be a bigint or an integer number, got null',
    );
  });

  it('timeouts: above 0, up to 2^31-1 ms, fractions allowed', () => {
    assert.equal(MAX_TIMEOUT_MS, I32);
    assert.equal(checkTimeoutMs('t', undefined), undefined);
    assert.equal(checkTimeoutMs('t', I32), I32);
    assert.equal(checkTimeoutMs('t', 0.5), 0.5);
    assert.equal(
      message(() => checkTimeoutMs('t', 0)),
      `t must be a positive finite number of ms up to ${I32}, got 0`,
    );
    assert.throws(() => checkTimeoutMs('t', I32 + 1), PegasusArgumentError);
  });

  it('byte counts and limits: integers from 1 to 2^31-1', () => {
    assert.equal(checkByteCount('b', undefined), undefined);
    assert.equal(checkByteCount('b', 1), 1);
    assert.equal(checkByteCount('b', I32), I32);
    assert.equal(
      message(() => checkByteCount('b', 0)),
      `b must be an integer number of bytes from 1 to ${I32}, got 0`,
    );
    for (const v of [I32 + 1, 1.5, '1']) assert.throws(() => checkByteCount('b', v), PegasusArgumentError);
    assert.equal(checkLimit('l', undefined), 0, 'no client limit');
    assert.equal(checkLimit('l', 1), 1);
    assert.equal(checkLimit('l', I32), I32);
    assert.equal(
      message(() => checkLimit('l', 0)),
      `l must be an integer from 1 to ${I32}, got 0`,
    );
    for (const v of [I32 + 1, 2.5, '3']) assert.throws(() => checkLimit('l', v), PegasusArgumentError);
  });
});

describe('other values', () => {
  it('booleans: the fallback when undefined, refused when not a boolean', () => {
    assert.equal(checkBoolean('b', undefined, true), true);
    assert.equal(checkBoolean('b', undefined, false), false);
    assert.equal(checkBoolean('b', false, true), false);
    assert.equal(
      message(() => checkBoolean('b', 0, false)),
      'b must be a boolean, got 0',
    );
  });

  it('signals and names', () => {
    const s = new AbortController().signal;
    assert.equal(checkSignal(s), s);
    assert.equal(checkSignal(undefined), undefined);
    assert.equal(
      message(() => checkSignal({})),
      'signal must be an AbortSignal, got object',
    );
    assert.equal(checkName('table name', 't'), 't');
    assert.equal(
      message(() => checkName('table name', '')),
      'table name must be a non-empty string, got string',
    );
    assert.equal(
      message(() => checkName('table name', 3)),
      'table name must be a non-empty string, got 3',
    );
  });
});

describe('options objects', () => {
  it('absent: one shared frozen empty object; given: the object itself', () => {
    const none = checkOptions('options', undefined, CALL_OPTION_KEYS);
    assert.deepEqual(none, {});
    assert.ok(Object.isFrozen(none));
    assert.equal(checkOptions('options', undefined, WRITE_OPTION_KEYS), none);
    const o = { timeoutMs: 5 };
    assert.equal(checkOptions('options', o, CALL_OPTION_KEYS), o);
  });

  it('not a plain object: refused and described', () => {
    assert.equal(
      message(() => checkOptions('options', null, CALL_OPTION_KEYS)),
      'options must be an object, got null',
    );
    assert.equal(
      message(() => checkOptions('options', [], CALL_OPTION_KEYS)),
      'options must be an object, got an array',
    );
    assert.equal(
      message(() => checkOptions('options', 5, CALL_OPTION_KEYS)),
      'options must be an object, got 5',
    );
  });

  it('an unknown key is refused with the valid keys, and the nearest one when it looks misspelt', () => {
    const keys = keyList<{ timeoutMs: 1; signal: 1; ttlSeconds: 1 }>({
      timeoutMs: true,
      signal: true,
      ttlSeconds: true,
    });
    const m = (k: string) => message(() => checkOptions('opts', { [k]: 1 }, keys));
    const valid = 'valid keys: timeoutMs, signal, ttlSeconds';
    // a prefix of three letters or more, either way round, case aside
    assert.equal(m('ttl'), `opts has an unknown key "ttl" (did you mean "ttlSeconds"?); ${valid}`);
    assert.equal(m('TIMEOUT'), `opts has an unknown key "TIMEOUT" (did you mean "timeoutMs"?); ${valid}`);
    assert.equal(
      m('signalToUse'),
      `opts has an unknown key "signalToUse" (did you mean "signal"?); ${valid}`,
    );
    // two edits at most
    assert.equal(m('sigmel'), `opts has an unknown key "sigmel" (did you mean "signal"?); ${valid}`);
    assert.equal(m('timoutMz'), `opts has an unknown key "timoutMz" (did you mean "timeoutMs"?); ${valid}`);
    // three edits, or a prefix of two letters: no hint
    assert.equal(m('sxgxxl'), `opts has an unknown key "sxgxxl"; ${valid}`);
    assert.equal(m('ti'), `opts has an unknown key "ti"; ${valid}`);
    assert.equal(m('zzz'), `opts has an unknown key "zzz"; ${valid}`);
    // the first near key in the list's order
    const ab = keyList<{ abcd: 1; abce: 1 }>({ abcd: true, abce: true });
    assert.match(
      message(() => checkOptions('o', { abc: 1 }, ab)),
      /did you mean "abcd"/,
    );
  });

  it('edit distance counts insertions, deletions and substitutions anywhere in the word', () => {
    const keys = keyList<{ abcdef: 1 }>({ abcdef: true });
    const hint = (k: string) => /did you mean/.test(message(() => checkOptions('o', { [k]: 1 }, keys)));
    assert.equal(hint('xbcdex'), true, 'two substitutions');
    assert.equal(hint('bcdf'), true, 'two deletions');
    assert.equal(hint('abxcdefx'), true, 'two insertions');
    assert.equal(hint('xbxdxf'), false, 'three substitutions');
    assert.equal(hint('zbcdxyz'), false, 'one substitution and two insertions, three edits');
  });
});

describe('expiry', () => {
  const now = (PEGASUS_EPOCH_UNIX_SEC + 1000) * 1000 + 999;

  it('set: 0 or absent is no expiry; else now + ttl in Pegasus-epoch seconds, whole seconds of now', () => {
    assert.equal(expireTsSeconds(undefined, now), 0);
    assert.equal(expireTsSeconds(0, now), 0);
    assert.equal(expireTsSeconds(1, now), 1001);
    assert.equal(expireTsSeconds(I32 - 1000, now), I32);
    assert.equal(
      message(() => expireTsSeconds(I32 - 999, now)),
      `ttlSeconds ${I32 - 999} puts the expiry beyond what the server can store (i32)`,
    );
  });

  it('incr: absent keeps the TTL (0), 0 clears it (-1), else an expiry', () => {
    assert.equal(incrExpireTsSeconds(undefined, now), 0);
    assert.equal(incrExpireTsSeconds(0, now), -1);
    assert.equal(incrExpireTsSeconds(5, now), 1005);
  });

  it('the wall clock is the default', () => {
    const expected = Math.floor(Date.now() / 1000) - PEGASUS_EPOCH_UNIX_SEC + 10;
    assert.ok(Math.abs(expireTsSeconds(10) - expected) <= 1);
    assert.ok(Math.abs(incrExpireTsSeconds(10) - expected) <= 1);
  });
});
