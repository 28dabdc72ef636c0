/**
 * `Table`: the small, typed value the `*Df()` methods return in place of the
 * Python SDK's pandas `DataFrame` (`Instance.decisionVariablesDf()`,
 * `Solution.constraintsDf()`, `SampleSet.summary`,
 * `Experiment.runParametersDf()`, …): the same columns in the same order, the
 * same index, the same values, and `toCsv()` giving the bytes pandas'
 * `to_csv()` writes.
 *
 * **Cells.** A cell is a `number` (`bigint` for an int64 beyond ±(2^53−1)), a
 * `boolean`, a `string`, a `number[]` (a Python `list` or `set` of IDs; sets
 * ascending), a {@linkcode Function} (the `function` column of
 * `namedFunctionsDf()`), or `null` for a missing value — pandas' `<NA>`,
 * `None`, and the `NaN` pandas puts where a row lacks the column. A real NaN
 * (possible in run parameters) stays `NaN`.
 *
 * **Types.** Each column has a logical {@linkcode TableColumnType} (what its
 * cells are) and the pandas `dtype` the Python SDK's DataFrame reports for it
 * ({@linkcode PandasDtype}): `int64`, `float64`, `bool`, `object`, or the
 * nullable `Int64`, `Float64`, `boolean`, `string` of the run-parameter
 * table. pandas' inference is followed: ints with missing cells become
 * `float64` (and print as `1.0`), booleans or numbers with `<NA>` stay
 * `object`, strings, lists and sets are `object`.
 *
 * **Names.** Column names are strings; the per-sample columns of a
 * SampleSet's `decisionVariablesDf()` / `namedFunctionsDf()` are Python `int`
 * labels in pandas and appear here as their decimal text (`"0"`, `"1"`, …),
 * which is also what `to_csv()` writes.
 *
 * @example Build, read and write a table
 * ```ts
 * import { Table } from "./table.ts";
 * import assert from "node:assert/strict";
 *
 * const t = new Table(
 *   { name: "id", type: "int", dtype: "int64", values: [3, 7] },
 *   [
 *     { name: "value", type: "float", dtype: "float64", values: [1, 0.5] },
 *     { name: "name", type: "string", dtype: "object", values: ["x", null] },
 *     { name: "used_ids", type: "set", dtype: "object", values: [[3, 11], []] },
 *   ],
 * );
 * assert.deepEqual(t.columnNames, ["value", "name", "used_ids"]);
 * assert.deepEqual(t.toRecords()[0], { id: 3, value: 1, name: "x", used_ids: [3, 11] });
 * assert.equal(t.toCsv(), 'id,value,name,used_ids\n3,1.0,x,"{11, 3}"\n7,0.5,,set()\n');
 * ```
 *
 * @module
 */

import { NotFoundError } from "../../core/errors.ts";
import type { Function } from "./function.ts";
import { jupyterBundle, wrapHtml } from "../_display.ts";
import { tableCsv, tableHtml, tableText } from "./_table_text.ts";

/** A table cell; `null` is a missing value (see the module documentation). */
export type TableCell = number | bigint | boolean | string | readonly number[] | Function | null;

/**
 * What a column's cells are: `int` / `float` numbers (`int` may hold `bigint`),
 * `bool`, `string`, `list` (a Python list of ints, e.g. `subscripts`), `set`
 * (a Python set of IDs, e.g. `used_ids`, ascending), `function`, or `mixed`
 * (cells of several kinds).
 */
export type TableColumnType =
  | "int"
  | "float"
  | "bool"
  | "string"
  | "list"
  | "set"
  | "function"
  | "mixed";

/** The pandas dtype of the corresponding Python DataFrame column. */
export type PandasDtype =
  | "int64"
  | "float64"
  | "bool"
  | "object"
  | "Int64"
  | "Float64"
  | "boolean"
  | "string";

/** One column (or the index) of a {@linkcode Table}. */
export interface TableColumn {
  /** The column label (the index name for the index). */
  readonly name: string;
  /** What the cells are. */
  readonly type: TableColumnType;
  /** The pandas dtype the Python SDK reports. */
  readonly dtype: PandasDtype;
  /** The cells, one per row. */
  readonly values: readonly TableCell[];
  /**
   * For a `mixed` column only: each cell's kind, to write it as Python would
   * (an int `1` vs a float `1.0`).
   */
  readonly cellTypes?: readonly TableColumnType[];
}

/**
 * A typed table with a named index (a pandas `DataFrame` as the Python SDK
 * builds it). Iterating yields one record per row (index first).
 */
export class Table implements Iterable<Record<string, TableCell>> {
  /** The index (pandas `df.index`: its name, dtype and values). */
  readonly index: TableColumn;
  /** The columns, in order (the index not included, as in pandas). */
  readonly columns: readonly TableColumn[];

