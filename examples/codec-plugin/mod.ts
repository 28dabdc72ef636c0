/**
 * A third-party attachment codec for NumPy `.npy` arrays
 * (`application/x-npy`), built on the {@linkcode AttachmentCodec} contract of
 * `@ommx-ts/experiment`.
 *
 * Python users attach arrays with `numpy.save`; this codec reads them back in
 * TypeScript as `{ dtype, shape, data }` with `data` a typed array in C
 * (row-major) order, and writes arrays that `numpy.load` reads. Supported:
 * NPY format versions 1.0, 2.0 and 3.0; little- and big-endian `float64`,
 * `float32`, `int64`, `int32`, `uint8` and `bool`. Fortran-ordered arrays of
 * two or more dimensions, structured arrays and other dtypes are rejected with
 * an `UnsupportedError` (code `UNSUPPORTED`); malformed bytes with a
 * `DecodeError` (code `DECODE_ERROR`).
 *
 * Register it once and every attachment of that media type decodes to an
 * {@linkcode NpyArray}: pass `defaultCodecs.with(npyCodec)` to
 * `openExperiment`, or read one attachment with `getWithCodec(npyCodec, name)`.
 *
 * @example Record a matrix and read it back
 * ```ts
 * import { npyCodec, toNested } from "./mod.ts";
 * import { createExperiment, defaultCodecs, experimentArchiveBytes, openExperiment } from "@ommx-ts/experiment";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperiment({ imageName: "example.com/npy/demo:v1" });
 * await builder.logWithCodec(npyCodec, "matrix", {
 *   dtype: "float64",
 *   shape: [2, 2],
 *   data: new Float64Array([1, 2, 3, 4]),
 * });
 * const bytes = await experimentArchiveBytes(await builder.commit());
 *
 * await using exp = await openExperiment(bytes, { codecs: defaultCodecs.with(npyCodec) });
 * const matrix = await exp.getWithCodec(npyCodec, "matrix");
 * assert.deepEqual(toNested(matrix), [[1, 2], [3, 4]]);
 * assert.deepEqual(await exp.getAttachment("matrix"), matrix);
 * ```
 *
 * @module
 */
import type { AttachmentCodec } from "@ommx-ts/experiment/codecs";
import { DecodeError, EncodeError, UnsupportedError } from "@ommx-ts/experiment";

export type { AttachmentCodec };

/** The media type of `.npy` attachments. */
export const NPY_MEDIA_TYPE = "application/x-npy";

/** The element types this codec reads and writes. */
export type NpyDtype = "float64" | "float32" | "int64" | "int32" | "uint8" | "bool";

/** The typed array holding each dtype's elements (`bool` as 0/1 bytes). */
export interface NpyDataTypes {
  /** IEEE 754 binary64. */
  float64: Float64Array;
  /** IEEE 754 binary32. */
  float32: Float32Array;
  /** Signed 64-bit integers, as `bigint`. */
  int64: BigInt64Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** Unsigned bytes. */
  uint8: Uint8Array;
  /** Booleans, one byte each, `0` or `1`. */
  bool: Uint8Array;
}

/**
 * An n-dimensional array: its dtype, its shape and its elements in C
 * (row-major) order. A 0-d array (`shape: []`) holds one element.
 *
 * @typeParam D The dtype; narrows `data` to the matching typed array.
 */
export interface NpyArray<D extends NpyDtype = NpyDtype> {
  /** The element type. */
  readonly dtype: D;
  /** The length of each axis. */
  readonly shape: readonly number[];
  /** The elements, C order; `data.length` is the product of `shape`. */
  readonly data: NpyDataTypes[D];
}

/** A decoded array of any supported dtype, narrowed by checking `dtype`. */
export type AnyNpyArray = { [D in NpyDtype]: NpyArray<D> }[NpyDtype];

interface DtypeInfo {
  readonly kind: "f" | "i" | "u" | "b";
  readonly size: number;
  readonly make: (buffer: ArrayBuffer, length: number) => NpyDataTypes[NpyDtype];
  readonly ctor: { readonly BYTES_PER_ELEMENT: number; readonly name: string };
}

const DTYPES: { readonly [D in NpyDtype]: DtypeInfo } = {
  float64: { kind: "f", size: 8, make: (b, n) => new Float64Array(b, 0, n), ctor: Float64Array },
  float32: { kind: "f", size: 4, make: (b, n) => new Float32Array(b, 0, n), ctor: Float32Array },
  int64: { kind: "i", size: 8, make: (b, n) => new BigInt64Array(b, 0, n), ctor: BigInt64Array },
  int32: { kind: "i", size: 4, make: (b, n) => new Int32Array(b, 0, n), ctor: Int32Array },
  uint8: { kind: "u", size: 1, make: (b, n) => new Uint8Array(b, 0, n), ctor: Uint8Array },
  bool: { kind: "b", size: 1, make: (b, n) => new Uint8Array(b, 0, n), ctor: Uint8Array },
};

