// The core's options (core/client/options-defaults.ts): what resolveOptions accepts, what it fills
// in, and the exact TypeError of each kind of nonsense, pinned because Stryker mutants of its checks
// survived the core tests (every test there passes valid options).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CoreOptionsInput, DEFAULT_OPTIONS, resolveOptions } from '../core/client/index.ts';

const META = ['127.0.0.1:34601'];
const bad = (v: unknown) => v as never;

/** resolveOptions(input) throws a TypeError with exactly `message` */
function rejects(input: unknown, message: string): void {
  assert.throws(
    () => resolveOptions(input as CoreOptionsInput),
    (e: unknown) => {
      assert.ok(e instanceof TypeError, `a TypeError, got ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

const POSITIVE_MS = [
  'timeoutMs',
  'attemptTimeoutMs',
  'retryBackoffMs',
  'retryBackoffCapMs',
  'connectTimeoutMs',
  'reconnectBackoffMs',
  'reconnectBackoffCapMs',
  'pollStartMs',
  'pollCapMs',
  'quietMs',
  'metaBackoffMs',
  'metaBackoffCapMs',
  'metaQueryTimeoutMs',
] as const;

describe('resolveOptions: defaults', () => {
  it('fills every option the input leaves out (or gives as undefined) with its default', () => {
    const o = resolveOptions({ metaServers: META });
    assert.deepEqual(o, { ...DEFAULT_OPTIONS, metaServers: META });
    const withUndefined = resolveOptions(bad({ metaServers: META, timeoutMs: undefined, seed: undefined }));
    assert.equal(withUndefined.timeoutMs, DEFAULT_OPTIONS.timeoutMs);
    assert.equal(withUndefined.seed, DEFAULT_OPTIONS.seed);
    assert.ok('timeoutMs' in withUndefined && withUndefined.timeoutMs !== undefined);
  });

  it('keeps what the input gives', () => {
    const o = resolveOptions({
      metaServers: META,
      timeoutMs: 5,
      pollStartMs: 7,
      pollCapMs: 7,
      headerVersion: 0,
    });
    assert.equal(o.timeoutMs, 5);
    assert.equal(o.pollStartMs, 7);
    assert.equal(o.headerVersion, 0);
  });
});

describe('resolveOptions: meta servers', () => {
  it('a missing, non-list or empty list is refused', () => {
    const msg = 'metaServers must be a non-empty list of "host:port" addresses';
    rejects({}, msg);
    rejects({ metaServers: '127.0.0.1:34601' }, msg);
    rejects({ metaServers: [] }, msg);
  });

  it('every address must be host:port with a port of 1 to 5 digits', () => {
    for (const ok of ['h:1', 'h:12', 'h:65535', 'meta-1.example:34601', '10.0.0.1:34601'])
      assert.deepEqual(resolveOptions({ metaServers: [ok] }).metaServers, [ok], ok);
    for (const a of ['h', 'h:', ':1', 'h:123456', 'h:1x', 'x h:1', 'h :1', 'a:b:1', 'h:port', 'h:1 ', ' h:1'])
      rejects({ metaServers: ['h:1', a] }, `metaServers: "${a}" is not "host:port"`);
    rejects({ metaServers: [bad(34601)] }, 'metaServers: "34601" is not "host:port"');
  });

  it('an address that is not a string is refused even when its text reads as host:port', () => {
    // the core would later split and compare it as a string; the regex alone would coerce it
    const lookalike = { toString: () => 'h:1' };
    rejects({ metaServers: [bad(lookalike)] }, 'metaServers: "h:1" is not "host:port"');
  });
});

describe('resolveOptions: durations', () => {
  it('every duration must be a positive finite number of ms, named in the error', () => {
    for (const k of POSITIVE_MS) {
      for (const [v, shown] of [
        [0, '0'],
        [-1, '-1'],
        [Number.NaN, 'NaN'],
        [Number.POSITIVE_INFINITY, 'Infinity'],
        ['5', '5'],
        [null, 'null'],
      ] as const)
        rejects({ metaServers: META, [k]: v }, `${k} must be a positive number of ms, got ${shown}`);
      // any positive amount, also a fraction (pollStartMs must not exceed pollCapMs: both small)
      const o = resolveOptions({ metaServers: META, pollStartMs: 0.5, [k]: 0.5 });
      assert.equal(o[k], 0.5, k);
    }
  });

  it('the first poll must not come after the poll cap; an equal one may', () => {
    rejects({ metaServers: META, pollStartMs: 201, pollCapMs: 200 }, 'pollStartMs must not exceed pollCapMs');
    assert.equal(resolveOptions({ metaServers: META, pollStartMs: 200, pollCapMs: 200 }).pollStartMs, 200);
  });
});

describe('resolveOptions: header version, forward hops, frame size', () => {
  it('headerVersion is 0 or 1', () => {
    assert.equal(resolveOptions({ metaServers: META, headerVersion: 0 }).headerVersion, 0);
    assert.equal(resolveOptions({ metaServers: META, headerVersion: 1 }).headerVersion, 1);
    for (const v of [2, -1, bad('1')])
      rejects({ metaServers: META, headerVersion: v }, 'headerVersion must be 0 or 1');
  });

  it('maxForwardHops is a non-negative integer (0: never follow a forward)', () => {
    assert.equal(resolveOptions({ metaServers: META, maxForwardHops: 0 }).maxForwardHops, 0);
    assert.equal(resolveOptions({ metaServers: META, maxForwardHops: 7 }).maxForwardHops, 7);
    for (const v of [-1, 1.5, Number.NaN])
      rejects({ metaServers: META, maxForwardHops: v }, 'maxForwardHops must be a non-negative integer');
  });

  it('maxFrameBytes is an integer of at least 1024', () => {
    assert.equal(resolveOptions({ metaServers: META, maxFrameBytes: 1024 }).maxFrameBytes, 1024);
    for (const v of [1023, 1024.5, 0])
      rejects({ metaServers: META, maxFrameBytes: v }, 'maxFrameBytes must be an integer >= 1024');
  });
});
