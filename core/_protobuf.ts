/**
 * The runtime of the static protobuf codecs (`codecs/*\/gen/**\/package_static.ts`,
 * written by `codecs/_gen_static.ts`): a binary reader and writer that behave
 * byte for byte and error for error like protobuf-es 2.17.0's
 * `BinaryReader`/`BinaryWriter` (the subset of scalar types the OMMX and OTLP
 * schemas use), the {@linkcode MessageSchema} contract each generated message
 * implements, and `create`/`fromBinary`/`toBinary` with protobuf-es's
 * signatures. Importing it loads no protobuf-es code: the only imports of
 * `npm:@bufbuild/protobuf` here are type-only.
 *
 * `tests/protobuf_static_test.ts` checks the generated codecs against
 * protobuf-es on random messages and random bytes.
 *
 * @module
 */

import type { UnknownField } from "npm:@bufbuild/protobuf@2.17.0";
import type { WireType } from "npm:@bufbuild/protobuf@2.17.0/wire";

export type { UnknownField };

/** The wire type of length-delimited fields (protobuf-es's `WireType.LengthDelimited`). */
export const LENGTH_DELIMITED = 2 as WireType.LengthDelimited;

/** The recursion limit of protobuf-es's `fromBinary` (nested messages). */
const RECURSION_LIMIT = 100;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 0xffffffffffffffffn;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
/** Longest string the reader and writer handle on the ASCII fast path (as protobuf-es). */
const ASCII_MAX_LENGTH = 32;
const EMPTY = new Uint8Array(0);

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const textDecoderStrict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A decoded message: its type name and the fields it did not know. */
export interface Message {
  /** The fully qualified message type name. */
  readonly $typeName: string;
  /** Fields read but not in the schema, written back as read. */
  $unknown?: UnknownField[] | undefined;
}

/** The decoding state shared by the messages of one `fromBinary` call. */
export interface ReadContext {
  /** How many messages deep the reader is. */
  depth: number;
}

/**
 * One generated message type: how to create, encode and decode it. The
 * generated `package_static.ts` modules export one per message, under the name
 * protobuf-es gives its schema (`FooSchema`).
 *
 * @typeParam T The message type (protobuf-es's generated type).
 */
export interface MessageSchema<T extends Message> {
  /** The fully qualified message type name. */
  readonly typeName: string;
  /**
   * A new message, as protobuf-es's `create(schema, init)`.
   *
   * @param init Field values; nested message values may be plain objects.
   * @returns The message.
   */
  create(init?: MessageInit<T>): T;
  /**
   * Write the message's fields (no length prefix).
   *
   * @param message The message.
   * @param writer The writer.
   */
  encode(message: T, writer: BinaryWriter): void;
  /**
   * Read `length` bytes of fields into `message` (merging).
   *
   * @param message The message to fill.
   * @param reader The reader, at the first field.
   * @param ctx The recursion state.
   * @param length Bytes to read.
   */
  decode(message: T, reader: BinaryReader, ctx: ReadContext, length: number): void;
}

type Scalar = Uint8Array | bigint | boolean | string | number;

/** The message type of a schema (protobuf-es's `MessageShape`). */
export type MessageShape<S> = S extends MessageSchema<infer T> ? T : never;

/** An initializer of a field, as protobuf-es's `MessageInitShape` types it. */
export type FieldInit<F> = F extends Scalar ? F
  : F extends Array<infer U> ? Array<FieldInit<U>>
  : F extends Message ? MessageInit<F>
  : F extends { case: infer C extends string; value: infer V extends Message } ? {
      case: C;
      value: MessageInit<V>;
    }
  : F extends { case: string | undefined; value?: unknown } ? F
  : F extends { [key: string]: infer V extends Message } ? { [key: string]: MessageInit<V> }
  : F;

/** An initializer of a message: the message itself, or any of its fields. */
export type MessageInit<T extends Message> =
  | T
  | {
    [P in keyof T as P extends "$typeName" | "$unknown" ? never : P]?: FieldInit<T[P]>;
  };

/**
 * Whether `arg` is a message of the given schema (protobuf-es's `isMessage`).
 *
 * @param arg Any value.
 * @param schema The schema.
 * @returns `true` when `arg` has the schema's `$typeName`.
 */
export function isMessage<T extends Message>(
  arg: unknown,
  schema: MessageSchema<T>,
): arg is T {
  return arg !== null && typeof arg === "object" && "$typeName" in arg &&
    typeof arg.$typeName === "string" && arg.$typeName === schema.typeName;
}

