/**
 * JSON writers for the two JSON attachment profiles of the format (see
 * `docs/glossary.md#python-json` and `#sorted-json`): Python JSON (Python
 * `json.dumps` defaults) and sorted JSON (the Rust API's
 * compact output with recursively sorted keys).
 *
 * @module
 */

import { EncodeError } from "../../core/errors.ts";
import { type JsonProfile, writeJson } from "../../core/_json_writer.ts";
import { PyFloat, pythonFloatRepr } from "../py_float.ts";

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
   * `"compact-sorted"` (sorted JSON): what the Rust API writes — no whitespace,
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
  return writeJson(value, PROFILES[style]);
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

function profile(style: JsonStyle): JsonProfile {
  const python = style === "python";
  const float = (x: number, path: string): string => {
    if (Number.isFinite(x)) return python ? pythonFloatRepr(x) : serdeFloat(x);
    if (!python) {
      throw new EncodeError(`Cannot write ${x} at ${path} as compact-sorted JSON (not finite)`);
    }
    return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
  };
  return {
    sortKeys: !python,
    itemSeparator: python ? ", " : ",",
    keySeparator: python ? ": " : ":",
    asciiOnly: python,
    number: (x, path) =>
      Number.isInteger(x) && !Object.is(x, -0)
        ? (Number.isSafeInteger(x) ? String(x) : BigInt(x).toString())
        : float(x, path),
    objects: "plain",
    undefinedProperty: "error",
    undefinedItem: "error",
    leaf: (value, path) => value instanceof PyFloat ? float(value.value, path) : undefined,
    unsupported: (what, path) => `Object of type ${what} at ${path} is not JSON serializable`,
  };
}

const PROFILES: Readonly<Record<JsonStyle, JsonProfile>> = {
  python: profile("python"),
  "compact-sorted": profile("compact-sorted"),
};
