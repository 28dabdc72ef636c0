/**
 * Table-driven message schemas: the generated `package_static.ts` modules
 * (`codecs/_gen_static.ts`) describe each message as one small table of field
 * rows, and {@linkcode table} turns it into a {@linkcode MessageSchema} whose
 * `create`, `encode` and `decode` interpret the rows with the wire runtime of
 * `core/_protobuf.ts` — the same values, bytes and errors, in the same order,
 * as the unrolled code the generator used to write (and as protobuf-es), for
 * far fewer bytes of source to load at start-up (BENCHMARKS.md, issue 13,
 * seventh session). The rows are read on the schema's first use.
 *
 * `tests/protobuf_static_test.ts` checks every generated message against
 * protobuf-es on random messages and random bytes.
 *
 * @module
 */

import {
  type BinaryReader,
  type BinaryWriter,
  checkType,
  enterMessage,
  fieldWriteError,
  initMessage,
  type Message,
  type MessageSchema,
  type ReadContext,
  readMessage,
  readUnknown,
  setOwn,
  skipField,
  uint64Key,
  writeMessage,
  writeUnknown,
} from "./_protobuf.ts";

/**
 * One field of a message table:
 * `[number, localName, type, mode, message?, aux?, protoName?]`.
 *
 * - `type`: a protobuf-es scalar type number (1 double, 3 int64, 4 uint64,
 *   5 int32, 6 fixed64, 7 fixed32, 8 bool, 9 string, 12 bytes, 13 uint32), or
 *   {@linkcode ENUM} (14, an open enum whose first value is 0), or
 *   {@linkcode MESSAGE} (11); for a map, the type of its values.
 * - `mode`: {@linkcode IMPLICIT}, {@linkcode EXPLICIT}, {@linkcode LIST},
 *   {@linkcode PACKED}, {@linkcode MAP} or {@linkcode ONEOF}.
 * - `message`: the schema of a message field, list item or map value (else 0).
 * - `aux`: a map's key type (9 or 4), a oneof member's oneof name (else 0).
 * - `protoName`: the field's name in the `.proto` file, when it differs from
 *   `localName` (it names the field in encode errors).
 *
 * The rows come in declaration order, each oneof's members together.
 */
export type FieldRow = readonly [
  no: number,
  localName: string,
  type: number,
  mode: number,
  message?: MessageSchema<Message> | 0,
  aux?: number | string,
  protoName?: string,
];

/** Field type of a message field (descriptor's `TYPE_MESSAGE`). */
export const MESSAGE = 11;
/** Field type of an open enum field (descriptor's `TYPE_ENUM`), written as `int32`. */
export const ENUM = 14;
/** Mode of a singular field with implicit presence (not written when zero). */
export const IMPLICIT = 0;
/** Mode of a singular field with explicit presence (`optional`, messages). */
export const EXPLICIT = 1;
/** Mode of a repeated field written one tag per item. */
export const LIST = 2;
/** Mode of a repeated scalar field written packed. */
export const PACKED = 3;
/** Mode of a map field. */
export const MAP = 4;
/** Mode of a member of a oneof. */
export const ONEOF = 5;

const STRING = 9;
const BYTES = 12;
const UINT64 = 4;

interface Field {
  readonly no: number;
  readonly name: string;
  readonly protoName: string;
  readonly type: number;
  readonly mode: number;
  readonly message: MessageSchema<Message> | undefined;
  /** A map's key type. */
  readonly key: number;
  /** A oneof member's oneof name. */
  readonly oneof: string;
  /** The wire type of the field's (or map value's) scalar. */
  readonly wire: number;
}

/** What `create` fills, in order: a field, or a oneof with its members by case. */
type Member = Field | { readonly oneof: string; readonly cases: Map<unknown, Field> };

interface Table {
  readonly typeName: string;
  readonly members: readonly Member[];
  /** By field number. */
  readonly sorted: readonly Field[];
  /** Fields by number (a sparse array). */
  readonly byNo: readonly (Field | undefined)[];
}

/**
 * The schema of one message, from its field table.
 *
 * @typeParam T The message type (protobuf-es's generated type).
 * @param typeName The fully qualified message type name.
 * @param empty A new empty message, as `create()` without an init value makes
 *   it (one object literal per message, written by the generator: decoding
 *   creates every message this way, and one allocation site per message keeps
 *   V8's pretenuring and elements-kind feedback per message — through the
 *   interpreter's one shared site, decoding a large message took ~2x the time
 *   in GC).
 * @param rows The field rows (a function: read on first use, so rows may name
 *   schemas defined later or in modules that import this one).
 * @param encode The message's own encoder, for a message on a hot path where
 *   interpreting the rows is measurably slower (the generator writes it out).
 * @param decode The message's own decoder, likewise (a message a large payload
 *   holds by the thousand).
 * @returns The message's schema.
 */