/**
 * A new message (protobuf-es's `create`): `init` itself when it is already a
 * message of this type.
 *
 * @param schema The message's schema.
 * @param init Field values.
 * @returns The message.
 */
export function create<T extends Message>(
  schema: MessageSchema<T>,
  init?: NoInfer<MessageInit<T>>,
): T {
  if (isMessage(init, schema)) return init;
  return schema.create(init);
}

/**
 * Decode a message (protobuf-es's `fromBinary`: unknown fields kept, the same
 * errors on malformed bytes).
 *
 * @param schema The message's schema.
 * @param bytes The encoded message.
 * @returns The message.
 */
export function fromBinary<T extends Message>(schema: MessageSchema<T>, bytes: Uint8Array): T {
  const message = schema.create();
  schema.decode(message, new BinaryReader(bytes), { depth: 0 }, bytes.byteLength);
  return message;
}

/**
 * Encode a message (protobuf-es's `toBinary`: fields by number, unknown
 * fields last).
 *
 * @param schema The message's schema.
 * @param message The message.
 * @returns The bytes.
 */
export function toBinary<T extends Message>(schema: MessageSchema<T>, message: T): Uint8Array {
  return encodeWith((writer) => schema.encode(message, writer));
}

/**
 * Write bytes with a {@linkcode BinaryWriter} and return them. The writer of
 * the last call is reused (its buffer grown once, not per call: ~1 KiB of
 * garbage less per small message); it is taken out while in use, so a
 * nested call gets a new one, and not kept when `write` threw or its buffer
 * grew past 64 KiB.
 *
 * @param write Writes the bytes.
 * @returns The bytes written (a copy).
 */
export function encodeWith(write: (writer: BinaryWriter) => void): Uint8Array {
  const writer = spareWriter ?? new BinaryWriter();
  spareWriter = undefined;
  write(writer);
  const bytes = writer.finish();
  if (writer.capacity <= SPARE_WRITER_MAX) spareWriter = writer;
  return bytes;
}

/** The largest buffer {@linkcode toBinary} keeps for the next call. */
const SPARE_WRITER_MAX = 64 * 1024;
let spareWriter: BinaryWriter | undefined;

/**
 * Convert the init value of a message field (protobuf-es's `create`): a plain
 * object becomes a message, anything else is kept.
 *
 * @param schema The field's message schema.
 * @param value The init value.
 * @returns The value to store.
 */
export function initMessage<T extends Message>(schema: MessageSchema<T>, value: unknown): T {
  if (
    value === null || typeof value !== "object" || Array.isArray(value) ||
    isMessage(value, schema)
  ) {
    return value as T;
  }
  return schema.create(value as MessageInit<T>);
}

/**
 * Enter one message level while decoding (protobuf-es's recursion limit).
 *
 * @param ctx The recursion state.
 * @param typeName The message being decoded, for the error.
 */
export function enterMessage(ctx: ReadContext, typeName: string): void {
  if (++ctx.depth > RECURSION_LIMIT) {
    throw new Error(
      `cannot decode message ${typeName} from binary: maximum recursion depth of ${RECURSION_LIMIT} reached`,
    );
  }
}

/**
 * Read a length-prefixed message field, merging into the value already there
 * (protobuf-es's rule for a repeated singular message field).
 *
 * @param schema The field's message schema.
 * @param existing The field's current value (a new message when undefined).
 * @param reader The reader, at the length prefix.
 * @param ctx The recursion state.
 * @returns The message read.
 */
export function readMessage<T extends Message>(
  schema: MessageSchema<T>,
  existing: T | undefined,
  reader: BinaryReader,
  ctx: ReadContext,
): T {
  const child = existing === undefined ? schema.create() : existing;
  schema.decode(child, reader, ctx, reader.uint32());
  return child;
}

/**
 * Write a message field: tag, length prefix, fields (an undefined list item or
 * map value is written as the empty message, as protobuf-es does).
 *
 * @param writer The writer.
 * @param fieldNo The field number.
 * @param schema The field's message schema.
 * @param value The message.
 */
export function writeMessage<T extends Message>(
  writer: BinaryWriter,
  fieldNo: number,
  schema: MessageSchema<T>,
  value: T | undefined,
): void {
  writer.tag(fieldNo, 2).fork();
  schema.encode(value === undefined ? schema.create() : value, writer);
  writer.join();
}

