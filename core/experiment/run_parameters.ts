/**
 * The run-parameter table as a typed, row-oriented view (what Python shows as
 * `run_parameters_df()`): one column per parameter with one type, one row per
 * run, missing cells distinct from NaN.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import type { RunParameterTable } from "../../codecs/msgpack/mod.ts";
import { compareCodePoints } from "../code_points.ts";

/** A run parameter's value: `bigint` only for int64 values beyond ±2^53−1. */
export type ParameterValue = boolean | number | bigint | string;

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
  /** Columns, ascending by name. */
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
 * import assert from "node:assert/strict";
 *
 * const table = { columns: new Map([["seed", { type: "int64" as const, values: new Map([[0, 42]]) }]]) };
 * const view = runParametersView(table, [0, 1]);
 * assert.deepEqual(view.rows[0]?.values, { seed: 42 });
 * assert.deepEqual(view.rows[1]?.values, {});
 * ```
 */
export function runParametersView(
  table: RunParameterTable,
  runIds: readonly number[],
): RunParametersTable {
  const known = new Set(runIds);
  const cells = new Map<number, Record<string, ParameterValue>>();
  for (const id of runIds) cells.set(id, {});
  const columns: ParameterColumn[] = [];
  for (const [name, column] of table.columns) {
    columns.push({ name, type: column.type });
    for (const [runId, value] of column.values) {
      if (!known.has(runId)) {
        throw new InvalidArtifactError(
          `Run-parameter table references Run ${runId}, but Experiment config does not contain it`,
        );
      }
      cells.get(runId)![name] = value as ParameterValue;
    }
  }
  columns.sort((a, b) => compareCodePoints(a.name, b.name));
  const rows = [...cells.entries()].sort((a, b) => a[0] - b[0]).map(([runId, values]) => ({
    runId,
    values: Object.freeze(values),
  }));
  return { columns, rows };
}
