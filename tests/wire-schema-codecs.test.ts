// Edges of the schema codecs (core/wire/codec.ts), each pinned because a Stryker mutant survived the
// wire tests without it (docs/MUTANTS.md): what the list, map and struct codecs refuse and say, how
// many bytes skipping an unknown field of each type consumes, where skipping stops (element types,
// nesting depth, counts that cannot fit), and which zero values a decoded struct gets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boolCodec,
  type Codec,
  checkCount,
  FastReader,
  FastWriter,
  i32Codec,
  i64Codec,
  listOf,
  mapOf,
  stringCodec,
  structCodec,
} from '../core/wire/index.ts';
import { readMessageBegin } from '../core/wire/message-begin.ts';
import { blobCodec } from '../core/wire/placeholder-codecs.ts';
import { asProtocolError, ProtocolError } from '../core/wire/protocol-error.ts';
import {
  T_BOOL,
  T_BYTE,
  T_DOUBLE,
  T_I16,
  T_I32,
  T_I64,
  T_LIST,
  T_MAP,
  T_SET,
  T_STRING,
  T_STRUCT,
} from '../core/wire/ttype.ts';

function bytes(fn: (w: FastWriter) => void): Buffer {
  const w = new FastWriter();
  fn(w);
  return w.finish();
}

function decode<T>(codec: Codec<T>, b: Buffer): T {
  const r = new FastReader(b);
  const v = codec.read(r);
  assert.equal(r.remaining, 0, 'the whole value was read');
  return v;
}

interface Inner {
  n: number;
}
const innerCodec = structCodec<Inner>('inner', [{ id: 1, name: 'n', codec: i32Codec }]);

interface S {
  a: number;
  b: string;
  c?: bigint;
  d: number[];
  e: Map<string, boolean>;
  f: Inner;
  g: Uint8Array;
}
const sCodec = structCodec<S>('s', [
  { id: 1, name: 'a', codec: i32Codec },
  { id: 2, name: 'b', codec: stringCodec },
  { id: 3, name: 'c', codec: i64Codec, optional: true },
  { id: 4, name: 'd', codec: listOf(i32Codec) },
  { id: 5, name: 'e', codec: mapOf(stringCodec, boolCodec) },
  { id: 6, name: 'f', codec: innerCodec },
  { id: 7, name: 'g', codec: blobCodec },
]);

