/**
 * JSON writers for the two JSON attachment profiles of the format (spec
 * §2.2): J-python (Python `json.dumps` defaults) and J-sorted (the Rust API's
 * compact output with recursively sorted keys).
 *
 * @module
 */

import { EncodeError } from "../../core/errors.ts";
import { PyFloat, pythonFloatRepr } from "../py_float.ts";
import { compareCodePoints } from "../../core/_code_points.ts";

/** The output profile of {@linkcode stringifyPythonJson}. */
export type JsonStyle = "python" | "compact-sorted";

/** Options of {@linkcode stringifyPythonJson}. */
export interface StringifyPythonJsonOptions {
  /**
   * `"python"`: what Python's `json.dumps(value)` writes — `", "` and `": "`
   * separators, keys in insertion order, non-ASCII as `\uXXXX` (surrogate
   * pairs for astral characters), `NaN`/`Infinity`/`-Infinity` tokens,
   * floats as Python `repr`.
   *
   * `"compact-sorted"` (J-sorted): what the Rust API writes — no whitespace,
   * keys sorted by code point at every level, non-ASCII as raw UTF-8 text,
   * floats as `serde_json` writes them; non-finite numbers are an
   * {@linkcode EncodeError}.
   *
   * @default {"python"}
   */
  style?: JsonStyle;
}

/**
 * Serialise a value as JSON text in one of the format's profiles.
 *
 * Numbers: a `bigint` or an integer-valued `number` is written as an integer
 * (`1`); a `number` with a fraction, `NaN`, `±Infinity`, `-0` or a
 * {@linkcode PyFloat} is written as a float (`1.5`, `-0.0`, `pyFloat(1)` →
 * `1.0`). Objects may be plain objects or `Map`s with string keys; arrays are
 * written in order. `undefined`, functions, symbols, other class instances
 * (Date, Uint8Array, …) and cycles are an {@linkcode EncodeError}, as in
 * Python.
 *
 * @param value The value.
 * @param options The output profile.
 * @returns The JSON text.
 * @throws {EncodeError} On values JSON cannot hold.
 *
 * @example Python json.dumps output
 * ```ts
 * import { stringifyPythonJson } from "./stringify.ts";
 * import { pyFloat } from "../py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   stringifyPythonJson({ b: [1, pyFloat(2), NaN], a: "é" }),
 *   '{"b": [1, 2.0, NaN], "a": "\\u00e9"}',
 * );
 * assert.equal(stringifyPythonJson({ b: 1, a: "é" }, { style: "compact-sorted" }), '{"a":"é","b":1}');
 * ```
 */
export function stringifyPythonJson(
  value: unknown,
  options: StringifyPythonJsonOptions = {},
): string {
  const style = options.style ?? "python";
  if (style !== "python" && style !== "compact-sorted") {
    throw new EncodeError(`Unknown JSON style ${JSON.stringify(style)}`);
  }
  const parts: string[] = [];
  new Writer(style, parts).write(value, "$");
  return parts.join("");
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function asciiString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      default:
        out += "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  return out + s.slice(start) + '"';
}

/** `serde_json`'s (ryu) rendering of a finite float. */
function serdeFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const kk = Number(exp) + 1; // decimal point position
  const len = digits.length;
  if (len <= kk && kk <= 16) return `${sign}${digits}${"0".repeat(kk - len)}.0`;
  if (0 < kk && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (-5 < kk && kk <= 0) return `${sign}0.${"0".repeat(-kk)}${digits}`;
  const e = kk - 1;
  return len === 1 ? `${sign}${digits}e${e}` : `${sign}${digits[0]}.${digits.slice(1)}e${e}`;
}

class Writer {
  readonly seen = new Set<object>();
  constructor(readonly style: JsonStyle, readonly out: string[]) {}

  get python(): boolean {
    return this.style === "python";
  }

  str(s: string): string {
    return this.python ? asciiString(s) : JSON.stringify(s);
  }

  float(x: number, path: string): string {
    if (Number.isFinite(x)) return this.python ? pythonFloatRepr(x) : serdeFloat(x);
    if (!this.python) {
      throw new EncodeError(`Cannot write ${x} at ${path} as compact-sorted JSON (not finite)`);
    }
    return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
  }

  write(value: unknown, path: string): void {
    const out = this.out;
    switch (typeof value) {
      case "string":
        out.push(this.str(value));
        return;
      case "boolean":
        out.push(value ? "true" : "false");
        return;
      case "bigint":
        out.push(value.toString());
        return;
      case "number":
        if (Number.isInteger(value) && !Object.is(value, -0)) {
          out.push(Number.isSafeInteger(value) ? String(value) : BigInt(value).toString());
        } else {
          out.push(this.float(value, path));
        }
        return;
      case "object":
        break;
      default:
        throw new EncodeError(`Object of type ${typeof value} at ${path} is not JSON serializable`);
    }
    if (value === null) {
      out.push("null");
      return;
    }
    if (value instanceof PyFloat) {
      out.push(this.float(value.value, path));
      return;
    }
    if (this.seen.has(value)) throw new EncodeError(`Circular reference detected at ${path}`);
    this.seen.add(value);
    if (Array.isArray(value)) {
      out.push("[");
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out.push(this.python ? ", " : ",");
        this.write(value[i], `${path}[${i}]`);
      }
      out.push("]");
    } else {
      let entries: [string, unknown][];
      if (value instanceof Map) {
        entries = [];
        for (const [k, v] of value) {
          if (typeof k !== "string") {
            throw new EncodeError(`Map key of type ${typeof k} at ${path} is not a string`);
          }
          entries.push([k, v]);
        }
      } else if (isPlainObject(value)) {
        entries = Object.entries(value);
      } else {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
        throw new EncodeError(`Object of type ${name} at ${path} is not JSON serializable`);
      }
      if (!this.python) entries.sort((a, b) => compareCodePoints(a[0], b[0]));
      out.push("{");
      let first = true;
      for (const [k, v] of entries) {
        if (!first) out.push(this.python ? ", " : ",");
        first = false;
        out.push(this.str(k), this.python ? ": " : ":");
        this.write(v, `${path}.${k}`);
      }
      out.push("}");
    }
    this.seen.delete(value);
  }
}
