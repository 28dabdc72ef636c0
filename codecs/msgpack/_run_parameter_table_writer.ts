/**
 * {@linkcode RunParameterTableWriter}: the run-parameter table built run by
 * run, in ascending run id, keeping each column's encoded cells between
 * encodes — what a writer that publishes the table after every Run (a
 * checkpoint) needs, instead of rebuilding and re-encoding the table from
 * every run each time. Its bytes are those of
 * `encodeRunParameterTable(buildRunParameterTable(runs))` for the same runs,
 * with the same type unification (an `int64` column meeting a `float64`
 * value becomes `float64`).
 *
 * @module
 */
import { InvalidArgumentError } from "../../core/errors.ts";
import { ByteBuffer } from "../../core/_bytes.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import { NumberList } from "../../core/_number_list.ts";
import { MsgpackWriter } from "./_wire.ts";
import { PyFloat } from "../py_float.ts";
import { cellType, int64Of, parameterEntries } from "./_run_parameter_cells.ts";
import {
  buildRunParameterTable,
  type RunParameters,
  type RunParameterType,
} from "./run_parameter_table.ts";

/** A cell's value as logged, normalised by type. */
type CellValue = boolean | number | bigint | string;

/** The column types by code (a cell's own type is kept as its index here). */
const TYPES: readonly RunParameterType[] = ["bool", "string", "int64", "float64"];
const FLOAT64 = TYPES.indexOf("float64");
/** A cell's entries in the list a run's check returns: name, value, type. */
const CELL = 3;
/** Runs with more parameters are checked by their one-run table (the names' check is quadratic). */
const MAX_OWN_CELLS = 32;

/**
 * A column: its unified type, its cells (ascending run id) and their encoding under that type.
 * The cells are kept as parallel lists (run id, value, the code of the value's own type), not
 * one object a cell: the table is kept for as long as an Experiment is recorded, and a cell
 * object and its slot cost ~56 bytes against ~24. The numbers are in {@linkcode NumberList}s,
 * outside V8's heap: a growing array's backing stores survived scavenges, which made V8 grow
 * its young generation.
 */
interface Column {
  type: RunParameterType;
  readonly runIds: NumberList;
  readonly values: CellValue[];
  /** Each cell's own type, as its index in `TYPES`. */
  readonly types: NumberList;
  /** How many cells hold a `float64` value (an `int64` column with one becomes `float64`). */
  floats: number;
  readonly bytes: ByteBuffer;
  /** The end offset in `bytes` of each cell. */
  readonly ends: NumberList;
}

/** The writer of every cell: a cell is copied out of it at once, so one is reused. */
const cellWriter = new MsgpackWriter();

function encodeCell(out: ByteBuffer, type: RunParameterType, runId: number, v: CellValue): void {
  const w = cellWriter;
  w.reset();
  w.int(runId);
  switch (type) {
    case "bool":
      w.bool(v as boolean);
      break;
    case "string":
      w.str(v as string);
      break;
    case "int64":
      w.int(v as number | bigint);
      break;
    case "float64":
      w.float64(typeof v === "bigint" ? Number(v) : v as number);
      break;
  }
  out.append(w.view());
}

function reencode(column: Column): void {
  column.bytes.truncate(0);
  column.ends.truncate(0);
  for (let i = 0; i < column.runIds.length; i++) {
    encodeCell(column.bytes, column.type, column.runIds.at(i)!, column.values[i]!);
    column.ends.push(column.bytes.length);
  }
}

/**
 * The run-parameter table built incrementally: append runs in ascending run
 * id, cut back to an earlier number of runs, encode at any point.
 *
 * @example Same bytes as a full rebuild
 * ```ts
 * import { RunParameterTableWriter } from "./_run_parameter_table_writer.ts";
 * import { buildRunParameterTable, encodeRunParameterTable } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const runs = [
 *   { runId: 0, params: { seed: 1 } },
 *   { runId: 1, params: { seed: 2.5, solver: "x" } },
 * ];
 * const w = new RunParameterTableWriter();
 * for (const run of runs) w.append(run);
 * assert.deepEqual(w.encode(), encodeRunParameterTable(buildRunParameterTable(runs)));
 * ```
 */
