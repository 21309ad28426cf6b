// Schema-driven value codecs. A Codec knows the tag its field header carries and how to write / read
// the payload; structs are tables of (id, name, codec). Reading accepts fields in any order, fills
// missing default fields with zero values, skips unknown non-struct fields and refuses unknown
// tag-12 fields, which may hold one of the headerless placeholder payloads (docs/PROTOCOL.md 3.4).
import { ProtocolError } from './protocol-error.ts';
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
  T_STOP,
  T_STRING,
  T_STRUCT,
} from './ttype.ts';
import { encodeError } from './value-checks.ts';
import type { WireReader, WireWriter } from './wire-io.ts';

export interface Codec<T> {
  /** type id written in the field header / list header */
  readonly tag: number;
  /** smallest possible payload, used to bound element counts by the bytes left */
  readonly minBytes: number;
  /** for error messages */
  readonly name: string;
  write(w: WireWriter, v: T): void;
  read(r: WireReader): T;
  /** value of a default field that is absent on the wire */
  zero(): T;
}

export const boolCodec: Codec<boolean> = {
  tag: T_BOOL,
  minBytes: 1,
  name: 'bool',
  write: (w, v) => w.writeBool(v),
  read: (r) => r.readBool(),
  zero: () => false,
};

export const i32Codec: Codec<number> = {
  tag: T_I32,
  minBytes: 4,
  name: 'i32',
  write: (w, v) => w.writeI32(v),
  read: (r) => r.readI32(),
  zero: () => 0,
};

export const i64Codec: Codec<bigint> = {
  tag: T_I64,
  minBytes: 8,
  name: 'i64',
  write: (w, v) => w.writeI64(v),
  read: (r) => r.readI64(),
  zero: () => 0n,
};

export const stringCodec: Codec<string> = {
  tag: T_STRING,
  minBytes: 4,
  name: 'string',
  write: (w, v) => w.writeString(v),
  read: (r) => r.readString(),
  zero: () => '',
};

// ---- skipping unknown fields ----

const MAX_SKIP_DEPTH = 64;

function minBytesOfType(t: number): number {
  switch (t) {
    case T_BOOL:
    case T_BYTE:
    case T_STRUCT:
      return 1;
    case T_I16:
      return 2;
    case T_I32:
    case T_STRING:
      return 4;
    case T_I64:
    case T_DOUBLE:
      return 8;
    case T_LIST:
    case T_SET:
      return 5;
    case T_MAP:
      return 6;
    default:
      return 0; // not a valid element type
  }
}

/** Refuses counts that cannot fit in the bytes left, before any allocation or loop. */
export function checkCount(r: WireReader, n: number, minBytes: number, what: string): void {
  if (n * minBytes > r.remaining) {
    throw new ProtocolError(
      'bad-length',
      `${what}: ${n} elements cannot fit in ${r.remaining} bytes (offset ${r.offset})`,
    );
  }
}

function checkElemType(r: WireReader, t: number, n: number, what: string): void {
  if (minBytesOfType(t) === 0) throw new ProtocolError('bad-type', `${what}: invalid element type ${t}`);
  if (t === T_STRUCT && n > 0) {
    throw new ProtocolError(
      'unknown-struct-field',
      `${what}: cannot skip elements of type 12 (offset ${r.offset})`,
    );
  }
}

/** Skip one value of type `t`. Tag-12 payloads are not self-describing here, so they are refused. */
export function skipValue(r: WireReader, t: number, where: string, depth = 0): void {
  if (depth > MAX_SKIP_DEPTH) throw new ProtocolError('depth-exceeded', `${where}: nesting deeper than 64`);
  switch (t) {
    case T_BOOL:
    case T_BYTE:
      r.readByte();
      return;
    case T_I16:
      r.readI16();
      return;
    case T_I32:
      r.readI32();
      return;
    case T_I64:
    case T_DOUBLE:
      r.readDouble();
      return;
    case T_STRING:
      r.readBinary();
      return;
    case T_STRUCT:
      throw new ProtocolError(
        'unknown-struct-field',
        `${where}: unknown field of type 12 cannot be skipped safely (offset ${r.offset})`,
      );
    case T_LIST:
    case T_SET: {
      const n = r.readListBegin();
      const et = r.elemType;
      checkElemType(r, et, n, where);
      checkCount(r, n, minBytesOfType(et), where);
      for (let i = 0; i < n; i++) skipValue(r, et, where, depth + 1);
      return;
    }
    case T_MAP: {
      const n = r.readMapBegin();
      const kt = r.keyType;
      const vt = r.valueType;
      checkElemType(r, kt, n, where);
      checkElemType(r, vt, n, where);
      checkCount(r, n, minBytesOfType(kt) + minBytesOfType(vt), where);
      for (let i = 0; i < n; i++) {
        skipValue(r, kt, where, depth + 1);
        skipValue(r, vt, where, depth + 1);
      }
      return;
    }
    default:
      throw new ProtocolError('bad-type', `${where}: invalid type id ${t} (offset ${r.offset})`);
  }
}