describe('list and map codecs', () => {
  const list = listOf(i32Codec);
  const map = mapOf(i32Codec, stringCodec);

  it('refuse to write what is not an array or a Map, naming their type', () => {
    assert.throws(() => bytes((w) => list.write(w, 5 as never)), {
      kind: 'encode',
      message: 'expected list<i32>, got 5',
    });
    assert.throws(() => bytes((w) => map.write(w, [] as never)), {
      kind: 'encode',
      message: 'expected map<i32,string>, got ',
    });
    assert.throws(() => bytes((w) => mapOf(i64Codec, boolCodec).write(w, null as never)), {
      message: 'expected map<i64,bool>, got null',
    });
  });

  it('read an empty container whatever its element types', () => {
    assert.deepEqual(
      decode(
        list,
        bytes((w) => w.writeListBegin(T_STRING, 0)),
      ),
      [],
    );
    assert.deepEqual(
      decode(
        map,
        bytes((w) => w.writeMapBegin(T_BOOL, T_BOOL, 0)),
      ),
      new Map(),
    );
  });

  it('refuse a wrong element, key or value type', () => {
    assert.throws(
      () =>
        decode(
          list,
          bytes((w) => {
            w.writeListBegin(T_I64, 1);
            w.writeI64(1n);
          }),
        ),
      { kind: 'bad-field', message: 'list<i32>: element type 10, expected 8' },
    );
    for (const [k, v] of [
      [T_I32, T_I32],
      [T_STRING, T_STRING],
    ]) {
      assert.throws(
        () =>
          decode(
            map,
            bytes((w) => {
              w.writeMapBegin(k!, v!, 1);
              w.writeRaw(Buffer.alloc(12));
            }),
          ),
        { kind: 'bad-field', message: `map<i32,string>: entry types ${k}/${v}, expected 8/11` },
      );
    }
  });

  it('refuse counts the bytes left cannot hold, and read those that exactly fit', () => {
    // 3 i32 need 12 bytes
    const twelve = bytes((w) => {
      w.writeListBegin(T_I32, 3);
      for (const x of [1, -2, 3]) w.writeI32(x);
    });
    assert.deepEqual(decode(list, twelve), [1, -2, 3]);
    assert.throws(() => decode(list, twelve.subarray(0, 16)), {
      kind: 'bad-length',
      message: 'list<i32>: 3 elements cannot fit in 11 bytes (offset 5)',
    });
    // an entry of i32 and string needs at least 8 bytes
    const entry = bytes((w) => {
      w.writeMapBegin(T_I32, T_STRING, 2);
      w.writeI32(7);
      w.writeString('');
      w.writeI32(8);
      w.writeString('x');
    });
    assert.deepEqual(
      decode(map, entry),
      new Map([
        [7, ''],
        [8, 'x'],
      ]),
    );
    assert.throws(() => decode(map, entry.subarray(0, 6 + 15)), {
      kind: 'bad-length',
      message: 'map<i32,string>: 2 elements cannot fit in 15 bytes (offset 6)',
    });
  });

  it('checkCount: n elements of m bytes fit in exactly n·m bytes', () => {
    const r = new FastReader(Buffer.alloc(10));
    checkCount(r, 5, 2, 'x');
    checkCount(r, 0, 100, 'x');
    assert.throws(() => checkCount(r, 11, 1, 'what'), {
      kind: 'bad-length',
      message: 'what: 11 elements cannot fit in 10 bytes (offset 0)',
    });
  });
});

/** A struct `s` whose field 99 (unknown) holds a value of type `t`, then field 1 (a = 42). */
function withUnknown(t: number, payload: (w: FastWriter) => void, known = true): Buffer {
  return bytes((w) => {
    w.writeFieldBegin(t, 99);
    payload(w);
    if (known) {
      w.writeFieldBegin(T_I32, 1);
      w.writeI32(42);
    }
    w.writeFieldStop();
  });
}

const skipS = structCodec<{ a: number }>('s', [{ id: 1, name: 'a', codec: i32Codec }]);