export class RunParameterTableWriter {
  /** The ids of the runs appended. */
  readonly #runIds = new NumberList();
  /** Their parameters, kept for the errors of a full build (unless `#appended` lists them). */
  readonly #params: RunParameters["params"][] = [];
  readonly #appended: (() => readonly RunParameters[]) | undefined;
  readonly #columns = new Map<string, Column>();
  #names: string[] | undefined = [];

  /**
   * @param appended How to list the runs appended so far (not cut off), in order, when an
   * error needs a full build's message: a caller that keeps the runs anyway spares the writer
   * a reference to each run's parameters (a closed run's parameter map, built when read, was
   * kept ~110 bytes a run). Without it the writer keeps them itself.
   */
  constructor(appended?: () => readonly RunParameters[]) {
    this.#appended = appended;
  }

  /** How many runs were appended (and not cut off). */
  get runCount(): number {
    return this.#runIds.length;
  }

  /**
   * Append a run's parameters (kept by reference: they must not change
   * afterwards). On an error nothing changes.
   *
   * @param run The run: its id above every run appended so far.
   * @throws {InvalidArgumentError} On an invalid or non-ascending run id, an
   * unsupported value, an int64 overflow or a type no column unification
   * allows (the messages of `buildRunParameterTable`).
   */
  append(run: RunParameters): void {
    let added: unknown[];
    try {
      added = this.#ownCells(run) ?? this.#check(run);
    } catch (error) {
      // The error a full build of these runs gives (which column, which run
      // is named first depends on the order a full build checks in).
      if (error instanceof InvalidArgumentError) {
        const earlier = this.#appended?.() ??
          this.#params.map((params, i) => ({ runId: this.#runIds.at(i)!, params }));
        buildRunParameterTable([...earlier, run]);
      }
      throw error;
    }
    const runId = run.runId;
    this.#runIds.push(runId);
    if (this.#appended === undefined) this.#params.push(run.params);
    for (let i = 0; i < added.length; i += CELL) {
      const name = added[i] as string;
      const value = added[i + 1] as CellValue;
      const type = added[i + 2] as RunParameterType;
      let column = this.#columns.get(name);
      if (column === undefined) {
        column = {
          type,
          runIds: new NumberList(),
          values: [],
          types: new NumberList(),
          floats: 0,
          bytes: new ByteBuffer(64),
          ends: new NumberList(),
        };
        this.#columns.set(name, column);
        this.#names = undefined;
      }
      column.runIds.push(runId);
      column.values.push(value);
      column.types.push(TYPES.indexOf(type));
      if (type === "float64") column.floats++;
      if (column.type === "int64" && type === "float64") {
        column.type = "float64";
        reencode(column);
      } else {
        encodeCell(column.bytes, column.type, runId, value);
        column.ends.push(column.bytes.length);
      }
    }
  }

  /**
   * The usual run's cells (name, value, type; {@linkcode CELL} a cell) without building its
   * one-run table: an id above the last run's, at most {@linkcode MAX_OWN_CELLS} parameters of
   * distinct string names, values of a supported type that fit, each compatible with its
   * column. Anything else is `undefined`, and {@linkcode RunParameterTableWriter.#check} then
   * checks the run by the one-run build, with its errors; the cells are those it gives.
   */
  #ownCells(run: RunParameters): unknown[] | undefined {
    const runId = run.runId;
    const last = this.#runIds.last();
    if (typeof runId !== "number" || !Number.isSafeInteger(runId) || runId < 0) return undefined;
    if (last !== undefined && !(runId > last)) return undefined;
    const entries = parameterEntries(run.params);
    if (entries.length > MAX_OWN_CELLS) return undefined;
    const added: unknown[] = [];
    for (const [name, raw] of entries) {
      if (typeof name !== "string") return undefined;
      for (let i = 0; i < added.length; i += CELL) if (added[i] === name) return undefined;
      const type = cellType(raw);
      let value: CellValue | undefined;
      if (type === "float64") value = raw instanceof PyFloat ? raw.value : raw as number;
      else if (type === "int64") value = int64Of(raw as number | bigint);
      else value = raw as CellValue | undefined;
      if (type === undefined || value === undefined) return undefined;
      const existing = this.#columns.get(name);
      if (existing !== undefined && !compatible(existing.type, type)) return undefined;
      added.push(name, value, type);
    }
    return added;
  }