/**
 * Skip the field the reader just read the tag of and keep it as unknown.
 *
 * @param reader The reader, after the tag.
 * @param ctx The recursion state.
 * @param unknown The message's unknown fields so far.
 */
export function readUnknown(reader: BinaryReader, ctx: ReadContext, unknown: UnknownField[]): void {
  const no = reader.fieldNo;
  const wireType = reader.wireType;
  const data = reader.skip(wireType, no, RECURSION_LIMIT - ctx.depth);
  unknown.push({ no, wireType, data } as UnknownField);
}

/**
 * Skip one field of a map entry that is neither key nor value.
 *
 * @param reader The reader, after the tag.
 * @param ctx The recursion state.
 */
export function skipField(reader: BinaryReader, ctx: ReadContext): void {
  reader.skip(reader.wireType, reader.fieldNo, RECURSION_LIMIT - ctx.depth);
}

/**
 * Write a message's unknown fields back (after its known fields).
 *
 * @param writer The writer.
 * @param unknown The unknown fields, if any.
 */
export function writeUnknown(writer: BinaryWriter, unknown: UnknownField[] | undefined): void {
  if (unknown === undefined) return;
  for (let i = 0; i < unknown.length; i++) {
    const { no, wireType, data } = unknown[i]!;
    writer.tag(no, wireType).raw(data);
  }
}

/**
 * Set a record entry, also for the key `__proto__` (protobuf-es's `setOwn`).
 *
 * @param record The map field's record.
 * @param key The entry key (bigint keys become their decimal text).
 * @param value The entry value.
 */