describe('skipping an unknown field', () => {
  it('consumes exactly the value of each type', () => {
    const values: [number, (w: FastWriter) => void][] = [
      [T_BOOL, (w) => w.writeBool(true)],
      [T_BYTE, (w) => w.writeByte(-3)],
      [T_I16, (w) => w.writeI16(-300)],
      [T_I32, (w) => w.writeI32(1 << 30)],
      [T_I64, (w) => w.writeI64(-1n)],
      [T_DOUBLE, (w) => w.writeRaw(Buffer.alloc(8, 0x40))],
      [T_STRING, (w) => w.writeString('skipped')],
      [
        T_LIST,
        (w) => {
          w.writeListBegin(T_I16, 2);
          w.writeI16(1);
          w.writeI16(2);
        },
      ],
      [
        T_SET,
        (w) => {
          w.writeListBegin(T_STRING, 2);
          w.writeString('a');
          w.writeString('bc');
        },
      ],
      [
        T_MAP,
        (w) => {
          w.writeMapBegin(T_I64, T_LIST, 2);
          for (const k of [1n, 2n]) {
            w.writeI64(k);
            w.writeListBegin(T_BYTE, 1);
            w.writeByte(9);
          }
        },
      ],
      [T_LIST, (w) => w.writeListBegin(T_STRUCT, 0)],
      [T_MAP, (w) => w.writeMapBegin(T_STRUCT, T_STRUCT, 0)],
    ];
    for (const [t, payload] of values) {
      assert.deepEqual(decode(skipS, withUnknown(t, payload)), { a: 42 }, `type ${t}`);
    }
  });

  it('refuses a struct, or containers of structs, and invalid types, saying where', () => {
    assert.throws(
      () =>
        decode(
          skipS,
          withUnknown(T_STRUCT, (w) => w.writeFieldStop()),
        ),
      {
        kind: 'unknown-struct-field',
        message: 's: s field 99: unknown field of type 12 cannot be skipped safely (offset 3)',
      },
    );
    const structs: [number, (w: FastWriter) => void][] = [
      [T_LIST, (w) => w.writeListBegin(T_STRUCT, 1)],
      [T_MAP, (w) => w.writeMapBegin(T_STRUCT, T_I32, 1)],
      [T_MAP, (w) => w.writeMapBegin(T_I32, T_STRUCT, 1)],
    ];
    for (const [t, begin] of structs) {
      assert.throws(
        () =>
          decode(
            skipS,
            withUnknown(t, (w) => {
              begin(w);
              w.writeRaw(Buffer.alloc(16));
            }),
          ),
        {
          kind: 'unknown-struct-field',
          message: /^s: s field 99: cannot skip elements of type 12 \(offset \d+\)$/,
        },
      );
    }
    assert.throws(
      () =>
        decode(
          skipS,
          withUnknown(T_MAP, (w) => {
            w.writeMapBegin(T_I32, 99, 1);
            w.writeRaw(Buffer.alloc(16));
          }),
        ),
      { kind: 'bad-type', message: 's: s field 99: invalid element type 99' },
    );
    assert.throws(
      () =>
        decode(
          skipS,
          withUnknown(T_LIST, (w) => {
            w.writeListBegin(0, 1);
            w.writeRaw(Buffer.alloc(16));
          }),
        ),
      { kind: 'bad-type', message: 's: s field 99: invalid element type 0' },
    );
    assert.throws(
      () =>
        decode(
          skipS,
          withUnknown(17, () => {}),
        ),
      {
        kind: 'bad-type',
        message: 's: s field 99: invalid type id 17 (offset 3)',
      },
    );
  });

  it('bounds element counts by the smallest value of each element type', () => {
    // [element type, its smallest size]: n elements fit in n·size bytes, not one fewer
    const sizes: [number, number][] = [
      [T_BOOL, 1],
      [T_BYTE, 1],
      [T_I16, 2],
      [T_I32, 4],
      [T_STRING, 4],
      [T_I64, 8],
      [T_DOUBLE, 8],
      [T_LIST, 5],
      [T_SET, 5],
      [T_MAP, 6],
    ];
    for (const [et, size] of sizes) {
      const n = 3;
      // a field 99 list of n elements that is the last thing in the struct: its bytes end the frame
      const room = (extra: number) =>
        Buffer.concat([
          bytes((w) => {
            w.writeFieldBegin(T_LIST, 99);
            w.writeListBegin(et, n);
          }),
          Buffer.alloc(n * size + extra),
        ]);
      assert.throws(() => decode(skipS, room(-1)), { kind: 'bad-length' }, `type ${et}`);
      // with exactly n·size zero bytes the count passes, and the elements read (or run out) after
      const r = new FastReader(room(0));
      assert.throws(
        () => skipS.read(r),
        (e: { kind?: string }) => e.kind !== 'bad-length',
        `type ${et}`,
      );
    }
    // map entries: the key's and the value's smallest sizes add up
    const entries = (extra: number) =>
      Buffer.concat([
        bytes((w) => {
          w.writeFieldBegin(T_MAP, 99);
          w.writeMapBegin(T_I16, T_I64, 2);
        }),
        Buffer.alloc(2 * 10 + extra),
      ]);
    assert.throws(() => decode(skipS, entries(-1)), { kind: 'bad-length' });
    assert.throws(
      () => decode(skipS, entries(0)),
      (e: { kind?: string }) => e.kind !== 'bad-length',
    );
  });

  it('stops at a nesting deeper than 64', () => {
    const nested = (levels: number) =>
      withUnknown(T_LIST, (w) => {
        for (let i = 1; i < levels; i++) w.writeListBegin(T_LIST, 1);
        w.writeListBegin(T_I32, 0);
      });
    assert.deepEqual(decode(skipS, nested(65)), { a: 42 });
    assert.throws(() => decode(skipS, nested(66)), {
      kind: 'depth-exceeded',
      message: 's: s field 99: nesting deeper than 64',
    });

    // the same through a map's keys and through its values
    const throughKeys = (levels: number) =>
      withUnknown(T_MAP, (w) => {
        for (let i = 1; i < levels; i++) w.writeMapBegin(T_MAP, T_I32, 1);
        w.writeMapBegin(T_I32, T_I32, 0);
        for (let i = 1; i < levels; i++) w.writeI32(i);
      });
    const throughValues = (levels: number) =>
      withUnknown(T_MAP, (w) => {
        for (let i = 1; i < levels; i++) {
          w.writeMapBegin(T_I32, T_MAP, 1);
          w.writeI32(i);
        }
        w.writeMapBegin(T_I32, T_I32, 0);
      });
    for (const build of [throughKeys, throughValues]) {
      assert.deepEqual(decode(skipS, build(65)), { a: 42 });
      assert.throws(() => decode(skipS, build(66)), { kind: 'depth-exceeded' });
    }
  });
});