  /** The run's cells by its one-run table, checked against the columns; throws without changing anything. */
  #check(run: RunParameters): unknown[] {
    const last = this.#runIds.last();
    // Validation and normalisation of the run's own cells, as a full build does.
    const own = buildRunParameterTable([run]);
    if (last !== undefined && !(run.runId > last)) {
      throw new InvalidArgumentError(
        `Run ${run.runId} appended after run ${last} (run ids must ascend)`,
      );
    }
    const added: unknown[] = [];
    for (const [name, col] of own.columns) {
      const value = col.values.get(run.runId)!;
      const existing = this.#columns.get(name);
      if (existing !== undefined && !compatible(existing.type, col.type)) {
        const first = existing.types.at(0)!;
        let at = 1;
        while (at < existing.types.length && existing.types.at(at) === first) at++;
        const other = existing.types.at(at);
        const otherType = other === undefined ? col.type : TYPES[other]!;
        const otherRun = existing.runIds.at(at) ?? run.runId;
        throw new InvalidArgumentError(
          `Run parameter ${JSON.stringify(name)} has incompatible types: ${TYPES[first]} in run ${
            existing.runIds.at(0)
          }, ${otherType} in run ${otherRun}`,
        );
      }
      added.push(name, value, col.type);
    }
    return added;
  }

  /**
   * Keep only the first `runCount` runs appended.
   *
   * @param runCount How many runs to keep (no-op when at least {@linkcode RunParameterTableWriter.runCount}).
   */
  truncate(runCount: number): void {
    if (runCount >= this.#runIds.length) return;
    const cut = this.#runIds.at(Math.max(0, runCount))!;
    this.#runIds.truncate(runCount);
    if (this.#params.length > this.#runIds.length) this.#params.length = this.#runIds.length;
    for (const [name, column] of this.#columns) {
      let n = column.runIds.length;
      while (n > 0 && column.runIds.at(n - 1)! >= cut) {
        if (column.types.at(n - 1) === FLOAT64) column.floats--;
        n--;
      }
      if (n === column.runIds.length) continue;
      if (n === 0) {
        this.#columns.delete(name);
        this.#names = undefined;
        continue;
      }
      column.runIds.truncate(n);
      column.values.length = n;
      column.types.truncate(n);
      column.ends.truncate(n);
      column.bytes.truncate(column.ends.at(n - 1)!);
      if (column.type === "float64" && column.floats === 0) {
        // Its only float cells are gone: the column is int64 again.
        column.type = "int64";
        reencode(column);
      }
    }
  }

  /**
   * The table's MessagePack bytes (what `encodeRunParameterTable` writes).
   *
   * @returns A new array.
   */
  encode(): Uint8Array {
    this.#names ??= [...this.#columns.keys()].sort(compareCodePoints);
    const w = new MsgpackWriter();
    w.mapHeader(1);
    w.str("columns");
    w.mapHeader(this.#names.length);
    for (const name of this.#names) {
      const column = this.#columns.get(name)!;
      w.str(name);
      w.mapHeader(2);
      w.str("type");
      w.str(column.type);
      w.str("values");
      w.mapHeader(column.runIds.length);
      w.raw(column.bytes.view());
    }
    return w.finish();
  }
}

function compatible(column: RunParameterType, value: RunParameterType): boolean {
  if (column === value) return true;
  const numeric = (t: RunParameterType) => t === "int64" || t === "float64";
  return numeric(column) && numeric(value);
}