const MAX_DIMENSIONS = 64; // NumPy's NPY_MAXDIMS
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// --- header parsing ---------------------------------------------------------------------------

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/** A tiny reader of the Python literals NumPy writes in `.npy` headers. */
class LiteralReader {
  #pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: malformed header: ${what} at offset ${this.#pos} in ${
        JSON.stringify(this.text.trimEnd())
      }`,
    );
  }

  skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.#pos >= this.text.length;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.#pos] ?? "";
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.#pos++;
  }

  value(depth = 0): PyValue {
    if (depth > 16) this.fail("nesting too deep");
    const ch = this.peek();
    if (ch === "'" || ch === '"') return this.string();
    if (ch === "{") return this.dict(depth);
    if (ch === "(") return this.sequence(")", depth);
    if (ch === "[") return this.sequence("]", depth);
    const word = /^(?:[+-]?\d+L?|True|False|None)/.exec(this.text.slice(this.#pos));
    if (word === null) this.fail("expected a Python literal");
    this.#pos += word[0].length;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    const n = Number(word[0].replace(/L$/, ""));
    if (!Number.isSafeInteger(n)) this.fail(`integer ${word[0]} out of range`);
    return n;
  }

  string(): string {
    const quote = this.text[this.#pos]!;
    const end = this.text.indexOf(quote, this.#pos + 1);
    if (end < 0) this.fail("unterminated string");
    const s = this.text.slice(this.#pos + 1, end);
    if (s.includes("\\")) this.fail("escape sequences are not supported in header strings");
    this.#pos = end + 1;
    return s;
  }

  sequence(close: ")" | "]", depth: number): PyValue[] {
    this.#pos++;
    const items: PyValue[] = [];
    while (this.peek() !== close) {
      items.push(this.value(depth + 1));
      if (this.peek() !== close) this.expect(",");
    }
    this.#pos++;
    return items;
  }

  dict(depth: number): Map<string, PyValue> {
    this.#pos++;
    const map = new Map<string, PyValue>();
    while (this.peek() !== "}") {
      const key = this.value(depth + 1);
      if (typeof key !== "string") this.fail("dictionary keys must be strings");
      if (map.has(key)) this.fail(`duplicate key '${key}'`);
      this.expect(":");
      map.set(key, this.value(depth + 1));
      if (this.peek() !== "}") this.expect(",");
    }
    this.#pos++;
    return map;
  }
}

/** The parsed header of an `.npy` file. */
export interface NpyHeader {
  /** The format version, e.g. `[1, 0]`. */
  readonly version: readonly [number, number];
  /** The dtype. */
  readonly dtype: NpyDtype;
  /** Whether the data is big-endian. */
  readonly bigEndian: boolean;
  /** The array shape. */
  readonly shape: readonly number[];
  /** The byte offset of the data (after magic, version, length and header). */
  readonly dataOffset: number;
}

function parseDescr(descr: PyValue): { dtype: NpyDtype; bigEndian: boolean } {
  if (typeof descr !== "string") {
    throw new UnsupportedError(
      `${NPY_MEDIA_TYPE}: structured dtypes are not supported (descr ${JSON.stringify(descr)})`,
    );
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const found = m === null ? undefined : (Object.keys(DTYPES) as NpyDtype[]).find((d) => {
    const info = DTYPES[d];
    return info.kind === m[2] && String(info.size) === m[3];
  });
  if (m === null || found === undefined) {
    throw new UnsupportedError(
      `${NPY_MEDIA_TYPE}: dtype '${descr}' is not supported (float64, float32, int64, int32, uint8, bool)`,
    );
  }
  const order = m[1];
  if (order === "=") {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: native byte order '=' in descr '${descr}' is ambiguous`,
    );
  }
  if (order === "|" && DTYPES[found].size !== 1) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: descr '${descr}' needs a byte order`);
  }
  return { dtype: found, bigEndian: order === ">" };
}

/**
 * Parse the preamble and header of `.npy` bytes (format versions 1.0, 2.0,
 * 3.0) without reading the data.
 *
 * @param bytes The `.npy` bytes (at least the whole header).
 * @returns The version, dtype, byte order, shape and data offset.
 * @throws {DecodeError} On a bad magic string, version, header length or header literal.
 * @throws {UnsupportedError} On `fortran_order: True` with two or more dimensions (a 0-d or 1-d
 *   array has the same layout in both orders, so it is read), or a dtype outside {@linkcode NpyDtype}.
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpyHeader } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy({ dtype: "int32", shape: [3], data: new Int32Array([1, 2, 3]) });
 * const header = parseNpyHeader(bytes);
 * assert.deepEqual(header.shape, [3]);
 * assert.equal(header.dtype, "int32");
 * assert.equal(header.dataOffset % 64, 0);
 * assert.throws(() => parseNpyHeader(new Uint8Array(4)), { code: "DECODE_ERROR" });
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: expected a Uint8Array`);
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: missing the \\x93NUMPY magic string`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: unknown format version ${major}.${minor}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthSize) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: truncated before the header length`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthSize + headerLength;
  if (dataOffset > bytes.length) {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: header length ${headerLength} runs past the end (${bytes.length} bytes)`,
    );
  }
  const raw = bytes.subarray(8 + lengthSize, dataOffset);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(raw);
  } catch (cause) {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: header is not valid UTF-8`, { cause });
  }
  const reader: LiteralReader = new LiteralReader(text);
  const dict = reader.value();
  if (!reader.atEnd()) reader.fail("trailing characters after the dictionary");
  if (!(dict instanceof Map)) reader.fail("the header is not a dictionary");
  const keys = [...dict.keys()].sort();
  if (keys.join(",") !== "descr,fortran_order,shape") {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: header keys must be descr, fortran_order, shape; got ${keys.join(", ")}`,
    );
  }
  const fortran = dict.get("fortran_order");
  if (typeof fortran !== "boolean") {
    throw new DecodeError(`${NPY_MEDIA_TYPE}: fortran_order must be True or False`);
  }
  const shape = dict.get("shape");
  if (!Array.isArray(shape) || !shape.every((n) => typeof n === "number" && n >= 0)) {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: shape must be a tuple of non-negative integers, got ${text.trim()}`,
    );
  }
  const { dtype, bigEndian } = parseDescr(dict.get("descr")!);
  if (fortran && shape.length > 1) {
    throw new UnsupportedError(
      `${NPY_MEDIA_TYPE}: Fortran-ordered arrays are not supported (shape (${shape.join(", ")}))`,
    );
  }
  return { version: [major, minor], dtype, bigEndian, shape: shape as number[], dataOffset };
}

