/**
 * The protobuf wire format for the hand-written fast paths (functions,
 * states, sampled values and the root readers/writers): a minimal,
 * allocation-free reader and a growable writer.
 *
 * Unlike the generic reader, varints are returned as plain `number`s: IDs above
 * `Number.MAX_SAFE_INTEGER` are rejected with an {@linkcode UnsupportedError}
 * instead of paying for `bigint` on every read.
 *
 * @module
 */

import { DecodeError, UnsupportedError } from "../../core/errors.ts";

/** Protobuf wire types. */
export const WIRE_VARINT = 0;
/** 64-bit fixed wire type. */
export const WIRE_I64 = 1;
/** Length-delimited wire type. */
export const WIRE_LEN = 2;
/** 32-bit fixed wire type. */
export const WIRE_I32 = 5;

const TEXT = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads protobuf wire data from a byte array.
 *
 * @example Read one varint field
 * ```ts
 * import { WireReader } from "./_wire.ts";
 * import assert from "node:assert/strict";
 *
 * const r = new WireReader(new Uint8Array([0x08, 0x96, 0x01]));
 * assert.equal(r.tag(), 8); // field 1, wire type 0
 * assert.equal(r.uint(), 150);
 * assert.ok(r.done());
 * ```
 */
export class WireReader {
  /** The bytes being read. */
  readonly buf: Uint8Array;
  /** Current read position. */
  pos: number;
  /** End position (exclusive) of the current message. */
  end: number;
  readonly #view: DataView;