// ---- containers ----

export function listOf<T>(elem: Codec<T>): Codec<T[]> {
  const name = `list<${elem.name}>`;
  return {
    tag: T_LIST,
    minBytes: 5,
    name,
    write(w, v) {
      if (!Array.isArray(v)) throw encodeError(name, v);
      w.writeListBegin(elem.tag, v.length);
      for (const x of v) elem.write(w, x);
    },
    read(r) {
      const n = r.readListBegin();
      if (n === 0) return []; // some writers put a different element type on empty lists
      if (r.elemType !== elem.tag) {
        throw new ProtocolError('bad-field', `${name}: element type ${r.elemType}, expected ${elem.tag}`);
      }
      checkCount(r, n, elem.minBytes, name);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(elem.read(r));
      return out;
    },
    zero: () => [],
  };
}

export function mapOf<K, V>(key: Codec<K>, value: Codec<V>): Codec<Map<K, V>> {
  const name = `map<${key.name},${value.name}>`;
  return {
    tag: T_MAP,
    minBytes: 6,
    name,
    write(w, v) {
      if (!(v instanceof Map)) throw encodeError(name, v);
      w.writeMapBegin(key.tag, value.tag, v.size);
      for (const [k, x] of v) {
        key.write(w, k);
        value.write(w, x);
      }
    },
    read(r) {
      const n = r.readMapBegin();
      const out = new Map<K, V>();
      if (n === 0) return out;
      if (r.keyType !== key.tag || r.valueType !== value.tag) {
        throw new ProtocolError(
          'bad-field',
          `${name}: entry types ${r.keyType}/${r.valueType}, expected ${key.tag}/${value.tag}`,
        );
      }
      checkCount(r, n, key.minBytes + value.minBytes, name);
      for (let i = 0; i < n; i++) {
        const k = key.read(r);
        out.set(k, value.read(r));
      }
      return out;
    },
    zero: () => new Map<K, V>(),
  };
}

// ---- structs ----

/** One field of struct T; the codec's value type must match the property's type. */
export type FieldSpec<T> = {
  [K in keyof T & string]-?: {
    readonly id: number;
    readonly name: K;
    readonly codec: Codec<Exclude<T[K], undefined>>;
    /** written only when set; absent stays absent when read */
    readonly optional?: boolean;
  };
}[keyof T & string];

interface AnyField {
  readonly id: number;
  readonly name: string;
  readonly codec: Codec<unknown>;
  readonly optional?: boolean;
}

function withPath(e: unknown, path: string): unknown {
  if (e instanceof ProtocolError) return new ProtocolError(e.kind, `${path}: ${e.message}`);
  return e;
}

export function structCodec<T extends object>(name: string, fields: readonly FieldSpec<T>[]): Codec<T> {
  const all = fields as readonly AnyField[];
  const defaults = all.filter((f) => !f.optional);
  // zero values that are immutable go into a template copied with one spread; containers and nested
  // objects must be fresh per decoded struct
  const template: Record<string, unknown> = {};
  const freshDefaults: AnyField[] = [];
  for (const f of defaults) {
    const z = f.codec.zero();
    if (typeof z === 'object' && z !== null && !(z instanceof Uint8Array && z.length === 0))
      freshDefaults.push(f);
    else template[f.name] = z;
  }
  const byId: (AnyField | undefined)[] = [];
  for (const f of all) byId[f.id] = f;

  return {
    tag: T_STRUCT,
    minBytes: 1,
    name,
    write(w, v) {
      if (typeof v !== 'object' || v === null) throw encodeError(`struct ${name}`, v);
      const o = v as Record<string, unknown>;
      for (const f of all) {
        const x = o[f.name];
        if (x === undefined) {
          if (f.optional) continue;
          throw new ProtocolError('encode', `${name}.${f.name} is missing`);
        }
        w.writeFieldBegin(f.codec.tag, f.id);
        try {
          f.codec.write(w, x);
        } catch (e) {
          throw withPath(e, `${name}.${f.name}`);
        }
      }
      w.writeFieldStop();
    },
    read(r) {
      const o: Record<string, unknown> = { ...template };
      for (const f of freshDefaults) o[f.name] = f.codec.zero();
      for (;;) {
        const t = r.readFieldBegin();
        if (t === T_STOP) break;
        const id = r.fieldId;
        const f = id >= 0 ? byId[id] : undefined;
        try {
          if (f !== undefined && f.codec.tag === t) o[f.name] = f.codec.read(r);
          else skipValue(r, t, `${name} field ${id}`);
        } catch (e) {
          throw withPath(e, f === undefined ? name : `${name}.${f.name}`);
        }
      }
      return o as T;
    },
    zero() {
      const o: Record<string, unknown> = {};
      for (const f of defaults) o[f.name] = f.codec.zero();
      return o as T;
    },
  };
}