export function table<T extends Message>(
  typeName: string,
  empty: () => T,
  rows: () => readonly FieldRow[],
  encode?: (message: T, writer: BinaryWriter) => void,
  decode?: (message: T, reader: BinaryReader, ctx: ReadContext, length: number) => void,
): MessageSchema<T> {
  let t: Table | undefined;
  const get = (): Table => t ??= build(typeName, rows());
  return {
    typeName,
    create: (init?: unknown): T => init == null ? empty() : createMessage(t ?? get(), init) as T,
    encode: encode ??
      ((message: T, writer: BinaryWriter): void => encodeMessage(t ?? get(), message, writer)),
    decode: decode ??
      ((message: T, reader: BinaryReader, ctx: ReadContext, length: number): void =>
        decodeMessage(t ?? get(), message, reader, ctx, length)),
  };
}

function wireType(type: number): number {
  switch (type) {
    case 1:
    case 6:
      return 1;
    case 7:
      return 5;
    case STRING:
    case BYTES:
    case MESSAGE:
      return 2;
    default:
      return 0;
  }
}

function build(typeName: string, rows: readonly FieldRow[]): Table {
  const fields = rows.map(([no, name, type, mode, message, aux, protoName]): Field => ({
    no,
    name,
    protoName: protoName ?? name,
    type,
    mode,
    message: message || undefined,
    key: mode === MAP ? aux as number : 0,
    oneof: mode === ONEOF ? aux as string : "",
    wire: wireType(type),
  }));
  const members: Member[] = [];
  for (const f of fields) {
    if (f.mode !== ONEOF) members.push(f);
    else {
      const last = members.at(-1);
      if (last !== undefined && "cases" in last && last.oneof === f.oneof) {
        last.cases.set(f.name, f);
      } else members.push({ oneof: f.oneof, cases: new Map([[f.name, f]]) });
    }
  }
  const byNo: (Field | undefined)[] = [];
  for (const f of fields) byNo[f.no] = f;
  return { typeName, members, sorted: fields.concat().sort((a, b) => a.no - b.no), byNo };
}

/** The value of an implicit-presence field that is not set. */
function zero(type: number): unknown {
  switch (type) {
    case 3:
    case UINT64:
    case 6:
      return 0n;
    case 8:
      return false;
    case STRING:
      return "";
    case BYTES:
      return new Uint8Array(0);
    default:
      return 0;
  }
}

/** A `bytes` init value: an array of numbers becomes bytes (protobuf-es's `create`). */
function toU8Arr(value: unknown): unknown {
  return Array.isArray(value) ? new Uint8Array(value) : value;
}

function initValue(f: Field, v: unknown): unknown {
  return f.type === MESSAGE ? initMessage(f.message!, v) : f.type === BYTES ? toU8Arr(v) : v;
}

// deno-lint-ignore no-explicit-any
type Init = Record<string, any> | undefined;

function createMessage(t: Table, init: unknown): Message {
  const src = init as Init;
  // deno-lint-ignore no-explicit-any
  const m: Record<string, any> = { $typeName: t.typeName };
  const members = t.members;
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    if ("cases" in member) {
      const v = src?.[member.oneof];
      const f = member.cases.get(v?.case);
      m[member.oneof] = f === undefined
        ? { case: undefined }
        : { case: f.name, value: initValue(f, v.value) };
      continue;
    }
    const f = member;
    const v = src?.[f.name];
    switch (f.mode) {
      case IMPLICIT:
        m[f.name] = v != null ? initValue(f, v) : zero(f.type);
        break;
      case EXPLICIT:
        if (v != null) m[f.name] = initValue(f, v);
        break;
      case MAP:
        if (f.type === MESSAGE && v !== null && typeof v === "object" && !Array.isArray(v)) {
          const c = {};
          for (const k of Object.keys(v)) setOwn(c, k, initMessage(f.message!, v[k]));
          m[f.name] = c;
        } else m[f.name] = v ?? {};
        break;
      default: // LIST, PACKED
        m[f.name] = (f.type === MESSAGE || f.type === BYTES) && Array.isArray(v)
          ? v.map((x: unknown) => initValue(f, x))
          : (v ?? emptyList(f.type));
    }
  }
  return m as Message;
}

