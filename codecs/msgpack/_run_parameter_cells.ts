/**
 * Internal: one logged run-parameter value as a cell of the run-parameter table — the column
 * type it asks for ({@linkcode cellType}: the int/float rule of `run_parameter_table.ts`) and
 * the `int64` value it is stored as ({@linkcode int64Of}), and a run's logged parameters as the
 * entries the table reads ({@linkcode parameterEntries}). The table's full build
 * (`buildRunParameterTable`) and the table writer's per-run append
 * (`_run_parameter_table_writer.ts`) classify values with these, so the two cannot drift.
 *
 * @module
 */
import { isFloat, PyFloat } from "../py_float.ts";

/** The four column types (structurally `RunParameterType`; no import, to avoid a cycle). */
export type CellType = "bool" | "int64" | "float64" | "string";

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/**
 * The column type a logged value asks for: `boolean` → `bool`, `string` → `string`, `bigint`
 * and integer-valued `number`s → `int64`, other numbers (a fraction, `NaN`, `±Infinity`, `-0`)
 * and {@linkcode PyFloat} → `float64`.
 *
 * @example
 * ```ts
 * import { cellType } from "./_run_parameter_cells.ts";
 * import { pyFloat } from "../py_float.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cellType(3), "int64");
 * assert.equal(cellType(-0), "float64");
 * assert.equal(cellType(pyFloat(3)), "float64");
 * assert.equal(cellType(null), undefined);
 * ```
 *
 * @param value A logged value.
 * @returns Its type, or `undefined` for a value of no supported type.
 */
export function cellType(value: unknown): CellType | undefined {
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "bigint":
      return "int64";
    case "number":
      return isFloat(value) ? "float64" : "int64";
    default:
      return value instanceof PyFloat ? "float64" : undefined;
  }
}

/**
 * An integer as an `int64` cell holds it: a `number` when it is a safe integer, else a
 * `bigint`.
 *
 * @example
 * ```ts
 * import { int64Of } from "./_run_parameter_cells.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(int64Of(7n), 7);
 * assert.equal(int64Of(2 ** 60), 2n ** 60n);
 * assert.equal(int64Of(2n ** 63n), undefined);
 * ```
 *
 * @param value An integer-valued number or a bigint.
 * @returns The cell value, or `undefined` when it does not fit int64.
 */
export function int64Of(value: number | bigint): number | bigint | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value === 0 ? 0 : value;
  const big = typeof value === "bigint" ? value : BigInt(value);
  if (big < I64_MIN || big > I64_MAX) return undefined;
  return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
}

/**
 * Whether a run's parameters are a map: a `Map`, or another `ReadonlyMap` (an object
 * with an `entries` method that is not a plain object — a plain object is a record,
 * whatever its keys).
 */
function isMapLike(
  params: ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>,
): params is ReadonlyMap<unknown, unknown> {
  if (params instanceof Map) return true;
  const proto: unknown = Object.getPrototypeOf(params);
  return proto !== Object.prototype && proto !== null &&
    typeof (params as { entries?: unknown }).entries === "function";
}

/**
 * A run's logged parameters as name/value entries, in their order: a map's `entries()`, a
 * record's own enumerable string keys.
 *
 * @example
 * ```ts
 * import { parameterEntries } from "./_run_parameter_cells.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parameterEntries(new Map([["seed", 1]])), [["seed", 1]]);
 * assert.deepEqual(parameterEntries({ seed: 1 }), [["seed", 1]]);
 * ```
 *
 * @param params The parameters: a `ReadonlyMap` or a plain record.
 * @returns The entries (a new array).
 */
export function parameterEntries(
  params: ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>,
): [unknown, unknown][] {
  return isMapLike(params) ? [...params.entries()] : Object.entries(params);
}