  /**
   * @param buf The bytes to read.
   * @param start First byte to read.
   * @param end End (exclusive); defaults to the end of `buf`.
   */
  constructor(buf: Uint8Array, start = 0, end: number = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Whether the current message is exhausted.
   *
   * @returns `true` when no bytes remain before {@linkcode WireReader.end}.
   */
  done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * Read a tag (`fieldNo << 3 | wireType`).
   *
   * @returns The raw tag value.
   */
  tag(): number {
    const t = this.uint();
    if (t >>> 3 === 0) throw new DecodeError(`invalid protobuf tag ${t} at offset ${this.pos}`);
    return t;
  }

  /**
   * Read an unsigned varint as a safe integer.
   *
   * @returns The value.
   */
  uint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw new DecodeError(`truncated varint at offset ${pos}`);
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 10; i++) {
      if (pos >= this.end) throw new DecodeError(`truncated varint at offset ${this.pos}`);
      b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        if (result > Number.MAX_SAFE_INTEGER) {
          throw new UnsupportedError(`integer ${result} exceeds 2^53-1 (IDs are JS numbers)`);
        }
        return result;
      }
      mul *= 0x80;
    }
    throw new DecodeError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /**
   * Read an `int64` varint (two's complement) as a safe integer.
   *
   * @returns The value (negative values supported).
   */
  int(): number {
    const start = this.pos;
    const buf = this.buf;
    // Negative int64 values take 10 bytes; decode with bigint only then.
    let pos = start;
    while (pos < this.end && buf[pos]! >= 0x80) pos++;
    if (pos - start < 7) return this.uint();
    let v = 0n;
    let shift = 0n;
    pos = start;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw new DecodeError(`truncated varint at offset ${start}`);
      const b = buf[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) break;
    }
    this.pos = pos;
    const n = Number(BigInt.asIntN(64, v));
    if (!Number.isSafeInteger(n)) throw new UnsupportedError(`int64 ${v} is not a safe integer`);
    return n;
  }

  /**
   * Read a little-endian double.
   *
   * @returns The value.
   */
  double(): number {
    if (this.pos + 8 > this.end) throw new DecodeError(`truncated double at offset ${this.pos}`);
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * Read a length prefix and return the end offset of the delimited bytes.
   *
   * @returns The exclusive end offset.
   */
  delimitedEnd(): number {
    const len = this.uint();
    const end = this.pos + len;
    if (end > this.end) {
      throw new DecodeError(`length ${len} overruns message at offset ${this.pos}`);
    }
    return end;
  }

  /**
   * Read length-delimited bytes (a view, not a copy).
   *
   * @returns The bytes.
   */
  bytes(): Uint8Array {
    const end = this.delimitedEnd();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /**
   * Read a UTF-8 string (invalid UTF-8 is a decode error).
   *
   * @returns The string.
   */
  string(): string {
    const b = this.bytes();
    try {
      return TEXT.decode(b);
    } catch (e) {
      throw new DecodeError(`invalid UTF-8 in string field`, { cause: e });
    }
  }

  /**
   * Skip one value of the given wire type.
   *
   * @param wireType The wire type of the value to skip.
   */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        while (this.pos < this.end && this.buf[this.pos]! >= 0x80) this.pos++;
        this.pos++;
        break;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.delimitedEnd();
        break;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new DecodeError(`unsupported wire type ${wireType} at offset ${this.pos}`);
    }
    if (this.pos > this.end) throw new DecodeError(`truncated field at offset ${this.pos}`);
  }

  /**
   * Read a repeated unsigned varint field, packed or not.
   *
   * @param wireType The wire type of the current field.
   * @param out The array to append to.
   */
  packedUints(wireType: number, out: number[]): void {
    if (wireType === WIRE_VARINT) {
      out.push(this.uint());
      return;
    }
    expectWire(wireType, WIRE_LEN);
    const end = this.delimitedEnd();
    const buf = this.buf;
    let pos = this.pos;
    while (pos < end) {
      let b = buf[pos++]!;
      if (b < 0x80) {
        out.push(b);
        continue;
      }
      let v = b & 0x7f;
      let mul = 0x80;
      for (;;) {
        if (pos >= end) throw new DecodeError(`truncated packed varint at offset ${pos}`);
        b = buf[pos++]!;
        v += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 0x80;
        if (mul > 2 ** 63) throw new DecodeError(`varint longer than 10 bytes at offset ${pos}`);
      }
      if (v > Number.MAX_SAFE_INTEGER) {
        throw new UnsupportedError(`integer ${v} exceeds 2^53-1 (IDs are JS numbers)`);
      }
      out.push(v);
    }
    this.pos = end;
  }

  /**
   * Read a repeated int64 field, packed or not.
   *
   * @param wireType The wire type of the current field.
   * @param out The array to append to.
   */
  packedInts(wireType: number, out: number[]): void {
    if (wireType === WIRE_VARINT) {
      out.push(this.int());
      return;
    }
    expectWire(wireType, WIRE_LEN);
    const end = this.delimitedEnd();
    const saved = this.end;
    this.end = end;
    while (this.pos < end) out.push(this.int());
    this.end = saved;
  }

  /**
   * Read a repeated double field, packed or not.
   *
   * @param wireType The wire type of the current field.
   * @param out The array to append to.
   */
  packedDoubles(wireType: number, out: number[]): void {
    if (wireType === WIRE_I64) {
      out.push(this.double());
      return;
    }
    expectWire(wireType, WIRE_LEN);
    const end = this.delimitedEnd();
    if ((end - this.pos) % 8 !== 0) {
      throw new DecodeError(`packed doubles length not a multiple of 8`);
    }
    const view = this.#view;
    for (let pos = this.pos; pos < end; pos += 8) out.push(view.getFloat64(pos, true));
    this.pos = end;
  }

  /**
   * Enter a length-delimited sub-message; returns the saved end to pass to
   * {@linkcode WireReader.leave}.
   *
   * @returns The end of the enclosing message.
   */
  enter(): number {
    const end = this.delimitedEnd();
    const saved = this.end;
    this.end = end;
    return saved;
  }

  /**
   * Leave a sub-message entered with {@linkcode WireReader.enter}.
   *
   * @param savedEnd The value `enter` returned.
   */
  leave(savedEnd: number): void {
    if (this.pos !== this.end) throw new DecodeError(`sub-message overrun at offset ${this.pos}`);
    this.end = savedEnd;
  }
}

/**
 * Throw a {@linkcode DecodeError} when a field has an unexpected wire type.
 *
 * @param actual The wire type found.
 * @param expected The wire type required.
 */
export function expectWire(actual: number, expected: number): void {
  if (actual !== expected) {
    throw new DecodeError(`unexpected wire type ${actual} (expected ${expected})`);
  }
}

/**
 * Number of bytes a varint takes.
 *
 * @param n A non-negative safe integer.
 * @returns Its varint length.
 */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** A tiny growable protobuf writer for the fast encoders. */
export class WireWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** @param capacity Initial capacity in bytes. */
  constructor(capacity = 1024) {
    this.#buf = new Uint8Array(capacity);
    this.#view = new DataView(this.#buf.buffer);
  }
  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  /** @param b One byte. */
  byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = b;
  }
  /** @param n A non-negative safe integer. */
  varint(n: number): void {
    this.#ensure(10);
    while (n >= 0x80) {
      this.#buf[this.#pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.#buf[this.#pos++] = n;
  }
  /** @param v A double (little-endian). */
  double(v: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }
  /** @param bytes Raw bytes. */
  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }
  /** @returns The written bytes. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}