describe('struct codec', () => {
  const value: S = {
    a: 1,
    b: 'x',
    c: 5n,
    d: [2, 3],
    e: new Map([['k', true]]),
    f: { n: 4 },
    g: Buffer.from('v'),
  };

  it('writes every field, an optional one only when set, and reads them in any order', () => {
    assert.deepEqual(
      decode(
        sCodec,
        bytes((w) => sCodec.write(w, value)),
      ),
      value,
    );
    const { c: _, ...noC } = value;
    const b = bytes((w) => sCodec.write(w, noC));
    assert.equal(b.length, bytes((w) => sCodec.write(w, value)).length - 11);
    assert.deepEqual(decode(sCodec, b), noC);
    const reversed = bytes((w) => {
      w.writeFieldBegin(T_I32, 1);
      w.writeI32(9);
      w.writeFieldBegin(T_STRING, 2);
      w.writeString('y');
    });
    assert.deepEqual(
      decode(
        structCodec<{ b: string; a: number }>('r', [
          { id: 2, name: 'b', codec: stringCodec },
          { id: 1, name: 'a', codec: i32Codec },
        ]),
        Buffer.concat([reversed, Buffer.from([0])]),
      ),
      { a: 9, b: 'y' },
    );
  });

  it('refuses what is no object and a missing field, and names the field of a bad value', () => {
    assert.throws(() => bytes((w) => sCodec.write(w, null as never)), {
      kind: 'encode',
      message: 'expected struct s, got null',
    });
    assert.throws(() => bytes((w) => sCodec.write(w, 'str' as never)), {
      kind: 'encode',
      message: 'expected struct s, got "str"',
    });
    const { b: _, ...noB } = value;
    assert.throws(() => bytes((w) => sCodec.write(w, noB as never)), {
      kind: 'encode',
      message: 's.b is missing',
    });
    assert.throws(() => bytes((w) => sCodec.write(w, { ...value, f: { n: 2 ** 40 } })), {
      kind: 'encode',
      message: 's.f: inner.n: expected an i32, got 1099511627776',
    });
    // an error that is not the codec's own passes through unchanged
    const boom = new TypeError('boom');
    const throwing = structCodec<{ x: number }>('t', [
      {
        id: 1,
        name: 'x',
        codec: {
          ...i32Codec,
          write: () => {
            throw boom;
          },
          read: () => {
            throw boom;
          },
        },
      },
    ]);
    assert.throws(
      () => bytes((w) => throwing.write(w, { x: 1 })),
      (e) => e === boom,
    );
    assert.throws(
      () =>
        decode(
          throwing,
          bytes((w) => {
            w.writeFieldBegin(T_I32, 1);
            w.writeI32(1);
            w.writeFieldStop();
          }),
        ),
      (e) => e === boom,
    );
  });

  it('names the field, or only the struct, of a value it cannot read', () => {
    const badList = bytes((w) => {
      w.writeFieldBegin(T_LIST, 4);
      w.writeListBegin(T_STRING, 1);
      w.writeString('');
      w.writeFieldStop();
    });
    assert.throws(() => decode(sCodec, badList), {
      kind: 'bad-field',
      message: 's.d: list<i32>: element type 11, expected 8',
    });
    // a known id with another type is skipped like an unknown field
    const otherType = bytes((w) => {
      w.writeFieldBegin(T_STRING, 1);
      w.writeString('not an i32');
      w.writeFieldStop();
    });
    assert.equal(decode(sCodec, otherType).a, 0);
    const negativeId = bytes((w) => {
      w.writeFieldBegin(T_STRUCT, -1);
      w.writeFieldStop();
    });
    assert.throws(() => decode(sCodec, negativeId), {
      kind: 'unknown-struct-field',
      message: /^s: s field -1: /,
    });
  });

  it('gives absent fields zero values, fresh containers for each decoded struct', () => {
    const empty = Buffer.from([0]);
    const a = decode(sCodec, empty);
    // a copy: deepEqual's assertion would narrow `a` to the literal's type
    assert.deepEqual(
      { ...a },
      {
        a: 0,
        b: '',
        d: [],
        e: new Map(),
        f: { n: 0 },
        g: Buffer.alloc(0),
      },
    );
    assert.equal('c' in a, false);
    a.d.push(1);
    a.e.set('k', false);
    a.f.n = 7;
    const b = decode(sCodec, empty);
    assert.deepEqual([b.d, b.e, b.f], [[], new Map(), { n: 0 }]);
    assert.deepEqual(sCodec.zero(), { a: 0, b: '', d: [], e: new Map(), f: { n: 0 }, g: Buffer.alloc(0) });
    const z = sCodec.zero();
    z.d.push(1);
    assert.deepEqual(sCodec.zero().d, []);
  });

  it('reads a field with id 0, and skips an unknown one', () => {
    const zeroId = structCodec<{ r: number }>('w', [{ id: 0, name: 'r', codec: i32Codec }]);
    const b = bytes((w) => zeroId.write(w, { r: 5 }));
    assert.deepEqual(decode(zeroId, b), { r: 5 });
    assert.deepEqual(decode(skipS, b), { a: 0 });
  });

  it('primitive zero values', () => {
    assert.deepEqual(
      [boolCodec.zero(), i32Codec.zero(), i64Codec.zero(), stringCodec.zero()],
      [false, 0, 0n, ''],
    );
  });
});

