/**
 * MessagePack to and from plain JavaScript values, strict on input (exactly
 * one value, no trailing bytes) and minimal-width on output (the headers the
 * Rust core's `rmpv` writer picks; floats always as float64 `0xcb`).
 *
 * @module
 */

import { EncodeError, InvalidArgumentError } from "../../core/errors.ts";
import { PyFloat } from "../py_float.ts";
import { type MsgpackNode, MsgpackReader, MsgpackWriter } from "./_wire.ts";

/**
 * A MessagePack extension value (type code and raw data), kept as is.
 *
 * @example
 * ```ts
 * import { MsgpackExt } from "./msgpack.ts";
 * import assert from "node:assert/strict";
 *
 * const ext = new MsgpackExt(-1, new Uint8Array(4));
 * assert.equal(ext.type, -1);
 * ```
 */
export class MsgpackExt {
  /** The extension type code, −128..127. */
  readonly type: number;
  /** The extension payload. */
  readonly data: Uint8Array;
  /**
   * Create an extension value.
   *
   * @param type The type code (−128..127).
   * @param data The payload.
   */
  constructor(type: number, data: Uint8Array) {
    if (!Number.isInteger(type) || type < -128 || type > 127) {
      throw new InvalidArgumentError(`MessagePack ext type must be in -128..127, got ${type}`);
    }
    this.type = type;
    this.data = data;
  }
}

/** Options of {@linkcode decodeMsgpack}. */
export interface DecodeMsgpackOptions {
  /**
   * Return floats as {@linkcode PyFloat} so that re-encoding keeps them
   * floats even when integer-valued.
   *
   * @default {false}
   */
  preserveFloats?: boolean;
  /**
   * Maximum nesting depth.
   *
   * @default {1000}
   */
  maxDepth?: number;
  /** What is being decoded, for error messages. */
  subject?: string;
}

function toValue(node: MsgpackNode, preserveFloats: boolean): unknown {
  switch (node.type) {
    case "nil":
      return null;
    case "bool":
    case "int":
    case "str":
    case "bin":
      return node.value;
    case "float32":
    case "float64":
      return preserveFloats ? new PyFloat(node.value) : node.value;
    case "ext":
      return new MsgpackExt(node.extType, node.data);
    case "array":
      return node.items.map((n) => toValue(n, preserveFloats));
    case "map": {
      if (node.entries.every(([k]) => k.type === "str")) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of node.entries) {
          Object.defineProperty(out, (k as { value: string }).value, {
            value: toValue(v, preserveFloats),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      const map = new Map<unknown, unknown>();
      for (const [k, v] of node.entries) {
        map.set(toValue(k, preserveFloats), toValue(v, preserveFloats));
      }
      return map;
    }
  }
}

/**
 * Decode exactly one MessagePack value spanning all of `bytes`.
 *
 * nil → `null`; integers → `number`, or `bigint` outside ±(2^53−1); floats →
 * `number` (or {@linkcode PyFloat}); str → `string` (invalid UTF-8 is an
 * error); bin → `Uint8Array`; arrays → arrays; maps whose keys are all
 * strings → plain objects (later duplicates win), other maps → `Map`; ext →
 * {@linkcode MsgpackExt}.
 *
 * @param bytes The MessagePack bytes.
 * @param options Float preservation, depth limit, subject for messages.
 * @returns The value.
 * @throws {DecodeError} On truncated or malformed input, or trailing bytes.
 *
 * @example
 * ```ts
 * import { decodeMsgpack } from "./msgpack.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodeMsgpack(new Uint8Array([0x81, 0xa1, 0x61, 0x92, 0x01, 0xc3])), { a: [1, true] });
 * assert.throws(() => decodeMsgpack(new Uint8Array([0x92, 0x01])), { code: "DECODE_ERROR" });
 * ```
 */
export function decodeMsgpack(bytes: Uint8Array, options: DecodeMsgpackOptions = {}): unknown {
  const reader = new MsgpackReader(bytes, options.subject ?? "MessagePack", options.maxDepth);
  return toValue(reader.readSingle(), options.preserveFloats ?? false);
}

function writeValue(w: MsgpackWriter, value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case "boolean":
      return w.bool(value);
    case "string":
      return w.str(value);
    case "bigint":
      try {
        return w.int(value);
      } catch {
        throw new EncodeError(`Integer ${value} at ${path} does not fit MessagePack int64/uint64`);
      }
    case "number":
      if (Number.isInteger(value) && !Object.is(value, -0)) {
        if (Number.isSafeInteger(value)) return w.int(value);
        const big = BigInt(value);
        if (big >= -(1n << 63n) && big < (1n << 64n)) return w.int(big);
      }
      return w.float64(value);
    case "object":
      break;
    default:
      throw new EncodeError(`Cannot encode ${typeof value} at ${path} as MessagePack`);
  }
  if (value === null) return w.nil();
  if (value instanceof PyFloat) return w.float64(value.value);
  if (value instanceof Uint8Array) return w.bin(value);
  if (value instanceof MsgpackExt) return w.ext(value.type, value.data);
  if (seen.has(value)) throw new EncodeError(`Circular reference at ${path}`);
  seen.add(value);
  if (Array.isArray(value)) {
    w.arrayHeader(value.length);
    value.forEach((item, i) => writeValue(w, item, `${path}[${i}]`, seen));
  } else if (value instanceof Map) {
    w.mapHeader(value.size);
    for (const [k, v] of value) {
      writeValue(w, k, `${path}<key>`, seen);
      writeValue(w, v, `${path}.${String(k)}`, seen);
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw new EncodeError(`Cannot encode ${name} at ${path} as MessagePack`);
    }
    const entries = Object.entries(value);
    w.mapHeader(entries.length);
    for (const [k, v] of entries) {
      w.str(k);
      writeValue(w, v, `${path}.${k}`, seen);
    }
  }
  seen.delete(value);
}

/**
 * Encode a value as MessagePack with minimal-width headers.
 *
 * Integer rule (as everywhere in ommx-ts): `bigint` and integer-valued
 * `number`s are integers (unsigned forms for ≥ 0, signed for < 0); other
 * numbers, `-0` and {@linkcode PyFloat} are float64 (`0xcb`). Strings are
 * str, `Uint8Array` is bin, plain objects and `Map`s are maps (insertion
 * order kept), {@linkcode MsgpackExt} is ext.
 *
 * @param value The value.
 * @returns The bytes.
 * @throws {EncodeError} On values MessagePack cannot hold (undefined, functions, cycles, class instances, integers beyond 64 bits).
 *
 * @example
 * ```ts
 * import { encodeMsgpack } from "./msgpack.ts";
 * import { pyFloat } from "../py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...encodeMsgpack([300, -5, pyFloat(1)])], [0x93, 0xcd, 0x01, 0x2c, 0xfb, 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
 * ```
 */
export function encodeMsgpack(value: unknown): Uint8Array {
  const w = new MsgpackWriter();
  writeValue(w, value, "$", new Set());
  return w.finish();
}