// --- decode -----------------------------------------------------------------------------------

/**
 * Decode `.npy` bytes into an array in C order.
 *
 * The data is copied, so the result never aliases `bytes` and its typed
 * array is aligned; big-endian data is byte-swapped.
 *
 * @param bytes The `.npy` bytes.
 * @returns The array.
 * @throws {DecodeError} On malformed bytes, or a data length that differs from the shape's.
 * @throws {UnsupportedError} On a Fortran-ordered array of two or more dimensions, or an unsupported dtype.
 *
 * @example
 * ```ts
 * import { decodeNpy, encodeNpy } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy({ dtype: "float32", shape: [2], data: new Float32Array([0.5, -1]) });
 * const array = decodeNpy(bytes);
 * assert.equal(array.dtype, "float32");
 * assert.deepEqual([...array.data], [0.5, -1]);
 * assert.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 1)), { code: "DECODE_ERROR" });
 * ```
 */
export function decodeNpy(bytes: Uint8Array): AnyNpyArray {
  const header = parseNpyHeader(bytes);
  const info = DTYPES[header.dtype];
  const count = header.shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - header.dataOffset;
  if (count * info.size !== available) {
    throw new DecodeError(
      `${NPY_MEDIA_TYPE}: shape (${header.shape.join(", ")}) of ${header.dtype} needs ${
        count * info.size
      } data bytes, found ${available}`,
    );
  }
  const copy = bytes.slice(header.dataOffset);
  if (info.size > 1 && header.bigEndian === HOST_LITTLE_ENDIAN) {
    for (let off = 0; off < copy.length; off += info.size) {
      copy.subarray(off, off + info.size).reverse();
    }
  }
  const data = info.make(copy.buffer, count);
  if (header.dtype === "bool") {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) {
      throw new DecodeError(`${NPY_MEDIA_TYPE}: bool element ${bad} is ${data[bad]}, not 0 or 1`);
    }
  }
  return { dtype: header.dtype, shape: header.shape, data } as AnyNpyArray;
}

// --- encode -----------------------------------------------------------------------------------

function headerText(descr: string, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
}

