// Edges of the IDL's placeholder payloads (core/wire/placeholder-codecs.ts, docs/PROTOCOL.md 5.1):
// what an absent field of each reads as (the C++ defaults), what their writers refuse and say, what
// their readers refuse and where, and the names they give to the lists and maps built on them. Each
// pinned because a Stryker mutant survived the wire tests without it (docs/MUTANTS.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blobCodec,
  type Codec,
  errorCodeCodec,
  FastReader,
  FastWriter,
  gpidCodec,
  hostPortCodec,
  listOf,
  mapOf,
  parseRpcAddress,
  rpcAddressCodec,
  structCodec,
} from '../core/wire/index.ts';
import { ProtocolError } from '../core/wire/protocol-error.ts';

function bytes(fn: (w: FastWriter) => void): Buffer {
  const w = new FastWriter();
  fn(w);
  return w.finish();
}

function refuses(fn: () => unknown, kind: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolError, `a ProtocolError, got ${String(e)}`);
    assert.equal(e.kind, kind);
    assert.equal(e.message, message);
    return true;
  });
}

describe('placeholder codecs: absent fields read as the C++ defaults', () => {
  interface All {
    e: string;
    g: { app_id: number; partition_index: number };
    a: string;
    h: { host: string; port: number; type: number };
    b: Uint8Array;
  }
  // every placeholder as a required field; an empty struct on the wire is its STOP byte only
  const all = structCodec<All>('all', [
    { id: 1, name: 'e', codec: errorCodeCodec },
    { id: 2, name: 'g', codec: gpidCodec },
    { id: 3, name: 'a', codec: rpcAddressCodec },
    { id: 4, name: 'h', codec: hostPortCodec },
    { id: 5, name: 'b', codec: blobCodec },
  ]);

  it('error_code ERR_OK, gpid (0, 0), the invalid rpc_address, the invalid host_port, an empty blob', () => {
    const v = all.read(new FastReader(Buffer.from([0])));
    assert.deepEqual(
      { ...v, b: [...v.b] },
      {
        e: 'ERR_OK',
        g: { app_id: 0, partition_index: 0 },
        a: '',
        h: { host: '', port: 0, type: 0 },
        b: [],
      },
    );
  });

  it('each default is a value the codec writes, and reads back the same', () => {
    const codecs: Codec<unknown>[] = [errorCodeCodec, gpidCodec, rpcAddressCodec, hostPortCodec, blobCodec];
    for (const c of codecs as Codec<unknown>[]) {
      const z = c.zero();
      const b = bytes((w) => c.write(w, z));
      const r = new FastReader(b);
      assert.deepEqual(c.read(r), z, c.name);
      assert.equal(r.remaining, 0, c.name);
    }
  });
});

describe('placeholder codecs: the names lists and maps of them report', () => {
  it('list<blob>, list<error_code>, list<gpid>, list<rpc_address>, list<host_port>, map<error_code,gpid>', () => {
    const cases: [Codec<unknown>, string][] = [
      [listOf(blobCodec) as Codec<unknown>, 'list<blob>'],
      [listOf(errorCodeCodec) as Codec<unknown>, 'list<error_code>'],
      [listOf(gpidCodec) as Codec<unknown>, 'list<gpid>'],
      [listOf(rpcAddressCodec) as Codec<unknown>, 'list<rpc_address>'],
      [listOf(hostPortCodec) as Codec<unknown>, 'list<host_port>'],
      [mapOf(errorCodeCodec, gpidCodec) as Codec<unknown>, 'map<error_code,gpid>'],
    ];
    for (const [c, name] of cases) {
      refuses(() => bytes((w) => c.write(w, 5)), 'encode', `expected ${name}, got 5`);
    }
  });
});

describe('gpid: written as partition index then app id, each an i32', () => {
  it('refuses what is not an object, naming it', () => {
    refuses(() => bytes((w) => gpidCodec.write(w, null as never)), 'encode', 'expected a gpid, got null');
    refuses(() => bytes((w) => gpidCodec.write(w, 5 as never)), 'encode', 'expected a gpid, got 5');
    refuses(() => bytes((w) => gpidCodec.write(w, 'g' as never)), 'encode', 'expected a gpid, got "g"');
    assert.deepEqual(
      [...bytes((w) => gpidCodec.write(w, { app_id: 2, partition_index: 1 }))],
      [0, 0, 0, 1, 0, 0, 0, 2],
    );
  });
});

