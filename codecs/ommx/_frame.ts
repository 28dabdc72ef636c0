/**
 * Building a {@linkcode Table} the way the Python SDK builds its DataFrames:
 * one dict per row (`pd.DataFrame(list_of_dicts)`), so the columns are the
 * keys in order of first appearance, a key a row lacks is a missing cell, a
 * key set twice in a row keeps its first position, and the dtype of each
 * column is what pandas infers from the Python values; then
 * `set_index(index_name)` (or, with no rows, an empty frame whose index is
 * named).
 *
 * @module
 */

import type { Function } from "./function.ts";
import { type PandasDtype, Table, type TableCell, type TableColumnType } from "./table.ts";

/** The kind of Python value a cell holds. */
const enum K {
  Int = 1,
  Float,
  Bool,
  Str,
  List,
  Set,
  Func,
  /** `pandas.NA`. */
  NA,
  /** `None` (or a missing key: pandas fills `NaN`). */
  None,
}

const TYPE_OF: Record<number, TableColumnType> = {
  [K.Int]: "int",
  [K.Float]: "float",
  [K.Bool]: "bool",
  [K.Str]: "string",
  [K.List]: "list",
  [K.Set]: "set",
  [K.Func]: "function",
};

class Col {
  readonly values: (TableCell | undefined)[] = [];
  /** Bit set of the kinds seen (1 << K). */
  seen = 0;
  /** Per-cell kinds, kept once a second value kind shows up. */
  kinds: (number | undefined)[] | undefined;
  firstKind = 0;
  constructor(readonly name: string) {}

  put(row: number, kind: K, value: TableCell): void {
    this.values[row] = value;
    this.seen |= 1 << kind;
    if (kind === this.firstKind && this.kinds === undefined) return; // the common case
    if (kind === K.NA || kind === K.None) return;
    if (this.firstKind === 0) this.firstKind = kind;
    else if (kind !== this.firstKind && this.kinds === undefined) {
      this.kinds = [];
      for (let i = 0; i < this.values.length; i++) {
        if (this.values[i] !== undefined && this.values[i] !== null) this.kinds[i] = this.firstKind;
      }
    }
    if (this.kinds) this.kinds[row] = kind;
  }
}

/** An opaque handle of a column (see {@linkcode FrameBuilder.columns}). */
export type ColumnHandle = { readonly name: string };

const VALUE_KINDS = (1 << K.Int) | (1 << K.Float) | (1 << K.Bool) | (1 << K.Str) | (1 << K.List) |
  (1 << K.Set) | (1 << K.Func);

/** Rows of Python-like dicts turned into a {@linkcode Table}. */
export class FrameBuilder {
  readonly #index: string;
  readonly #cols = new Map<string, Col>();
  #row = -1;

  /**
   * Start a frame.
   *
   * @param index The column `set_index` makes the index.
   */
  constructor(index: string) {
    this.#index = index;
  }

  /** Start the next row (every `set` goes to the row last started). */
  row(): void {
    this.#row++;
  }

  /**
   * Handles of columns, for rows that set many keys in a fixed order (the per-sample columns):
   * new keys are added now, in this order, exactly as setting them one by one would.
   *
   * @param keys The column keys, in the order the row sets them.
   * @returns One handle per key.
   */
  columns(keys: readonly string[]): ColumnHandle[] {
    return keys.map((key) => {
      let c = this.#cols.get(key);
      if (c === undefined) {
        c = new Col(key);
        this.#cols.set(key, c);
      }
      return c;
    });
  }