/**
 * A new empty list for a repeated field of this type. Each array literal is its own V8
 * allocation site, whose elements kind follows what was stored in its arrays: one literal for
 * every list would hold numbers boxed once any list held a bigint or a message (about twice the
 * garbage and the time decoding a large payload), so numbers get literals of their own.
 */
function emptyList(type: number): unknown[] {
  switch (type) {
    case 1:
      return [];
    case 5:
    case ENUM:
      return [];
    case 7:
    case 13:
      return [];
    case 8:
      return [];
    default:
      return [];
  }
}

function writeScalar(w: BinaryWriter, type: number, v: unknown): void {
  switch (type) {
    case 1:
      w.double(v as number);
      break;
    case 3:
      w.int64(v as bigint);
      break;
    case UINT64:
      w.uint64(v as bigint);
      break;
    case 6:
      w.fixed64(v as bigint);
      break;
    case 7:
      w.fixed32(v as number);
      break;
    case 8:
      w.bool(v as boolean);
      break;
    case STRING:
      w.string(v as string);
      break;
    case BYTES:
      w.bytes(v as Uint8Array);
      break;
    case 13:
      w.uint32(v as number);
      break;
    default: // 5 int32, ENUM
      w.int32(v as number);
  }
}

/** Write packed scalars (one loop per type: the hot path of large payloads). */
function writePacked(w: BinaryWriter, type: number, items: Iterable<never>): void {
  switch (type) {
    case 1:
      for (const x of items) w.double(x);
      break;
    case 3:
      for (const x of items) w.int64(x);
      break;
    case UINT64:
      for (const x of items) w.uint64(x);
      break;
    case 6:
      for (const x of items) w.fixed64(x);
      break;
    case 7:
      for (const x of items) w.fixed32(x);
      break;
    case 8:
      for (const x of items) w.bool(x);
      break;
    case 13:
      for (const x of items) w.uint32(x);
      break;
    default: // 5 int32, ENUM
      for (const x of items) w.int32(x);
  }
}

/** Whether an implicit-presence field's value is written (not its zero value). */
function isSet(type: number, v: unknown): boolean {
  switch (type) {
    case ENUM:
      return v !== 0;
    case 8:
      return v !== false;
    case STRING:
      return v !== "";
    case BYTES:
      return !(v instanceof Uint8Array) || v.byteLength > 0;
    case 1:
      return !Object.is(v, 0);
    default:
      // deno-lint-ignore eqeqeq
      return v != 0;
  }
}

function encodeMessage(t: Table, message: Message, w: BinaryWriter): void {
  // deno-lint-ignore no-explicit-any
  const m = message as Record<string, any>;
  const sorted = t.sorted;
  if (sorted.length > 0) checkType(message, t.typeName, sorted[0]!.protoName);
  // Scalar write errors get protobuf-es's field prefix: `name` names the field being written
  // ("" while a child message writes, whose errors pass unchanged).
  let name = "";
  try {
    for (let i = 0; i < sorted.length; i++) {
      const f = sorted[i]!;
      let v;
      switch (f.mode) {
        case IMPLICIT:
          v = m[f.name];
          if (!isSet(f.type, v)) continue;
          break;
        case EXPLICIT:
          v = m[f.name];
          if (v === undefined || !Object.hasOwn(m, f.name)) continue;
          break;
        case ONEOF:
          if (m[f.oneof].case !== f.name) continue;
          v = m[f.oneof].value;
          break;
        case LIST:
          for (const x of m[f.name]) {
            if (f.type === MESSAGE) {
              name = "";
              writeMessage(w, f.no, f.message!, x);
            } else {
              w.tag(f.no, f.wire);
              name = f.protoName;
              writeScalar(w, f.type, x);
            }
          }
          continue;
        case PACKED:
          if (m[f.name].length > 0) {
            w.tag(f.no, 2).fork();
            name = f.protoName;
            writePacked(w, f.type, m[f.name]);
            w.join();
          }
          continue;
        default: { // MAP
          const rec = m[f.name];
          for (const k of Object.keys(rec)) {
            w.tag(f.no, 2).fork();
            w.tag(1, wireType(f.key));
            name = f.protoName;
            writeScalar(w, f.key, f.key === UINT64 ? uint64Key(k) : k);
            if (f.type === MESSAGE) {
              name = "";
              writeMessage(w, 2, f.message!, rec[k]);
            } else {
              w.tag(2, f.wire);
              name = f.protoName;
              writeScalar(w, f.type, rec[k]);
            }
            w.join();
          }
          continue;
        }
      }
      if (f.type === MESSAGE) {
        name = "";
        writeMessage(w, f.no, f.message!, v);
      } else {
        w.tag(f.no, f.wire);
        name = f.protoName;
        writeScalar(w, f.type, v);
      }
    }
  } catch (e) {
    throw name === "" ? e : fieldWriteError(t.typeName, name, e);
  }
  writeUnknown(w, message.$unknown);
}