describe("rpc_address: 'a.b.c.d:port' or ''", () => {
  it('refuses anything around the address, and what is no string', () => {
    const shape = "expected an rpc_address 'a.b.c.d:port' or '', got";
    assert.deepEqual(parseRpcAddress('1.2.3.4:5'), { ip: 0x01020304, port: 5 });
    refuses(() => parseRpcAddress('x1.2.3.4:5'), 'encode', `${shape} "x1.2.3.4:5"`);
    refuses(() => parseRpcAddress('11.2.3.4:5x'), 'encode', `${shape} "11.2.3.4:5x"`);
    refuses(() => parseRpcAddress('1.2.3.4:5 '), 'encode', `${shape} "1.2.3.4:5 "`);
    // an array would print as its one element: still no string
    refuses(() => parseRpcAddress(['1.2.3.4:5'] as never), 'encode', `${shape} 1.2.3.4:5`);
    refuses(() => parseRpcAddress(5 as never), 'encode', `${shape} 5`);
  });

  it('refuses an octet above 255 or a port above 65535, naming the address', () => {
    assert.deepEqual(parseRpcAddress('255.255.255.255:65535'), { ip: 0xffffffff, port: 65535 });
    refuses(
      () => parseRpcAddress('1.2.256.4:5'),
      'encode',
      'expected an IPv4 address and port, got "1.2.256.4:5"',
    );
    refuses(
      () => parseRpcAddress('1.2.3.4:65536'),
      'encode',
      'expected an IPv4 address and port, got "1.2.3.4:65536"',
    );
  });

  it('a type other than 0 (invalid) or 1 (IPv4) is refused on read, with its offset', () => {
    // an i32 before the address, so the offset is 4
    const b = Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 0, 5, 0, 2]);
    const r = new FastReader(b);
    assert.equal(r.readI32(), 9);
    refuses(() => rpcAddressCodec.read(r), 'bad-value', 'rpc_address of type 2 at offset 4');
    const ok = new FastReader(Buffer.from([1, 2, 3, 4, 0, 5, 0, 1]));
    assert.equal(rpcAddressCodec.read(ok), '1.2.3.4:5');
  });
});

describe('host_port: string host, i16 port (read unsigned), i8 type', () => {
  const hp = (v: unknown) => bytes((w) => hostPortCodec.write(w, v as never));

  it('refuses what is not an object, naming it', () => {
    refuses(() => hp(null), 'encode', 'expected a host_port, got null');
    refuses(() => hp(7), 'encode', 'expected a host_port, got 7');
    refuses(() => hp('h:1'), 'encode', 'expected a host_port, got "h:1"');
  });

  it('a port is an integer 0..65535, written as its 16 bits', () => {
    assert.deepEqual([...hp({ host: '', port: 65535, type: 1 })], [0, 0, 0, 0, 0xff, 0xff, 1]);
    assert.deepEqual([...hp({ host: '', port: 0, type: 0 })], [0, 0, 0, 0, 0, 0, 0]);
    refuses(() => hp({ host: 'h', port: -1, type: 1 }), 'encode', 'expected a port 0..65535, got -1');
    refuses(() => hp({ host: 'h', port: 65536, type: 1 }), 'encode', 'expected a port 0..65535, got 65536');
    refuses(() => hp({ host: 'h', port: 80.5, type: 1 }), 'encode', 'expected a port 0..65535, got 80.5');
    refuses(() => hp({ host: 'h', port: '80', type: 1 }), 'encode', 'expected a port 0..65535, got "80"');
  });

  it('a type is 0 (invalid) or 1 (host name), on write and on read', () => {
    refuses(() => hp({ host: 'h', port: 1, type: 2 }), 'encode', 'expected host_port type 0 or 1, got 2');
    refuses(() => hp({ host: 'h', port: 1, type: -1 }), 'encode', 'expected host_port type 0 or 1, got -1');
    // host "h", port 1, type 3: the type byte is at offset 7
    const r = new FastReader(Buffer.from([0, 0, 0, 1, 0x68, 0, 1, 3]));
    refuses(() => hostPortCodec.read(r), 'bad-value', 'host_port type 3 at offset 7');
    const ok = new FastReader(Buffer.from([0, 0, 0, 1, 0x68, 0xff, 0xfe, 1]));
    assert.deepEqual(hostPortCodec.read(ok), { host: 'h', port: 65534, type: 1 });
  });
});
