/**
 * A marker for "this number is a Python `float`", used where the format keeps
 * Python's int/float distinction (Python JSON text, run-parameter column
 * types) and a JavaScript `number` alone is ambiguous.
 *
 * The rule everywhere in ommx-ts: a `bigint` or an integer-valued `number` is
 * an *int*; a `number` with a fraction, `NaN`, `±Infinity` and `-0` are
 * *floats*; wrap a number in {@linkcode PyFloat} (via {@linkcode pyFloat}) to
 * make an integer-valued number a float (e.g. `pyFloat(20)` is Python `20.0`).
 *
 * @module
 */
import { InvalidArgumentError } from "../core/errors.ts";

/**
 * A number that is a Python `float` even when it is integer-valued.
 *
 * @example
 * ```ts
 * import { PyFloat } from "./py_float.ts";
 * import assert from "node:assert/strict";
 *
 * const x = new PyFloat(20);
 * assert.equal(x.value, 20);
 * assert.equal(+x, 20);
 * assert.equal(String(x), "20.0");
 * ```
 */
export class PyFloat {
  /** The IEEE-754 double value. */
  readonly value: number;

  /**
   * Wrap a number.
   *
   * @param value The double value.
   */
  constructor(value: number) {
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`PyFloat needs a number, got ${typeof value}`);
    }
    this.value = value;
  }

  /**
   * The double value, so `+x` and arithmetic work.
   *
   * @returns The number.
   */
  valueOf(): number {
    return this.value;
  }

  /**
   * Python's `repr` of the float (`20.0`, `1e-05`, `nan`, `inf`).
   *
   * @returns The text.
   */
  toString(): string {
    if (Number.isNaN(this.value)) return "nan";
    if (this.value === Infinity) return "inf";
    if (this.value === -Infinity) return "-inf";
    return pythonFloatRepr(this.value);
  }
}

/**
 * Mark a number as a Python `float`.
 *
 * @param value The number.
 * @returns A {@linkcode PyFloat}.
 *
 * @example
 * ```ts
 * import { pyFloat, isFloat } from "./py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isFloat(pyFloat(1)), true);
 * assert.equal(isFloat(1), false);
 * assert.equal(isFloat(1.5), true);
 * ```
 */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/**
 * Whether a value counts as a Python float: a {@linkcode PyFloat}, or a
 * `number` that is not integer-valued (fraction, `NaN`, `±Infinity`, `-0`).
 *
 * @param value Any value.
 * @returns `true` for floats.
 *
 * @example
 * ```ts
 * import { isFloat } from "./py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isFloat(NaN), true);
 * assert.equal(isFloat(-0), true);
 * assert.equal(isFloat(3), false);
 * assert.equal(isFloat(3n), false);
 * ```
 */
export function isFloat(value: unknown): boolean {
  if (value instanceof PyFloat) return true;
  if (typeof value !== "number") return false;
  return !Number.isInteger(value) || Object.is(value, -0);
}

/** Shortest round-trip digits and decimal-point position of a finite non-zero |x|. */
export function _shortestDigits(x: number): { digits: string; decpt: number } {
  const [mantissa, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  return { digits, decpt: Number(exp) + 1 };
}

/**
 * Python's `repr(float)` of a finite number (`1.0`, `0.1`, `1e-05`,
 * `1e+16`, `-0.0`). Non-finite values are the caller's business.
 *
 * @param x A finite number.
 * @returns The text Python prints.
 *
 * @example
 * ```ts
 * import { pythonFloatRepr } from "./py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pythonFloatRepr(1), "1.0");
 * assert.equal(pythonFloatRepr(1e16), "1e+16");
 * assert.equal(pythonFloatRepr(0.00001), "1e-05");
 * assert.equal(pythonFloatRepr(123.456), "123.456");
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const { digits, decpt } = _shortestDigits(x);
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  const mant = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}