function readScalar(r: BinaryReader, type: number): unknown {
  switch (type) {
    case 1:
      return r.double();
    case 3:
      return r.int64();
    case UINT64:
      return r.uint64();
    case 6:
      return r.fixed64();
    case 7:
      return r.fixed32();
    case 8:
      return r.bool();
    case STRING:
      return r.string(true);
    case BYTES:
      return r.bytes();
    case 13:
      return r.uint32();
    default: // 5 int32, ENUM
      return r.int32();
  }
}

/** Read packed scalars up to `end` (one loop per type: the hot path of large payloads). */
function readPacked(r: BinaryReader, type: number, items: unknown[], end: number): void {
  switch (type) {
    case 1:
      while (r.pos < end) items.push(r.double());
      break;
    case 3:
      while (r.pos < end) items.push(r.int64());
      break;
    case UINT64:
      while (r.pos < end) items.push(r.uint64());
      break;
    case 6:
      while (r.pos < end) items.push(r.fixed64());
      break;
    case 7:
      while (r.pos < end) items.push(r.fixed32());
      break;
    case 8:
      while (r.pos < end) items.push(r.bool());
      break;
    case 13:
      while (r.pos < end) items.push(r.uint32());
      break;
    default: // 5 int32, ENUM
      while (r.pos < end) items.push(r.int32());
  }
}

function decodeMessage(
  t: Table,
  message: Message,
  r: BinaryReader,
  ctx: ReadContext,
  len: number,
): void {
  // deno-lint-ignore no-explicit-any
  const m = message as Record<string, any>;
  enterMessage(ctx, t.typeName);
  const end = r.pos + len;
  const unknown = message.$unknown ?? [];
  const byNo = t.byNo;
  while (r.pos < end) {
    const no = r.tag();
    const f = no < byNo.length ? byNo[no] : undefined;
    if (f === undefined) {
      readUnknown(r, ctx, unknown);
      continue;
    }
    switch (f.mode) {
      case ONEOF:
        if (f.type === MESSAGE) {
          const o = m[f.oneof];
          m[f.oneof] = {
            case: f.name,
            value: readMessage(f.message!, o.case === f.name ? o.value : undefined, r, ctx),
          };
        } else m[f.oneof] = { case: f.name, value: readScalar(r, f.type) };
        break;
      case LIST:
      case PACKED: {
        const items = m[f.name];
        if (f.type === MESSAGE) items.push(readMessage(f.message!, undefined, r, ctx));
        else if (f.type === STRING || f.type === BYTES) items.push(readScalar(r, f.type));
        else if (r.wireType === 2) readPacked(r, f.type, items, r.uint32() + r.pos);
        else items.push(readScalar(r, f.type));
        break;
      }
      case MAP:
        readMapEntry(f, m[f.name], r, ctx);
        break;
      default: // IMPLICIT, EXPLICIT
        m[f.name] = f.type === MESSAGE
          ? readMessage(f.message!, m[f.name], r, ctx)
          : readScalar(r, f.type);
    }
  }
  if (unknown.length > 0) message.$unknown = unknown;
  ctx.depth--;
}

function readMapEntry(
  f: Field,
  record: Record<string, unknown>,
  r: BinaryReader,
  ctx: ReadContext,
): void {
  let key: unknown;
  let val: unknown;
  const e = r.uint32() + r.pos;
  while (r.pos < e) {
    const no = r.tag();
    if (no === 1) key = readScalar(r, f.key);
    else if (no === 2) {
      val = f.type === MESSAGE
        ? readMessage(f.message!, val as Message | undefined, r, ctx)
        : readScalar(r, f.type);
    } else skipField(r, ctx);
  }
  setOwn(
    record,
    key === undefined ? zero(f.key) : key,
    val === undefined ? (f.type === MESSAGE ? f.message!.create() : zero(f.type)) : val,
  );
}
