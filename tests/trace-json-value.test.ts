// The JSON form of trace values (core/trace/json-value.ts), pinned because Stryker mutants of it
// survived the trace corpus test (docs/MUTANTS.md): what each kind of value becomes, what comes back,
// and which objects are tagged values rather than plain records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromJson, toJson } from '../core/trace/json-value.ts';

describe('trace JSON values', () => {
  it('toJson: each kind of value', () => {
    assert.equal(toJson(null), null);
    assert.equal(toJson(undefined), null);
    assert.deepEqual(toJson(-5n), { $bigint: '-5' });
    assert.equal(toJson(1.5), 1.5);
    assert.equal(toJson(Number.POSITIVE_INFINITY), 'Infinity');
    assert.equal(toJson(Number.NaN), 'NaN');
    assert.equal(toJson('s'), 's');
    assert.equal(toJson(''), '');
    assert.equal(toJson(false), false);
    assert.equal(toJson(true), true);
    // a view: only its own bytes
    const whole = Buffer.from([1, 2, 0xab, 4]);
    assert.deepEqual(toJson(whole.subarray(1, 3)), { $hex: '02ab' });
    assert.deepEqual(toJson([1n, 'a', [null]]), [{ $bigint: '1' }, 'a', [null]]);
    assert.deepEqual(
      toJson(
        new Map<unknown, unknown>([
          ['k', 2n],
          [3, null],
        ]),
      ),
      {
        $map: [
          ['k', { $bigint: '2' }],
          [3, null],
        ],
      },
    );
    assert.deepEqual(toJson({ a: 1, b: undefined, c: { d: 2n } }), { a: 1, c: { d: { $bigint: '2' } } });
    assert.equal(toJson(Symbol.for('x')), 'Symbol(x)');
  });

  it('fromJson: tagged values come back, other objects stay records', () => {
    assert.equal(fromJson(null), null);
    assert.equal(fromJson('x'), 'x');
    assert.equal(fromJson(3), 3);
    assert.equal(fromJson({ $bigint: '-7' }), -7n);
    assert.deepEqual(fromJson({ $hex: '0aff' }), Buffer.from([0x0a, 0xff]));
    assert.deepEqual(
      fromJson({
        $map: [['a', { $bigint: '1' }], [['x'], null], ['only key'], 'not an entry'],
      }),
      new Map<unknown, unknown>([
        ['a', 1n],
        [['x'], null],
        ['only key', null],
        ['not an entry', 'not an entry'],
      ]),
    );
    // a tag with another key, or of another type, is a plain record
    assert.deepEqual(fromJson({ $bigint: '1', x: 2 }), { $bigint: '1', x: 2 });
    assert.deepEqual(fromJson({ $bigint: 1 }), { $bigint: 1 });
    assert.deepEqual(fromJson({ $hex: '00', x: null }), { $hex: '00', x: null });
    assert.deepEqual(fromJson({ $hex: 0 }), { $hex: 0 });
    assert.deepEqual(fromJson({ $map: [], y: 1 }), { $map: [], y: 1 });
    assert.deepEqual(fromJson({ $map: 'no' }), { $map: 'no' });
    assert.deepEqual(fromJson({ a: [{ $bigint: '2' }], b: {} }), { a: [2n], b: {} });
  });

  it('round trip', () => {
    const v = {
      n: 1,
      s: 'x',
      b: 9n,
      bytes: Buffer.from('hi'),
      list: [true, null],
      m: new Map([['k', [1n]]]),
    };
    assert.deepEqual(fromJson(toJson(v)), v);
  });
});