  /**
   * Build a table from its index and columns.
   *
   * @param index The index column.
   * @param columns The columns, each as long as the index.
   * @throws {RangeError} when a column's length differs from the index's.
   */
  constructor(index: TableColumn, columns: readonly TableColumn[]) {
    for (const c of columns) {
      if (c.values.length !== index.values.length) {
        throw new RangeError(
          `column ${
            JSON.stringify(c.name)
          } has ${c.values.length} cells, the index ${index.values.length}`,
        );
      }
    }
    this.index = index;
    this.columns = columns;
  }

  /** The column names in order (pandas `list(df.columns)`). */
  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** Number of rows. */
  get numRows(): number {
    return this.index.values.length;
  }

  /** `[rows, columns]`, as pandas' `df.shape`. */
  get shape(): [number, number] {
    return [this.numRows, this.columns.length];
  }

  /**
   * A column by name (the first one when names repeat).
   *
   * @param name The column name.
   * @returns The column.
   * @throws {NotFoundError} when no column has that name.
   */
  column(name: string): TableColumn {
    const c = this.columns.find((c) => c.name === name);
    if (!c) throw new NotFoundError("column", name, `No column ${JSON.stringify(name)}`);
    return c;
  }

  /**
   * One row as a record: the index value under the index name, then every
   * column.
   *
   * @param i The row position (0-based).
   * @returns The record.
   * @throws {RangeError} when the position is outside the table.
   */
  row(i: number): Record<string, TableCell> {
    if (!Number.isInteger(i) || i < 0 || i >= this.numRows) {
      throw new RangeError(`row ${i} is outside the table (${this.numRows} rows)`);
    }
    const r: Record<string, TableCell> = { [this.index.name]: this.index.values[i]! };
    for (const c of this.columns) r[c.name] = c.values[i]!;
    return r;
  }

  /**
   * The rows as records.
   *
   * @returns An iterator of records (see {@linkcode Table.row}).
   */
  *rows(): IterableIterator<Record<string, TableCell>> {
    for (let i = 0; i < this.numRows; i++) yield this.row(i);
  }

  /**
   * The rows as records.
   *
   * @returns An iterator of records (see {@linkcode Table.row}).
   */
  [Symbol.iterator](): IterableIterator<Record<string, TableCell>> {
    return this.rows();
  }

  /**
   * Every row as a record (pandas' `df.reset_index().to_dict("records")`,
   * missing cells `null`); `console.table(t.toRecords())` prints the table.
   *
   * @returns The records.
   */
  toRecords(): Record<string, TableCell>[] {
    return [...this.rows()];
  }

  /**
   * The table as CSV, byte for byte what pandas' `df.to_csv()` writes on
   * Linux/macOS: the index as the first column, missing cells empty, floats as
   * Python `repr` (`1.0`, `1e-05`, `nan`, `inf`), `True`/`False`, lists
   * `[1, 2]`, sets in CPython's iteration order (`{11, 3}`, `set()`),
   * functions as `Function(...)`, `QUOTE_MINIMAL` quoting, `\n` line ends.
   *
   * @returns The CSV text.
   */
  toCsv(): string {
    return tableCsv(this);
  }

  /**
   * A plain-text rendering (aligned columns, the index first; the middle
   * rows elided beyond 60 rows), the notebook's `text/plain`.
   *
   * @returns The text.
   */
  toString(): string {
    return tableText(this);
  }

  /**
   * The table as HTML (every value escaped, the viewer's look): what a
   * notebook shows.
   *
   * @returns The HTML fragment.
   */
  toHtml(): string {
    return wrapHtml(tableHtml(this));
  }

  /**
   * The notebook display (Deno's Jupyter kernel): HTML and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return jupyterBundle(tableHtml(this), this.toString());
  }

  /**
   * How `console.log` shows the table in Deno.
   *
   * @returns The plain text.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * How `console.log` shows the table in Node.
   *
   * @returns The plain text.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Optional column families of the wide `*Df()` tables (Python's `include=`):
 * `label` (`name`, `subscripts`, `description`), `parameters`
 * (`parameters.<key>`), `removed_reason` (`removed_reason` and
 * `removed_reason.<key>`).
 */
export type TableInclude = "label" | "parameters" | "removed_reason";

/** A constraint family, as Python's `kind=` names it. */
export type ConstraintKindName = "regular" | "indicator" | "one_hot" | "sos1";

/** Options of the `decisionVariablesDf()` / `namedFunctionsDf()` / `parametersDf()` tables. */
export interface DfOptions {
  /**
   * Which optional column families to include (default, as Python's
   * `include=None`: `label` and `parameters`).
   */
  include?: readonly TableInclude[];
}

/** Options of `Solution.constraintsDf()` / `SampleSet.constraintsDf()`. */
export interface ConstraintsDfOptions extends DfOptions {
  /** The constraint family (default `regular`). */
  kind?: ConstraintKindName;
}

/** Options of `Instance.constraintsDf()` / `ParametricInstance.constraintsDf()`. */
export interface InstanceConstraintsDfOptions extends ConstraintsDfOptions {
  /**
   * `true`: active and removed constraints in one table, ordered by ID, with
   * the `removed_reason` columns (Python's `removed=True`); default: active only.
   */
  removed?: boolean;
}
