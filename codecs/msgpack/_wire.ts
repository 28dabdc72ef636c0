/**
 * A small strict MessagePack reader and a minimal-width writer (private).
 *
 * The reader keeps the wire type of every value (float32 vs float64, int vs
 * float, str vs bin), which the run-parameter table's strictness needs and
 * general-purpose decoders hide. The writer picks the narrowest header for
 * every integer, string, binary, array, map and ext, exactly as `rmpv` does.
 *
 * @module
 */

import { DecodeError, EncodeError } from "../../core/errors.ts";

/** A decoded MessagePack value that remembers its wire type. */
export type MsgpackNode =
  | { readonly type: "nil"; readonly offset: number }
  | { readonly type: "bool"; readonly value: boolean; readonly offset: number }
  /** `value` is a number when safe, else a bigint. `unsigned`: uint family header. */
  | {
    readonly type: "int";
    readonly value: number | bigint;
    readonly unsigned: boolean;
    readonly offset: number;
  }
  | { readonly type: "float32"; readonly value: number; readonly offset: number }
  | { readonly type: "float64"; readonly value: number; readonly offset: number }
  | { readonly type: "str"; readonly value: string; readonly offset: number }
  | { readonly type: "bin"; readonly value: Uint8Array; readonly offset: number }
  | { readonly type: "array"; readonly items: MsgpackNode[]; readonly offset: number }
  | {
    readonly type: "map";
    readonly entries: [MsgpackNode, MsgpackNode][];
    readonly offset: number;
  }
  | {
    readonly type: "ext";
    readonly extType: number;
    readonly data: Uint8Array;
    readonly offset: number;
  };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function narrow(v: bigint): number | bigint {
  return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** Reads one MessagePack value at a time from a byte array. */
export class MsgpackReader {
  pos = 0;
  readonly #view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly subject: string,
    readonly maxDepth = 1000,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string, at = this.pos): never {
    throw new DecodeError(`${this.subject}: ${message} at offset ${at}`);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      this.fail(
        `truncated MessagePack (${what} needs ${n} bytes, ${this.bytes.length - this.pos} left)`,
      );
    }
  }

  /** Read exactly one value that spans the whole input. */
  readSingle(): MsgpackNode {
    if (this.bytes.length === 0) this.fail("empty input, expected one MessagePack value");
    const node = this.read(0);
    if (this.pos !== this.bytes.length) {
      this.fail(`${this.bytes.length - this.pos} trailing byte(s) after the MessagePack value`);
    }
    return node;
  }

  #u8(): number {
    this.need(1, "u8");
    return this.bytes[this.pos++]!;
  }
  #u16(): number {
    this.need(2, "u16");
    const v = this.#view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  #u32(): number {
    this.need(4, "u32");
    const v = this.#view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  #take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  #str(n: number, offset: number): MsgpackNode {
    const raw = this.#take(n, "string");
    try {
      return { type: "str", value: utf8.decode(raw), offset };
    } catch {
      return this.fail("invalid UTF-8 in string", offset);
    }
  }
  #array(n: number, offset: number, depth: number): MsgpackNode {
    // every element needs at least one byte: refuse absurd counts before looping
    this.need(n, `array of ${n} element(s)`);
    const items: MsgpackNode[] = [];
    for (let i = 0; i < n; i++) items.push(this.read(depth + 1));
    return { type: "array", items, offset };
  }
  #map(n: number, offset: number, depth: number): MsgpackNode {
    this.need(2 * n, `map of ${n} entr${n === 1 ? "y" : "ies"}`);
    const entries: [MsgpackNode, MsgpackNode][] = [];
    for (let i = 0; i < n; i++) {
      const k = this.read(depth + 1);
      const v = this.read(depth + 1);
      entries.push([k, v]);
    }
    return { type: "map", entries, offset };
  }
  #ext(n: number, offset: number): MsgpackNode {
    this.need(1, "ext type");
    const extType = this.#view.getInt8(this.pos++);
    return { type: "ext", extType, data: this.#take(n, "ext data"), offset };
  }

  read(depth: number): MsgpackNode {
    const offset = this.pos;
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    const b = this.#u8();
    if (b <= 0x7f) return { type: "int", value: b, unsigned: true, offset };
    if (b >= 0xe0) return { type: "int", value: b - 0x100, unsigned: false, offset };
    if (b >= 0x80 && b <= 0x8f) return this.#map(b & 0x0f, offset, depth);
    if (b >= 0x90 && b <= 0x9f) return this.#array(b & 0x0f, offset, depth);
    if (b >= 0xa0 && b <= 0xbf) return this.#str(b & 0x1f, offset);
    const v = this.#view;
    switch (b) {
      case 0xc0:
        return { type: "nil", offset };
      case 0xc2:
        return { type: "bool", value: false, offset };
      case 0xc3:
        return { type: "bool", value: true, offset };
      case 0xc4:
        return { type: "bin", value: this.#take(this.#u8(), "bin"), offset };
      case 0xc5:
        return { type: "bin", value: this.#take(this.#u16(), "bin"), offset };
      case 0xc6:
        return { type: "bin", value: this.#take(this.#u32(), "bin"), offset };
      case 0xc7:
        return this.#ext(this.#u8(), offset);
      case 0xc8:
        return this.#ext(this.#u16(), offset);
      case 0xc9:
        return this.#ext(this.#u32(), offset);
      case 0xca: {
        this.need(4, "float32");
        const value = v.getFloat32(this.pos);
        this.pos += 4;
        return { type: "float32", value, offset };
      }
      case 0xcb: {
        this.need(8, "float64");
        const value = v.getFloat64(this.pos);
        this.pos += 8;
        return { type: "float64", value, offset };
      }
      case 0xcc:
        return { type: "int", value: this.#u8(), unsigned: true, offset };
      case 0xcd:
        return { type: "int", value: this.#u16(), unsigned: true, offset };
      case 0xce:
        return { type: "int", value: this.#u32(), unsigned: true, offset };
      case 0xcf: {
        this.need(8, "uint64");
        const value = narrow(v.getBigUint64(this.pos));
        this.pos += 8;
        return { type: "int", value, unsigned: true, offset };
      }
      case 0xd0: {
        this.need(1, "int8");
        return { type: "int", value: v.getInt8(this.pos++), unsigned: false, offset };
      }
      case 0xd1: {
        this.need(2, "int16");
        const value = v.getInt16(this.pos);
        this.pos += 2;
        return { type: "int", value, unsigned: false, offset };
      }
      case 0xd2: {
        this.need(4, "int32");
        const value = v.getInt32(this.pos);
        this.pos += 4;
        return { type: "int", value, unsigned: false, offset };
      }
      case 0xd3: {
        this.need(8, "int64");
        const value = narrow(v.getBigInt64(this.pos));
        this.pos += 8;
        return { type: "int", value, unsigned: false, offset };
      }
      case 0xd4:
        return this.#ext(1, offset);
      case 0xd5:
        return this.#ext(2, offset);
      case 0xd6:
        return this.#ext(4, offset);
      case 0xd7:
        return this.#ext(8, offset);
      case 0xd8:
        return this.#ext(16, offset);
      case 0xd9:
        return this.#str(this.#u8(), offset);
      case 0xda:
        return this.#str(this.#u16(), offset);
      case 0xdb:
        return this.#str(this.#u32(), offset);
      case 0xdc:
        return this.#array(this.#u16(), offset, depth);
      case 0xdd:
        return this.#array(this.#u32(), offset, depth);
      case 0xde:
        return this.#map(this.#u16(), offset, depth);
      case 0xdf:
        return this.#map(this.#u32(), offset, depth);
      default: // 0xc1
        return this.fail(`reserved MessagePack byte 0x${b.toString(16)}`, offset);
    }
  }
}

/** Describe a node's wire type for error messages. */
export function describeNode(node: MsgpackNode): string {
  switch (node.type) {
    case "int":
      return `integer ${node.value}`;
    case "float32":
    case "float64":
      return `${node.type} ${node.value}`;
    case "str":
      return `string ${JSON.stringify(node.value)}`;
    case "bool":
      return `bool ${node.value}`;
    case "bin":
      return `bin (${node.value.length} bytes)`;
    case "array":
      return `array(${node.items.length})`;
    case "map":
      return `map(${node.entries.length})`;
    case "ext":
      return `ext type ${node.extType}`;
    default:
      return node.type;
  }
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

/** Appends minimal-width MessagePack to a growing buffer. */
export class MsgpackWriter {
  #buf = new Uint8Array(64);
  #view = new DataView(this.#buf.buffer);
  #len = 0;
  readonly #enc = new TextEncoder();

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#len++] = b;
  }
  #u16(v: number): void {
    this.#ensure(2);
    this.#view.setUint16(this.#len, v);
    this.#len += 2;
  }
  #u32(v: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#len, v);
    this.#len += 4;
  }
  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  nil(): void {
    this.byte(0xc0);
  }
  bool(v: boolean): void {
    this.byte(v ? 0xc3 : 0xc2);
  }
  float64(v: number): void {
    this.byte(0xcb);
    this.#ensure(8);
    this.#view.setFloat64(this.#len, v);
    this.#len += 8;
  }
  float32(v: number): void {
    this.byte(0xca);
    this.#ensure(4);
    this.#view.setFloat32(this.#len, v);
    this.#len += 4;
  }

  /** An integer (safe-integer number or bigint) in its narrowest form. */
  int(value: number | bigint): void {
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) {
        throw new EncodeError(`Cannot write ${value} as a MessagePack integer`);
      }
      if (value >= 0) {
        if (value < 0x80) return this.byte(value);
        if (value < 0x100) return this.byte(0xcc), this.byte(value);
        if (value < 0x10000) return this.byte(0xcd), this.#u16(value);
        if (value < 0x100000000) return this.byte(0xce), this.#u32(value);
      } else {
        if (value >= -32) return this.byte(value + 0x100);
        if (value >= -0x80) return this.byte(0xd0), this.byte(value & 0xff);
        if (value >= -0x8000) {
          this.byte(0xd1);
          this.#ensure(2);
          this.#view.setInt16(this.#len, value);
          this.#len += 2;
          return;
        }
        if (value >= -0x80000000) {
          this.byte(0xd2);
          this.#ensure(4);
          this.#view.setInt32(this.#len, value);
          this.#len += 4;
          return;
        }
      }
      return this.int(BigInt(value));
    }
    if (value > U64_MAX || value < I64_MIN) {
      throw new EncodeError(`Integer ${value} does not fit MessagePack int64/uint64`);
    }
    if (value >= -0x80000000n && value < 0x100000000n) return this.int(Number(value));
    this.#ensure(9);
    if (value >= 0n) {
      this.byte(0xcf);
      this.#view.setBigUint64(this.#len, value);
    } else {
      this.byte(0xd3);
      this.#view.setBigInt64(this.#len, value);
    }
    this.#len += 8;
  }

  str(s: string): void {
    const bytes = this.#enc.encode(s);
    const n = bytes.length;
    if (n < 32) this.byte(0xa0 | n);
    else if (n < 0x100) this.byte(0xd9), this.byte(n);
    else if (n < 0x10000) this.byte(0xda), this.#u16(n);
    else this.byte(0xdb), this.#u32(n);
    this.raw(bytes);
  }

  bin(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n < 0x100) this.byte(0xc4), this.byte(n);
    else if (n < 0x10000) this.byte(0xc5), this.#u16(n);
    else this.byte(0xc6), this.#u32(n);
    this.raw(bytes);
  }

  arrayHeader(n: number): void {
    if (n < 16) this.byte(0x90 | n);
    else if (n < 0x10000) this.byte(0xdc), this.#u16(n);
    else this.byte(0xdd), this.#u32(n);
  }

  mapHeader(n: number): void {
    if (n < 16) this.byte(0x80 | n);
    else if (n < 0x10000) this.byte(0xde), this.#u16(n);
    else this.byte(0xdf), this.#u32(n);
  }

  ext(extType: number, data: Uint8Array): void {
    const n = data.length;
    const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
    const f = fixed[n];
    if (f !== undefined) this.byte(f);
    else if (n < 0x100) this.byte(0xc7), this.byte(n);
    else if (n < 0x10000) this.byte(0xc8), this.#u16(n);
    else this.byte(0xc9), this.#u32(n);
    this.byte(extType & 0xff);
    this.raw(data);
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** The bytes written so far, as a view of the buffer: valid until the next write or `reset`. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** Start again at length 0, keeping the buffer (a writer reused for many small values). */
  reset(): void {
    this.#len = 0;
  }
}
