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

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Parse JSON text the way Python's `json.loads` does.
 *
 * Differences from `JSON.parse`: accepts `NaN`, `Infinity`, `-Infinity`
 * (outside strings only); integers beyond ±(2^53−1) become `bigint` instead
 * of losing precision; a UTF-8 BOM is skipped when the input is bytes (and is
 * an error in a string, as in Python); duplicate keys keep the last value at
 * the first key's position; a `__proto__` key is an ordinary own property.
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
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch (e) {
      throw new DecodeError(`${subject}: invalid UTF-8`, { cause: e });
    }
  }
  return new Parser(
    text,
    subject,
    options.preserveFloats ?? false,
    options.maxDepth ?? 1000,
  ).parseDocument();
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

class Parser {
  pos = 0;
  depth = 0;
  constructor(
    readonly text: string,
    readonly subject: string,
    readonly preserveFloats: boolean,
    readonly maxDepth: number,
  ) {}

  fail(message: string, at: number = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    const col = at - before.lastIndexOf("\n");
    throw new DecodeError(
      `${this.subject}: ${message}: line ${line} column ${col} (char ${at})`,
    );
  }

  ws(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  parseDocument(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) {
      this.fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    }
    this.ws();
    const value = this.value();
    this.ws();
    if (this.pos !== this.text.length) this.fail("Extra data");
    return value;
  }

  float(x: number): JsonValue {
    return this.preserveFloats ? new PyFloat(x) : x;
  }

  value(): JsonValue {
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"':
        return this.string();
      case "n":
        if (t.startsWith("null", this.pos)) {
          this.pos += 4;
          return null;
        }
        break;
      case "t":
        if (t.startsWith("true", this.pos)) {
          this.pos += 4;
          return true;
        }
        break;
      case "f":
        if (t.startsWith("false", this.pos)) {
          this.pos += 5;
          return false;
        }
        break;
      case "N":
        if (t.startsWith("NaN", this.pos)) {
          this.pos += 3;
          return this.float(NaN);
        }
        break;
      case "I":
        if (t.startsWith("Infinity", this.pos)) {
          this.pos += 8;
          return this.float(Infinity);
        }
        break;
      case "-":
        if (t.startsWith("-Infinity", this.pos)) {
          this.pos += 9;
          return this.float(-Infinity);
        }
        return this.number();
      default:
        if (c !== undefined && c >= "0" && c <= "9") return this.number();
    }
    return this.fail("Expecting value");
  }

  number(): JsonValue {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (m === null) return this.fail("Expecting value");
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? (Object.is(n, -0) ? 0 : n) : BigInt(m[0]);
    }
    return this.float(Number(m[0]));
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
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        this.ws();
        if (this.text[this.pos] === "]") this.fail("Illegal trailing comma before end of array");
        continue;
      }
      if (c === "]") {
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
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        this.fail("Expecting property name enclosed in double quotes");
      }
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ":") this.fail("Expecting ':' delimiter");
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
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        this.ws();
        if (this.text[this.pos] === "}") {
          this.fail("Illegal trailing comma before end of object");
        }
        continue;
      }
      if (c === "}") {
        this.pos++;
        this.depth--;
        return out;
      }
      if (c === undefined) this.fail(`Unterminated object starting at char ${objStart}`);
      this.fail("Expecting ',' delimiter");
    }
  }

  string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++; // "
    let out = "";
    let chunkStart = this.pos;
    for (;;) {
      const code = t.charCodeAt(this.pos);
      if (Number.isNaN(code)) this.fail("Unterminated string starting at", start);
      if (code === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail("Invalid control character at");
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunkStart, this.pos);
      const esc = t[this.pos + 1];
      switch (esc) {
        case '"':
          out += '"';
          break;
        case "\\":
          out += "\\";
          break;
        case "/":
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = t.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\uXXXX escape", this.pos + 1);
          out += String.fromCharCode(parseInt(hex, 16));
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