export function setOwn(record: Record<string, unknown>, key: unknown, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(record, "__proto__", {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    record[key as string] = value;
  }
}

/**
 * A map key (always an object key locally) as a `uint64` for the writer;
 * text that is no valid `uint64` is passed on for the writer to refuse.
 *
 * @param key The object key.
 * @returns The key as a bigint, or the text.
 */
export function uint64Key(key: string): bigint | string {
  try {
    return parseUint64(key);
  } catch {
    return key;
  }
}

/**
 * Refuse to encode a message of another type (protobuf-es's `ForeignFieldError` message).
 *
 * @param message The message.
 * @param typeName The schema's type name.
 * @param field The name of the schema's first field (by number).
 */
export function checkType(message: Message, typeName: string, field: string): void {
  if (message.$typeName !== typeName) {
    throw new Error(`cannot use field ${typeName}.${field} with message ${message.$typeName}`);
  }
}

/**
 * Wrap an error of a scalar write the way protobuf-es does.
 *
 * @param message The message type name.
 * @param field The field name (as in the .proto file).
 * @param e The error.
 * @returns The error to throw.
 */
export function fieldWriteError(message: string, field: string, e: unknown): unknown {
  return e instanceof Error
    ? new Error(`cannot encode field ${message}.${field} to binary: ${e.message}`)
    : e;
}

function parseInt64(value: unknown): bigint {
  const bi = typeof value === "bigint" ? value : BigInt(value as string);
  if (bi > INT64_MAX || bi < INT64_MIN) throw new Error(`invalid int64: ${value}`);
  return bi;
}

function parseUint64(value: unknown): bigint {
  const bi = typeof value === "bigint" ? value : BigInt(value as string);
  if (bi > UINT64_MAX || bi < 0n) throw new Error(`invalid uint64: ${value}`);
  return bi;
}

function assertInt32(arg: unknown): void {
  if (typeof arg === "string") arg = Number(arg);
  else if (typeof arg !== "number") throw new Error("invalid int32: " + typeof arg);
  const n = arg as number;
  if (!Number.isInteger(n) || n > INT32_MAX || n < INT32_MIN) {
    throw new Error("invalid int32: " + n);
  }
}

function assertUInt32(arg: unknown): void {
  if (typeof arg === "string") arg = Number(arg);
  else if (typeof arg !== "number") throw new Error("invalid uint32: " + typeof arg);
  const n = arg as number;
  if (!Number.isInteger(n) || n > UINT32_MAX || n < 0) throw new Error("invalid uint32: " + n);
}

function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

const int64View = new DataView(new ArrayBuffer(8));

/**
 * Writes protobuf binary data, as protobuf-es's `BinaryWriter`: a growing
 * buffer, length prefixes reserved by {@linkcode BinaryWriter.fork} and
 * filled in by {@linkcode BinaryWriter.join}.
 */
export class BinaryWriter {
  #stack: number[] = [];
  #buf: Uint8Array = EMPTY;
  #view: DataView = new DataView(EMPTY.buffer);
  #pos = 0;

  #ensure(size: number): void {
    const required = this.#pos + size;
    if (required <= this.#buf.length) return;
    let len = this.#buf.length || 128;
    while (len < required) len *= 2;
    const next = new Uint8Array(len);
    if (this.#pos > 0) next.set(this.#buf);
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** @returns The bytes written (a copy); the writer is reset. */
  finish(): Uint8Array {
    const out = this.#buf.slice(0, this.#pos);
    this.#pos = 0;
    this.#stack.length = 0;
    return out;
  }

  /** The size of the buffer, grown so far. */
  get capacity(): number {
    return this.#buf.length;
  }

  /** @returns This writer, with a length prefix reserved. */
  fork(): this {
    this.#stack.push(this.#pos);
    this.#ensure(1);
    this.#buf[this.#pos++] = 0;
    return this;
  }

  /** @returns This writer, with the last reserved length prefix filled in. */
  join(): this {
    const forkPos = this.#stack.pop();
    if (forkPos === undefined) throw new Error("invalid state, fork stack empty");
    const len = this.#pos - forkPos - 1;
    const size = varint32Size(len);
    if (size > 1) {
      this.#ensure(size - 1);
      this.#buf.copyWithin(forkPos + size, forkPos + 1, this.#pos);
    }
    this.#pos = forkPos;
    this.uint32(len);
    this.#pos += len;
    return this;
  }

  /**
   * @param fieldNo The field number.
   * @param wireType The wire type.
   * @returns This writer.
   */
  tag(fieldNo: number, wireType: number): this {
    return this.uint32(((fieldNo << 3) | wireType) >>> 0);
  }

  /**
   * @param chunk Bytes to copy.
   * @returns This writer.
   */
  raw(chunk: Uint8Array): this {
    this.#ensure(chunk.length);
    this.#buf.set(chunk, this.#pos);
    this.#pos += chunk.length;
    return this;
  }

  /**
   * @param value A `uint32`.
   * @returns This writer.
   */
  uint32(value: number): this {
    assertUInt32(value);
    this.#ensure(5);
    const buf = this.#buf;
    while (value > 0x7f) {
      buf[this.#pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[this.#pos++] = value;
    return this;
  }

  /**
   * @param value An `int32` (negative values take 10 bytes).
   * @returns This writer.
   */
  int32(value: number): this {
    assertInt32(value);
    if (value >= 0) return this.uint32(value);
    this.#ensure(10);
    for (let i = 0; i < 9; i++) {
      this.#buf[this.#pos++] = (value & 0x7f) | 0x80;
      value >>= 7;
    }
    this.#buf[this.#pos++] = 1;
    return this;
  }

  /**
   * @param value A bool.
   * @returns This writer.
   */
  bool(value: boolean): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = value ? 1 : 0;
    return this;
  }

  /**
   * @param value Bytes, length-prefixed.
   * @returns This writer.
   */
  bytes(value: Uint8Array): this {
    this.uint32(value.byteLength);
    return this.raw(value);
  }

  /**
   * @param value A string, UTF-8 and length-prefixed.
   * @returns This writer.
   */
  string(value: string): this {
    if (typeof value !== "string") value = String(value);
    const len = value.length;
    if (len <= ASCII_MAX_LENGTH) {
      this.#ensure(len + 1);
      const ascii = this.#buf;
      let pos = this.#pos;
      ascii[pos++] = len;
      let i = 0;
      for (; i < len; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) break;
        ascii[pos++] = code;
      }
      if (i === len) {
        this.#pos = pos;
        return this;
      }
    }
    this.#ensure(len * 3 + 5);
    const guess = varint32Size(len);
    const start = this.#pos;
    const buf = this.#buf;
    const { written } = textEncoder.encodeInto(value, buf.subarray(start + guess));
    const size = varint32Size(written);
    if (size !== guess) buf.copyWithin(start + size, start + guess, start + guess + written);
    this.uint32(written);
    this.#pos += written;
    return this;
  }

  /**
   * @param value A double, little-endian.
   * @returns This writer.
   */
  double(value: number): this {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
    return this;
  }

  /**
   * @param value A `fixed32`.
   * @returns This writer.
   */
  fixed32(value: number): this {
    assertUInt32(value);
    this.#ensure(4);
    this.#view.setUint32(this.#pos, value, true);
    this.#pos += 4;
    return this;
  }

  /**
   * @param value A `fixed64`.
   * @returns This writer.
   */
  fixed64(value: bigint | string): this {
    int64View.setBigInt64(0, parseUint64(value), true);
    this.#ensure(8);
    this.#view.setInt32(this.#pos, int64View.getInt32(0, true), true);
    this.#view.setInt32(this.#pos + 4, int64View.getInt32(4, true), true);
    this.#pos += 8;
    return this;
  }

  /**
   * @param value An `int64`.
   * @returns This writer.
   */
  int64(value: bigint | string): this {
    int64View.setBigInt64(0, parseInt64(value), true);
    return this.#varint64(int64View.getInt32(0, true), int64View.getInt32(4, true));
  }

  /**
   * @param value A `uint64`.
   * @returns This writer.
   */
  uint64(value: bigint | string): this {
    int64View.setBigInt64(0, parseUint64(value), true);
    return this.#varint64(int64View.getInt32(0, true), int64View.getInt32(4, true));
  }

  #varint64(lo: number, hi: number): this {
    this.#ensure(10);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < 28; i = i + 7) {
      const shift = lo >>> i;
      const hasNext = !(shift >>> 7 == 0 && hi == 0);
      buf[pos++] = (hasNext ? shift | 0x80 : shift) & 0xff;
      if (!hasNext) {
        this.#pos = pos;
        return this;
      }
    }
    const splitBits = ((lo >>> 28) & 0x0f) | ((hi & 0x07) << 4);
    const hasMoreBits = !(hi >> 3 == 0);
    buf[pos++] = (hasMoreBits ? splitBits | 0x80 : splitBits) & 0xff;
    if (!hasMoreBits) {
      this.#pos = pos;
      return this;
    }
    for (let i = 3; i < 31; i = i + 7) {
      const shift = hi >>> i;
      const hasNext = !(shift >>> 7 == 0);
      buf[pos++] = (hasNext ? shift | 0x80 : shift) & 0xff;
      if (!hasNext) {
        this.#pos = pos;
        return this;
      }
    }
    buf[pos++] = (hi >>> 31) & 0x01;
    this.#pos = pos;
    return this;
  }
}

/**
 * Reads protobuf binary data, as protobuf-es's `BinaryReader` (the same
 * values, the same errors on truncated or malformed input).
 */
export class BinaryReader {
  /** The bytes. */
  readonly buf: Uint8Array;
  /** Their length. */
  readonly len: number;
  /** The read position. */
  pos = 0;
  /** The field number of the last {@linkcode BinaryReader.tag}. */
  fieldNo = 0;
  /** The wire type of the last {@linkcode BinaryReader.tag}. */
  wireType = 0;
  readonly #view: DataView;

  /** @param buf The bytes to read. */
  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.len = buf.length;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Read a tag into {@linkcode BinaryReader.fieldNo} and {@linkcode BinaryReader.wireType}.
   *
   * @returns The field number.
   */
  tag(): number {
    const start = this.pos;
    const tag = this.uint32();
    const read = this.pos - start;
    if (read > 5 || (read === 5 && this.buf[this.pos - 1]! > 0x0f)) {
      throw new Error("illegal tag: varint overflows uint32");
    }
    const fieldNo = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNo <= 0 || wireType > 5) {
      throw new Error("illegal tag: field no " + fieldNo + " wire type " + wireType);
    }
    this.fieldNo = fieldNo;
    this.wireType = wireType;
    return fieldNo;
  }

  /**
   * Skip one value and return its bytes.
   *
   * @param wireType Its wire type.
   * @param fieldNo Its field number (checked against a group's end tag).
   * @param recursionLimit How many groups deep it may nest.
   * @returns The skipped bytes.
   */
  skip(wireType: number, fieldNo: number, recursionLimit: number): Uint8Array {
    const start = this.pos;
    switch (wireType) {
      case 0:
        while (this.buf[this.pos++]! & 0x80) { /* skip */ }
        break;
      case 1:
        this.pos += 8;
        break;
      case 5:
        this.pos += 4;
        break;
      case 2: {
        const len = this.uint32();
        this.pos += len;
        break;
      }
      case 3:
        if (recursionLimit <= 0) throw new Error("maximum recursion depth reached");
        for (;;) {
          this.tag();
          const fn = this.fieldNo;
          const wt = this.wireType;
          if (wt === 4) {
            if (fn !== fieldNo) throw new Error("invalid end group tag");
            break;
          }
          this.skip(wt, fn, recursionLimit - 1);
        }
        break;
      default:
        throw new Error("cant skip wire type " + wireType);
    }
    this.#assertBounds();
    return this.buf.subarray(start, this.pos);
  }

  #assertBounds(): void {
    if (this.pos > this.len) throw new RangeError("premature EOF");
  }

  /** @returns A `uint32` varint. */
  uint32(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if ((b & 0x80) === 0) {
      this.#assertBounds();
      return b;
    }
    let result = b & 0x7f;
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 7;
    if ((b & 0x80) === 0) {
      this.#assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 14;
    if ((b & 0x80) === 0) {
      this.#assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 21;
    if ((b & 0x80) === 0) {
      this.#assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x0f) << 28;
    for (let read = 5; (b & 0x80) !== 0 && read < 10; read++) b = buf[this.pos++]!;
    if ((b & 0x80) !== 0) throw new Error("invalid varint");
    this.#assertBounds();
    return result >>> 0;
  }

  /** @returns An `int32` varint. */
  int32(): number {
    return this.uint32() | 0;
  }

  #lo = 0;
  #hi = 0;

  #varint64(): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        this.#done64(pos, lo, hi);
        return;
      }
    }
    const middle = buf[pos++]!;
    lo |= (middle & 0x0f) << 28;
    hi = (middle & 0x70) >> 4;
    if ((middle & 0x80) == 0) {
      this.#done64(pos, lo, hi);
      return;
    }
    for (let shift = 3; shift <= 31; shift += 7) {
      const b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        this.#done64(pos, lo, hi);
        return;
      }
    }
    throw new Error("invalid varint");
  }

  #done64(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.#assertBounds();
    this.#lo = lo;
    this.#hi = hi;
  }

  /** @returns An `int64` varint. */
  int64(): bigint {
    this.#varint64();
    int64View.setInt32(0, this.#lo, true);
    int64View.setInt32(4, this.#hi, true);
    return int64View.getBigInt64(0, true);
  }

  /** @returns A `uint64` varint. */
  uint64(): bigint {
    this.#varint64();
    int64View.setInt32(0, this.#lo, true);
    int64View.setInt32(4, this.#hi, true);
    return int64View.getBigUint64(0, true);
  }

  /** @returns A bool varint. */
  bool(): boolean {
    const b = this.buf[this.pos]!;
    if (b < 0x80) {
      this.pos++;
      return b !== 0;
    }
    this.#varint64();
    return this.#lo !== 0 || this.#hi !== 0;
  }

  /** @returns A `fixed32`. */
  fixed32(): number {
    return this.#view.getUint32((this.pos += 4) - 4, true);
  }

  /** @returns A `fixed64`. */
  fixed64(): bigint {
    const lo = this.#view.getInt32((this.pos += 4) - 4, true);
    const hi = this.#view.getInt32((this.pos += 4) - 4, true);
    int64View.setInt32(0, lo, true);
    int64View.setInt32(4, hi, true);
    return int64View.getBigUint64(0, true);
  }

  /** @returns A double. */
  double(): number {
    return this.#view.getFloat64((this.pos += 8) - 8, true);
  }

  /** @returns Length-prefixed bytes (a view). */
  bytes(): Uint8Array {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    this.#assertBounds();
    return this.buf.subarray(start, start + len);
  }

  /**
   * @param strict Whether invalid UTF-8 throws (else U+FFFD replaces it).
   * @returns A length-prefixed UTF-8 string.
   */
  string(strict: boolean): string {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    this.#assertBounds();
    const buf = this.buf;
    const bytes = buf.subarray(start, this.pos);
    if (len <= ASCII_MAX_LENGTH) {
      const codes = new Array<number>(len);
      for (let i = 0; i < len; i++) {
        const byte = buf[start + i]!;
        if (byte > 0x7f) return (strict ? textDecoderStrict : textDecoder).decode(bytes);
        codes[i] = byte;
      }
      return String.fromCharCode.apply(String, codes);
    }
    return (strict ? textDecoderStrict : textDecoder).decode(bytes);
  }
}
