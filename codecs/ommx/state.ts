/**
 * Fast readers/writers for `map<uint64, double>` messages: `ommx.v1.State`
 * and `ommx.v1.Parameters` (both hold their map in field 1).
 *
 * @module
 */

import { DecodeError } from "../../core/errors.ts";
import { WIRE_I64, WIRE_VARINT, WireReader } from "./_wire.ts";

/**
 * Read the body of a `State`/`Parameters` message (fast path). Missing entry
 * keys/values default to 0; the last duplicate key wins.
 *
 * @param r A reader bounded to the message.
 * @param out The map to fill.
 * @returns `out`.
 */
export function readStateBody(
  r: WireReader,
  out: Map<number, number> = new Map(),
): Map<number, number> {
  while (!r.done()) {
    const tag = r.tag();
    if (tag === 0x0a) readU64DoubleEntry(r, out);
    else r.skip(tag & 7);
  }
  return out;
}

/**
 * Read one length-delimited `map<uint64, double>` entry into `out`.
 *
 * @param r A reader positioned at the entry's length prefix.
 * @param out The map to fill.
 */
export function readU64DoubleEntry(r: WireReader, out: Map<number, number>): void {
  const saved = r.enter();
  let key = 0;
  let value = 0;
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x08) key = r.uint();
    else if (t === 0x11) value = r.double();
    else if (
      (t >>> 3 === 1 && (t & 7) !== WIRE_VARINT) || (t >>> 3 === 2 && (t & 7) !== WIRE_I64)
    ) {
      throw new DecodeError(`bad wire type in map<uint64, double> entry`);
    } else r.skip(t & 7);
  }
  r.leave(saved);
  out.set(key, value);
}

/**
 * Decode `ommx.v1.State` bytes to a map (fast path).
 *
 * @param bytes The message bytes.
 * @returns Variable ID → value.
 *
 * @example
 * ```ts
 * import { decodeState, encodeState } from "./state.ts";
 * import assert from "node:assert/strict";
 * const m = new Map([[1, 0.5], [7, 2]]);
 * assert.deepEqual(decodeState(encodeState(m)), m);
 * ```
 */
export function decodeState(bytes: Uint8Array): Map<number, number> {
  return readStateBody(new WireReader(bytes));
}

/**
 * Encode a map as `ommx.v1.State` (or `Parameters`) bytes, keys ascending,
 * every entry with both key and value written.
 *
 * @param state ID → value.
 * @returns The message bytes.
 */
export function encodeState(state: ReadonlyMap<number, number>): Uint8Array {
  const keys = [...state.keys()].sort((a, b) => a - b);
  const w = new WireWriter(keys.length * 14 + 16);
  for (const k of keys) {
    const kl = varintLength(k);
    w.byte(0x0a);
    w.varint(1 + kl + 9);
    w.byte(0x08);
    w.varint(k);
    w.byte(0x11);
    w.double(state.get(k)!);
  }
  return w.finish();
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