/**
 * Encode an array as `.npy` bytes: little-endian, C order, format 1.0, header
 * padded so the data starts on a 64-byte boundary: the bytes `numpy.save`
 * writes for the same array.
 *
 * @param array The array; `data.length` must be the product of `shape`.
 * @returns The `.npy` bytes.
 * @throws {EncodeError} On an unknown dtype, a typed array that does not match the dtype, a bad shape (more than 64 dimensions included) or a bool element other than 0/1.
 *
 * @example
 * ```ts
 * import { encodeNpy } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy({ dtype: "int32", shape: [2, 2], data: new Int32Array([1, 2, 3, 4]) });
 * assert.equal(bytes.length, 128 + 16); // numpy.save pads the header to 128 bytes too
 * assert.equal(new TextDecoder().decode(bytes.subarray(1, 6)), "NUMPY");
 * assert.throws(
 *   () => encodeNpy({ dtype: "int32", shape: [3], data: new Int32Array([1, 2]) }),
 *   { code: "ENCODE_ERROR" },
 * );
 * ```
 */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array ?? ({} as NpyArray);
  const info = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (info === undefined) {
    throw new EncodeError(`${NPY_MEDIA_TYPE}: unsupported dtype ${JSON.stringify(dtype)}`);
  }
  if (!(data instanceof (info.ctor as unknown as typeof Uint8Array))) {
    throw new EncodeError(
      `${NPY_MEDIA_TYPE}: dtype ${dtype} needs a ${info.ctor.name}, got ${
        (data as object | undefined)?.constructor?.name ?? typeof data
      }`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new EncodeError(`${NPY_MEDIA_TYPE}: shape must be an array of non-negative integers`);
  }
  if (shape.length > MAX_DIMENSIONS) {
    throw new EncodeError(
      `${NPY_MEDIA_TYPE}: ${shape.length} dimensions, NumPy reads at most ${MAX_DIMENSIONS}`,
    );
  }
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  if (count !== data.length) {
    throw new EncodeError(
      `${NPY_MEDIA_TYPE}: shape [${
        shape.join(", ")
      }] holds ${count} elements, data has ${data.length}`,
    );
  }
  if (dtype === "bool") {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) throw new EncodeError(`${NPY_MEDIA_TYPE}: bool element ${bad} is not 0 or 1`);
  }
  const descr = info.size === 1 ? `|${info.kind}1` : `<${info.kind}${info.size}`;
  // As NumPy: room for the first axis to grow to 21 digits in place, then
  // spaces and a final newline so the data starts on a 64-byte boundary. With
  // at most 64 dimensions the header always fits version 1.0's 16-bit length.
  const growth = shape.length === 0 ? 0 : Math.max(0, 21 - String(shape[0]).length);
  const unpadded = headerText(descr, shape) + " ".repeat(growth);
  const text = unpadded + " ".repeat(63 - ((10 + unpadded.length) % 64)) + "\n";
  const out = new Uint8Array(10 + text.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  const body = out.subarray(10 + text.length);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (info.size > 1 && !HOST_LITTLE_ENDIAN) {
    for (let off = 0; off < body.length; off += info.size) {
      body.subarray(off, off + info.size).reverse();
    }
  }
  return out;
}

// --- helpers ----------------------------------------------------------------------------------

/**
 * The array as nested JavaScript arrays (like NumPy's `tolist()`): numbers,
 * `bigint` for `int64`, booleans for `bool`; a 0-d array gives its element.
 *
 * @param array The array.
 * @returns Nested arrays, one level per axis.
 *
 * @example
 * ```ts
 * import { toNested } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const m = { dtype: "int32" as const, shape: [2, 3], data: new Int32Array([1, 2, 3, 4, 5, 6]) };
 * assert.deepEqual(toNested(m), [[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(toNested({ dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) }), [true, false]);
 * ```
 */
export function toNested(array: NpyArray): unknown {
  const { shape, data } = array;
  const item = (i: number): unknown => array.dtype === "bool" ? data[i] === 1 : data[i];
  const build = (axis: number, offset: number, stride: number): unknown => {
    if (axis === shape.length) return item(offset);
    const n = shape[axis]!;
    const inner = stride / Math.max(n, 1);
    return Array.from({ length: n }, (_, k) => build(axis + 1, offset + k * inner, inner));
  };
  return build(0, 0, data.length);
}

/**
 * The `.npy` codec: register it with `defaultCodecs.with(npyCodec)` (or
 * `createCodecRegistry(defaultCodecs, npyCodec)`), log arrays with
 * `logWithCodec(npyCodec, name, array)`, read one with
 * `getWithCodec(npyCodec, name)`.
 *
 * @example
 * ```ts
 * import { npyCodec } from "./mod.ts";
 * import { createCodecRegistry } from "@ommx-ts/experiment/codecs";
 * import assert from "node:assert/strict";
 *
 * const registry = createCodecRegistry(npyCodec);
 * const bytes = await registry.encode("application/x-npy", {
 *   dtype: "uint8",
 *   shape: [3],
 *   data: new Uint8Array([7, 8, 9]),
 * });
 * const back = (await registry.decode("application/x-npy", bytes)) as { data: Uint8Array };
 * assert.deepEqual([...back.data], [7, 8, 9]);
 * ```
 */
export const npyCodec: AttachmentCodec<NpyArray> = {
  mediaType: NPY_MEDIA_TYPE,
  encode: encodeNpy,
  decode: decodeNpy,
};
