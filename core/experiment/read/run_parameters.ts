/**
 * The run-parameter table as a typed, row-oriented view (what Python shows as
 * `run_parameters_df()`): one column per parameter with one type, one row per
 * run, missing cells distinct from NaN, columns in the reference's order.
 *
 * @module
 */
import { Table, type TableCell, type TableColumn } from "../../../codecs/ommx/table.ts";
import { InvalidArgumentError, InvalidArtifactError } from "../../errors.ts";
import { isFloat, PyFloat } from "../../../codecs/py_float.ts";
import type { RunParameterTable } from "../../../codecs/msgpack/mod.ts";
import { compareCodePoints } from "../../_code_points.ts";

/** A run parameter's value: `bigint` only for int64 values beyond ±2^53−1. */
export type ParameterValue = boolean | number | bigint | string;

/** A run-parameter value: `boolean`, integer (`number` or `bigint` within int64), float (`number` with a fraction, NaN, ±∞, or `pyFloat(x)`), or `string`. */
export type ParameterInput = boolean | number | bigint | string | PyFloat;

/** Column type names, as stored. */
export type ParameterType = "bool" | "int64" | "float64" | "string";

/** One column of the table. */
export interface ParameterColumn {
  /** Parameter name. */
  readonly name: string;
  /** Its single type. */
  readonly type: ParameterType;
}

/** One row: a run id and its cells (a missing cell is an absent key). */
export interface ParameterRow {
  /** The run id. */
  readonly runId: number;
  /** Cells present for this run. */
  readonly values: Readonly<Record<string, ParameterValue>>;
}

/** The typed table. */
export interface RunParametersTable {
  /**
   * Columns in the order of Python's `run_parameters_df().columns`: by first
   * appearance, run by run in ascending run id, and among the columns first
   * seen in the same run by name (code point order; the reference keeps its
   * cells in a map sorted by name, so the order in which a run logged its
   * parameters does not matter). Columns without any cell come last, by name.
   */
  readonly columns: readonly ParameterColumn[];
  /** Rows, ascending by run id: every run of the config. */
  readonly rows: readonly ParameterRow[];
}

/**
 * Build the row view and check every run id of the table exists in the config.
 *
 * @param table The decoded MessagePack table.
 * @param runIds The run ids of the config.
 * @returns The typed table.
 *
 * @example
 * ```ts
 * import { runParametersView } from "./run_parameters.ts";
 * import type { RunParameterColumn, RunParameterTable } from "../../../codecs/msgpack/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const table: RunParameterTable = {
 *   columns: new Map<string, RunParameterColumn>([
 *     ["seed", { type: "int64", values: new Map([[0, 42]]) }],
 *     ["alpha", { type: "float64", values: new Map([[1, 0.5]]) }],
 *     ["solver", { type: "string", values: new Map([[0, "highs"]]) }],
 *   ]),
 * };
 * const view = runParametersView(table, [0, 1, 2]);
 * assert.deepEqual(view.columns.map((c) => c.name), ["seed", "solver", "alpha"]);
 * assert.deepEqual(view.rows[0]?.values, { seed: 42, solver: "highs" });
 * assert.deepEqual(view.rows[2]?.values, {});
 * ```
 */
