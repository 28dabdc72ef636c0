/**
 * A JSON parser that accepts what Python's `json.loads` accepts, including
 * the bare `NaN`, `Infinity` and `-Infinity` tokens Python's `json.dumps`
 * writes for non-finite floats.
 *
 * @module
 */

import { DecodeError } from "../../core/errors.ts";
import { PyFloat } from "../py_float.ts";

/**
 * A parsed JSON value. Integers outside the safe-integer range are `bigint`;
 * with `preserveFloats` floats are {@linkcode PyFloat}.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options of {@linkcode parsePythonJson}. */
export interface ParsePythonJsonOptions {
  /**
   * Return every float literal (with a fraction or exponent, or a
   * `NaN`/`Infinity` token) as a {@linkcode PyFloat}, so Python's int/float
   * distinction survives a round trip through
   * {@linkcode stringifyPythonJson}.
   *
   * @default {false}
   */
  preserveFloats?: boolean;
  /**
   * Maximum nesting depth of arrays and objects.
   *
   * @default {1000}
   */
  maxDepth?: number;
  /** What is being parsed, for error messages (e.g. `attachment "x"`). */
  subject?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** For runs of ASCII bytes only (where windows-1252 and ASCII agree). */
const ascii = new TextDecoder("latin1");

/**
 * Parse JSON text the way Python's `json.loads` does.
 *
 * Differences from `JSON.parse`: accepts `NaN`, `Infinity`, `-Infinity`
 * (outside strings only); integers beyond ±(2^53−1) become `bigint` instead
 * of losing precision, and an integer of more than 4300 digits is an error
 * (Python's `int` digit limit); a UTF-8 BOM is skipped when the input is
 * bytes (and is an error in a string, as in Python); duplicate keys keep the
 * last value at the first key's position; a `__proto__` key is an ordinary
 * own property.
 *
 * Bytes are parsed as they are, never decoded into one string first: a
 * document longer than the longest JavaScript string (about 512 M
 * characters) parses, and no copy of the input is made (only the values).
 *
 * @param input JSON text, or its UTF-8 bytes.
 * @param options Float preservation, depth limit, subject for messages.
 * @returns The parsed value.
 * @throws {DecodeError} On invalid UTF-8 or invalid JSON, with line, column and offset.
 *
 * @example
 * ```ts
 * import { parsePythonJson } from "./parse.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePythonJson('{"x": [NaN, -Infinity, "NaN"], "n": 12345678901234567890}'), {
 *   x: [NaN, -Infinity, "NaN"],
 *   n: 12345678901234567890n,
 * });
 * assert.throws(() => parsePythonJson("[1,]"), { code: "DECODE_ERROR" });
 * ```
 */
export function parsePythonJson(
  input: string | Uint8Array,
  options: ParsePythonJsonOptions = {},
): JsonValue {
  const subject = options.subject ?? "JSON";
  let bytes: Uint8Array;
  let start = 0;
  if (typeof input === "string") {
    if (input.charCodeAt(0) === 0xfeff) {
      throw new DecodeError(
        `${subject}: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)`,
      );
    }
    bytes = UTF8_ENCODER.encode(input);
  } else {
    bytes = input;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  }
  return new Parser(
    bytes,
    start,
    subject,
    options.preserveFloats ?? false,
    options.maxDepth ?? 1000,
  ).parseDocument();
}

/** One encoder for every string input (constructing one per call cost more than parsing `{}`). */
const UTF8_ENCODER = new TextEncoder();

/** Python's limit on the digits of an `int` parsed from text (`sys.get_int_max_str_digits()`). */
const MAX_INT_DIGITS = 4300;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

function matches(b: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Whether every byte of `b` forms valid UTF-8 (checked in pieces, never one big string). */
function validUtf8(b: Uint8Array): boolean {
  const d = new TextDecoder("utf-8", { fatal: true });
  try {
    for (let at = 0; at < b.length; at += 1 << 20) {
      d.decode(b.subarray(at, at + (1 << 20)), { stream: true });
    }
    d.decode();
    return true;
  } catch {
    return false;
  }
}

class Parser {
  pos: number;
  depth = 0;
  constructor(
    readonly b: Uint8Array,
    readonly start: number,
    readonly subject: string,
    readonly preserveFloats: boolean,
    readonly maxDepth: number,
  ) {
    this.pos = start;
  }

  fail(message: string, at: number = this.pos): never {
    // Python decodes the whole input before parsing: bad UTF-8 is reported first.
    if (!validUtf8(this.b.subarray(this.start))) {
      throw new DecodeError(`${this.subject}: invalid UTF-8`);
    }
    // Positions in UTF-16 code units of the decoded text, as JavaScript counts them.
    const b = this.b;
    let units = 0;
    let line = 1;
    let lastNewline = -1;
    for (let i = this.start; i < at && i < b.length; i++) {
      const c = b[i]!;
      if ((c & 0xc0) === 0x80) continue;
      if (c === 0x0a) {
        line++;
        lastNewline = units;
      }
      units += c >= 0xf0 ? 2 : 1;
    }
    throw new DecodeError(
      `${this.subject}: ${message}: line ${line} column ${units - lastNewline} (char ${units})`,
    );
  }

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  parseDocument(): JsonValue {
    if (
      this.b[this.pos] === 0xef && this.b[this.pos + 1] === 0xbb && this.b[this.pos + 2] === 0xbf
    ) {
      this.fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", this.pos);
    }
    this.ws();
    const value = this.value();
    this.ws();
    if (this.pos !== this.b.length) this.fail("Extra data");
    return value;
  }

  float(x: number): JsonValue {
    return this.preserveFloats ? new PyFloat(x) : x;
  }

  value(): JsonValue {
    const b = this.b;
    const p = this.pos;
    const c = b[p];
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case QUOTE:
        return this.string();
      case 0x6e: // n
        if (matches(b, p, "null")) {
          this.pos += 4;
          return null;
        }
        break;
      case 0x74: // t
        if (matches(b, p, "true")) {
          this.pos += 4;
          return true;
        }
        break;
      case 0x66: // f
        if (matches(b, p, "false")) {
          this.pos += 5;
          return false;
        }
        break;
      case 0x4e: // N
        if (matches(b, p, "NaN")) {
          this.pos += 3;
          return this.float(NaN);
        }
        break;
      case 0x49: // I
        if (matches(b, p, "Infinity")) {
          this.pos += 8;
          return this.float(Infinity);
        }
        break;
      case 0x2d: // -
        if (matches(b, p, "-Infinity")) {
          this.pos += 9;
          return this.float(-Infinity);
        }
        return this.number();
      default:
        if (isDigit(c)) return this.number();
    }
    return this.fail("Expecting value");
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, each optional part only when complete. */
  number(): JsonValue {
    const b = this.b;
    const start = this.pos;
    let p = start;
    if (b[p] === 0x2d) p++;
    if (b[p] === 0x30) p++;
    else if (isDigit(b[p])) { while (isDigit(b[p])) p++; }
    else return this.fail("Expecting value");
    const intEnd = p;
    let isFloat = false;
    if (b[p] === 0x2e && isDigit(b[p + 1])) {
      p += 2;
      while (isDigit(b[p])) p++;
      isFloat = true;
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      let q = p + 1;
      if (b[q] === 0x2b || b[q] === 0x2d) q++;
      if (isDigit(b[q])) {
        while (isDigit(b[q])) q++;
        p = q;
        isFloat = true;
      }
    }
    this.pos = p;
    const text = this.text(start, p, false);
    if (isFloat) return this.float(Number(text));
    const n = Number(text);
    if (Number.isSafeInteger(n)) return Object.is(n, -0) ? 0 : n;
    if (intEnd - start - (b[start] === 0x2d ? 1 : 0) > MAX_INT_DIGITS) {
      this.fail(
        `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion`,
        start,
      );
    }
    return BigInt(text);
  }

  enter(): void {
    if (++this.depth > this.maxDepth) {
      this.fail(`Nesting deeper than ${this.maxDepth} levels`);
    }
  }

  array(): JsonValue[] {
    this.enter();
    this.pos++; // [
    const out: JsonValue[] = [];
    const b = this.b;
    this.ws();
    if (b[this.pos] === 0x5d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = b[this.pos];
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        if (b[this.pos] === 0x5d) this.fail("Illegal trailing comma before end of array");
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        this.depth--;
        return out;
      }
      this.fail("Expecting ',' delimiter");
    }
  }

  object(): { [key: string]: JsonValue } {
    this.enter();
    const objStart = this.pos;
    this.pos++; // {
    const out: { [key: string]: JsonValue } = {};
    const b = this.b;
    this.ws();
    if (b[this.pos] === 0x7d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (b[this.pos] !== QUOTE) {
        this.fail("Expecting property name enclosed in double quotes");
      }
      const key = this.string();
      this.ws();
      if (b[this.pos] !== 0x3a) this.fail("Expecting ':' delimiter");
      this.pos++;
      this.ws();
      const value = this.value();
      if (key === "__proto__") {
        Object.defineProperty(out, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[key] = value;
      }
      this.ws();
      const c = b[this.pos];
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        if (b[this.pos] === 0x7d) {
          this.fail("Illegal trailing comma before end of object");
        }
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        this.depth--;
        return out;
      }
      if (c === undefined) {
        this.fail(`Unterminated object starting at char ${this.units(objStart)}`);
      }
      this.fail("Expecting ',' delimiter");
    }
  }

  /** The UTF-16 offset of a byte offset (for messages). */
  units(at: number): number {
    let units = 0;
    for (let i = this.start; i < at; i++) {
      const c = this.b[i]!;
      if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
    }
    return units;
  }

  /** Decode `b[from, to)`, which holds no escapes and no quote. */
  text(from: number, to: number, nonAscii: boolean): string {
    const b = this.b;
    if (to - from > 64) {
      if (!nonAscii) return ascii.decode(b.subarray(from, to));
      try {
        return utf8.decode(b.subarray(from, to));
      } catch (e) {
        throw new DecodeError(`${this.subject}: invalid UTF-8`, { cause: e });
      }
    }
    // Short runs (keys, numbers, words) are decoded here: a TextDecoder call costs more.
    let s = "";
    for (let i = from; i < to;) {
      const c = b[i]!;
      if (c < 0x80) {
        s += String.fromCharCode(c);
        i++;
        continue;
      }
      const c1 = b[i + 1]!;
      let cp: number;
      let n: number;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = ((c & 0x1f) << 6) | (c1 & 0x3f);
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) n = 0;
        cp = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) n = 0;
        cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) |
          (b[i + 3]! & 0x3f);
      } else {
        n = 0;
        cp = 0;
      }
      let ok = n > 0 && i + n <= to;
      for (let k = 1; ok && k < n; k++) ok = (b[i + k]! & 0xc0) === 0x80;
      if (!ok) throw new DecodeError(`${this.subject}: invalid UTF-8`);
      s += String.fromCodePoint(cp);
      i += n;
    }
    return s;
  }

  string(): string {
    const b = this.b;
    const start = this.pos;
    this.pos++; // "
    let out = "";
    let chunkStart = this.pos;
    let nonAscii = false;
    for (;;) {
      const code = b[this.pos];
      if (code === undefined) this.fail("Unterminated string starting at", start);
      if (code === QUOTE) {
        out += this.text(chunkStart, this.pos, nonAscii);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail("Invalid control character at");
      if (code !== BACKSLASH) {
        if (code >= 0x80) nonAscii = true;
        this.pos++;
        continue;
      }
      out += this.text(chunkStart, this.pos, nonAscii);
      nonAscii = false;
      const esc = b[this.pos + 1];
      switch (esc) {
        case QUOTE:
          out += '"';
          break;
        case BACKSLASH:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: { // u
          let v = 0;
          for (let i = 2; i < 6; i++) {
            const h = b[this.pos + i];
            const d = h === undefined
              ? -1
              : h >= 0x30 && h <= 0x39
              ? h - 0x30
              : h >= 0x61 && h <= 0x66
              ? h - 0x57
              : h >= 0x41 && h <= 0x46
              ? h - 0x37
              : -1;
            if (d < 0) this.fail("Invalid \\uXXXX escape", this.pos + 1);
            v = v * 16 + d;
          }
          out += String.fromCharCode(v);
          this.pos += 4;
          break;
        }
        case undefined:
          this.fail("Unterminated string starting at", start);
          break;
        default:
          this.fail("Invalid \\escape", this.pos);
      }
      this.pos += 2;
      chunkStart = this.pos;
    }
  }
}