describe('message begin and error wrapping', () => {
  it('says which envelope word or type it refuses', () => {
    const begin = (word: number) =>
      bytes((w) => {
        w.writeI32(word | 0);
        w.writeString('n');
        w.writeI32(1);
      });
    assert.throws(() => readMessageBegin(new FastReader(begin(0x80020002)), () => true), {
      kind: 'bad-message-version',
      message: 'message begin 0x80020002 is not strict version 1',
    });
    assert.throws(() => readMessageBegin(new FastReader(begin(0x80010001)), (t) => t === 2), {
      kind: 'bad-message-type',
      message: 'message type 1 not allowed here',
    });
    assert.deepEqual(
      readMessageBegin(new FastReader(begin(0x80010002)), (t) => t === 2),
      [2, 'n', 1],
    );
  });

  it('asProtocolError keeps a ProtocolError and wraps anything else as internal, saying where', () => {
    const own = new ProtocolError('bad-field', 'x');
    assert.equal(asProtocolError(own, 'here'), own);
    assert.deepEqual(
      { ...asProtocolError(new TypeError('boom'), 'here') },
      { name: 'ProtocolError', kind: 'internal' },
    );
    assert.equal(asProtocolError(new TypeError('boom'), 'here').message, 'here: TypeError: boom');
    assert.equal(asProtocolError('text', 'there').message, 'there: text');
  });
});