  /**
   * A Python `float` (or `None` when undefined) in a column by handle.
   *
   * @param column The handle.
   * @param v The value.
   */
  floatAt(column: ColumnHandle, v: number | undefined): void {
    if (v === undefined) (column as Col).put(this.#row, K.None, null);
    else (column as Col).put(this.#row, K.Float, v);
  }

  /**
   * A Python `bool` (or `None` when undefined) in a column by handle.
   *
   * @param column The handle.
   * @param v The value.
   */
  boolAt(column: ColumnHandle, v: boolean | undefined): void {
    if (v === undefined) (column as Col).put(this.#row, K.None, null);
    else (column as Col).put(this.#row, K.Bool, v);
  }

  #put(key: string, kind: K, value: TableCell): void {
    let c = this.#cols.get(key);
    if (c === undefined) {
      c = new Col(key);
      this.#cols.set(key, c);
    }
    c.put(this.#row, kind, value);
  }

  /**
   * A Python `int`.
   *
   * @param key The column.
   * @param v The value.
   */
  int(key: string, v: number | bigint): void {
    this.#put(key, K.Int, v);
  }

  /**
   * A Python `float`.
   *
   * @param key The column.
   * @param v The value.
   */
  float(key: string, v: number): void {
    this.#put(key, K.Float, v);
  }

  /**
   * A Python `bool`.
   *
   * @param key The column.
   * @param v The value.
   */
  bool(key: string, v: boolean): void {
    this.#put(key, K.Bool, v);
  }

  /**
   * A Python `str`.
   *
   * @param key The column.
   * @param v The value.
   */
  str(key: string, v: string): void {
    this.#put(key, K.Str, v);
  }

  /**
   * A Python `list` of ints.
   *
   * @param key The column.
   * @param v The value.
   */
  list(key: string, v: readonly number[]): void {
    this.#put(key, K.List, v);
  }

  /**
   * A Python `set` of ints built from ascending IDs.
   *
   * @param key The column.
   * @param ascending The IDs, ascending.
   */
  set(key: string, ascending: readonly number[]): void {
    this.#put(key, K.Set, ascending);
  }

  /**
   * An `ommx.Function`.
   *
   * @param key The column.
   * @param f The function.
   */
  func(key: string, f: Function): void {
    this.#put(key, K.Func, f);
  }

  /**
   * `pandas.NA`.
   *
   * @param key The column.
   */
  na(key: string): void {
    this.#put(key, K.NA, null);
  }

  /**
   * `None`.
   *
   * @param key The column.
   */
  none(key: string): void {
    this.#put(key, K.None, null);
  }

  /**
   * A float or `pandas.NA` when undefined.
   *
   * @param key The column.
   * @param v The value.
   */
  floatOrNa(key: string, v: number | undefined): void {
    if (v === undefined) this.na(key);
    else this.float(key, v);
  }

  /**
   * An int or `pandas.NA` when undefined.
   *
   * @param key The column.
   * @param v The value.
   */
  intOrNa(key: string, v: number | undefined): void {
    if (v === undefined) this.na(key);
    else this.int(key, v);
  }

  /**
   * A str or `pandas.NA` when undefined or empty (as the reference's label columns).
   *
   * @param key The column.
   * @param v The value.
   */
  strOrNa(key: string, v: string | undefined): void {
    if (v === undefined || v === "") this.na(key);
    else this.str(key, v);
  }

  /**
   * Build the table: `pd.DataFrame(rows).set_index(index)`.
   *
   * @returns The table.
   */
  build(): Table {
    const n = this.#row + 1;
    const indexCol = this.#cols.get(this.#index);
    if (n === 0 || indexCol === undefined) {
      return new Table({ name: this.#index, type: "int", dtype: "int64", values: [] }, []);
    }
    const columns = [...this.#cols.values()].filter((c) => c !== indexCol).map((c) => finish(c, n));
    return new Table(finish(indexCol, n), columns);
  }
}

function finish(c: Col, n: number): {
  name: string;
  type: TableColumnType;
  dtype: PandasDtype;
  values: TableCell[];
  cellTypes?: TableColumnType[];
} {
  const values: TableCell[] = new Array(n);
  let missing = false;
  for (let i = 0; i < n; i++) {
    const v = c.values[i];
    if (v === undefined) missing = true;
    values[i] = v ?? null;
  }
  const seen = c.seen;
  const valueKinds = seen & VALUE_KINDS;
  const hasNa = (seen & (1 << K.NA)) !== 0;
  const hasNone = missing || (seen & (1 << K.None)) !== 0;
  const only = (k: K) => valueKinds === 1 << k;
  let dtype: PandasDtype = "object";
  let type: TableColumnType = c.kinds ? "mixed" : TYPE_OF[c.firstKind] ?? "mixed";
  if (!hasNa && valueKinds !== 0) {
    if (only(K.Int)) {
      dtype = hasNone ? "float64" : "int64";
      if (hasNone) type = "float";
    } else if ((valueKinds & ~((1 << K.Int) | (1 << K.Float))) === 0) {
      dtype = "float64";
      type = "float";
    } else if (only(K.Bool) && !hasNone) {
      dtype = "bool";
    }
  }
  if (type !== "mixed") return { name: c.name, type, dtype, values };
  const cellTypes: TableColumnType[] = [];
  for (let i = 0; i < n; i++) cellTypes[i] = TYPE_OF[c.kinds?.[i] ?? c.firstKind] ?? "mixed";
  return { name: c.name, type, dtype, values, cellTypes };
}