export function runParametersView(
  table: RunParameterTable,
  runIds: readonly number[],
): RunParametersTable {
  // One empty cell record a run id, ascending: rows and the lookup share them (frozen once filled).
  const rows: { runId: number; values: Record<string, ParameterValue> }[] = [];
  const byIndex: Record<string, ParameterValue>[] = [];
  let map: Map<number, Record<string, ParameterValue>> | undefined;
  // Index loops and `forEach`, not `for…of`: no iterator result a run or cell while this code
  // is cold.
  const sorted = [...runIds].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const runId = sorted[i]!;
    if (rows.length > 0 && rows[rows.length - 1]!.runId === runId) continue;
    const values: Record<string, ParameterValue> = {};
    rows.push({ runId, values });
    byIndex.push(values);
    // The ids 0, 1, …, n−1 (what writers produce): a run's cells are `byIndex[runId]`, no `Map`.
    if (map === undefined && runId !== rows.length - 1) {
      map = new Map(rows.map((r) => [r.runId, r.values]));
    } else map?.set(runId, values);
  }
  // `undefined` for an id of no run (an array index that is absent, or not an index at all).
  const cells = (runId: number) => map === undefined ? byIndex[runId] : map.get(runId);
  // Column order of the reference: the first run (ascending id) holding a cell, then the name.
  const ordered: { column: ParameterColumn; firstRun: number }[] = [];
  for (const [name, column] of table.columns) {
    let firstRun = Infinity;
    let unknown: number | undefined;
    column.values.forEach((_, runId) => {
      if (unknown !== undefined) return;
      if (cells(runId) === undefined) unknown = runId;
      else if (runId < firstRun) firstRun = runId;
    });
    if (unknown !== undefined) {
      throw new InvalidArtifactError(
        `Run-parameter table references Run ${unknown}, but Experiment config does not contain it`,
      );
    }
    ordered.push({ column: { name, type: column.type }, firstRun });
  }
  ordered.sort((a, b) =>
    a.firstRun !== b.firstRun
      ? (a.firstRun < b.firstRun ? -1 : 1)
      : compareCodePoints(a.column.name, b.column.name)
  );
  const columns = ordered.map((o) => o.column);
  for (const { name } of columns) {
    // `forEach`, not `for…of` entries: no [key, value] pair a cell while this code is cold.
    table.columns.get(name)!.values.forEach((value, runId) => {
      cells(runId)![name] = value as ParameterValue;
    });
  }
  for (const row of rows) Object.freeze(row.values);
  return { columns, rows };
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/**
 * Validate a run-parameter value as the reference does (`bool`, int64,
 * float, `str`).
 *
 * @param name The parameter name.
 * @param value The value.
 * @returns The value, normalised (`bigint` inside the safe range → `number`).
 * @throws {InvalidArgumentError} On other types or an integer outside int64.
 *
 * @example
 * ```ts
 * import { checkParameterValue } from "./run_parameters.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkParameterValue("n", 5n), 5);
 * assert.throws(() => checkParameterValue("n", 2n ** 63n), { code: "INVALID_ARGUMENT" });
 * assert.throws(() => checkParameterValue("o", {} as never), { code: "INVALID_ARGUMENT" });
 * ```
 */
export function checkParameterValue(name: string, value: ParameterInput): ParameterInput {
  if (typeof name !== "string") {
    throw new InvalidArgumentError(`Run parameter name must be a string, got ${typeof name}`);
  }
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "bigint":
      if (value < I64_MIN || value > I64_MAX) {
        throw new InvalidArgumentError(
          `Run parameter ${JSON.stringify(name)}: int value ${value} must fit in int64`,
        );
      }
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case "number":
      if (!isFloat(value)) {
        const big = BigInt(value);
        if (big < I64_MIN || big > I64_MAX) {
          throw new InvalidArgumentError(
            `Run parameter ${
              JSON.stringify(name)
            }: int value ${value} must fit in int64 (wrap it with pyFloat() to store a float)`,
          );
        }
      }
      return value;
    default:
      if (value instanceof PyFloat) return value;
      throw new InvalidArgumentError(
        `Run parameter ${
          JSON.stringify(name)
        }: value must be boolean, number, bigint, string or PyFloat, got ${
          value === null ? "null" : Array.isArray(value) ? "array" : typeof value
        }`,
      );
  }
}

const DTYPE = { bool: "boolean", int64: "Int64", float64: "Float64", string: "string" } as const;
const TYPE = { bool: "bool", int64: "int", float64: "float", string: "string" } as const;

/**
 * The run-parameter table as pandas shows it in `run_parameters_df()`
 * (what `Experiment.runParametersDf()` returns):
 * index `run_id` (every run), one column per parameter in the reference's
 * order with pandas' nullable dtypes.
 *
 * @param view The typed table.
 * @returns The table.
 */
export function runParametersDataFrame(view: RunParametersTable): Table {
  const index: TableColumn = {
    name: "run_id",
    type: "int",
    // pandas gives an empty index the dtype float64.
    dtype: view.rows.length === 0 ? "float64" : "int64",
    values: view.rows.map((r) => r.runId),
  };
  const columns = view.columns.map((c): TableColumn => ({
    name: c.name,
    type: TYPE[c.type],
    dtype: DTYPE[c.type],
    values: view.rows.map((r): TableCell => r.values[c.name] ?? null),
  }));
  return new Table(index, columns);
}
