/**
 * The Experiment's run-parameter table (see `docs/glossary.md#run-parameter-table`): a column-oriented,
 * sparse table `parameter name → {type, run id → value}` stored as
 * MessagePack.
 *
 * **Int vs float.** Python distinguishes `int` and `float`; a JavaScript
 * `number` does not. When building a table from values
 * ({@linkcode buildRunParameterTable}) the rule is: `boolean` → `bool`,
 * `string` → `string`, `bigint` and integer-valued `number`s → `int64`,
 * numbers with a fraction, `NaN`, `±Infinity`, `-0` and
 * {@linkcode PyFloat} (`pyFloat(20)`) → `float64`. Once a table exists, each
 * column carries its type explicitly, so `float64` values are plain numbers
 * and `int64` values are numbers, or `bigint` outside ±(2^53−1).
 *
 * Run ids are `number`s; the format allows u64 run ids, but ids above
 * 2^53−1 are rejected with {@linkcode UnsupportedError}.
 *
 * @module
 */

import { MEDIA_TYPE_RUN_PARAMETERS } from "../media_types.ts";
import type { AttachmentCodec } from "../codec.ts";
import {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  UnsupportedError,
} from "../../core/errors.ts";
import { PyFloat } from "../py_float.ts";
import { cellType, int64Of, parameterEntries } from "./_run_parameter_cells.ts";
import { describeNode, type MsgpackNode, MsgpackReader, MsgpackWriter } from "./_wire.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import { readRunParameterTableFast } from "./_run_parameter_fast.ts";

/** The four column types. */
export type RunParameterType = "bool" | "int64" | "float64" | "string";

/** One column: a type and a sparse map run id → value. */
export type RunParameterColumn =
  | { readonly type: "bool"; readonly values: ReadonlyMap<number, boolean> }
  | { readonly type: "int64"; readonly values: ReadonlyMap<number, number | bigint> }
  | { readonly type: "float64"; readonly values: ReadonlyMap<number, number> }
  | { readonly type: "string"; readonly values: ReadonlyMap<number, string> };

/** The run-parameter table: parameter name → column. */
export interface RunParameterTable {
  /** The columns, keyed by parameter name. */
  readonly columns: ReadonlyMap<string, RunParameterColumn>;
}

/** A parameter value as logged by a run (see the module doc for the int/float rule). */
export type RunParameterInput = boolean | number | bigint | string | PyFloat;

/** The parameters one run logged. */
export interface RunParameters {
  /** The run id (a non-negative safe integer). */
  readonly runId: number;
  /** Parameter name → value (a later entry for the same name is not possible in a Map; in Python the last log wins). */
  readonly params:
    | ReadonlyMap<string, RunParameterInput>
    | Readonly<Record<string, RunParameterInput>>;
}

const TYPES: readonly RunParameterType[] = ["bool", "int64", "float64", "string"];
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function checkRunId(runId: unknown, where: string): number {
  if (typeof runId !== "number" || !Number.isSafeInteger(runId) || runId < 0) {
    throw new InvalidArgumentError(
      `${where}: run id must be a non-negative safe integer, got ${String(runId)}`,
    );
  }
  return runId;
}

// ---------------------------------------------------------------------------
// build

function classify(value: unknown): RunParameterType {
  const type = cellType(value);
  if (type !== undefined) return type;
  throw new InvalidArgumentError(
    `Run parameter values must be boolean, number, bigint, string or PyFloat, got ${
      value === null ? "null" : typeof value
    }`,
  );
}

function toInt64(value: number | bigint, where: string): number | bigint {
  const cell = int64Of(value);
  if (cell === undefined) {
    throw new InvalidArgumentError(
      `${where}: integer ${value} does not fit int64 (wrap it with pyFloat() to store a float)`,
    );
  }
  return cell;
}

/**
 * Build the table from the parameters each run logged, with the type
 * unification of the reference commit: an `int64` column meeting a
 * `float64` value becomes `float64` (ints converted to doubles); any other
 * mix of types in one column is an error.
 *
 * @param runs Each run's id and parameters.
 * @returns The table (columns sorted by name, cells by run id).
 * @throws {InvalidArgumentError} On duplicate or invalid run ids, unsupported values, int64 overflow or incompatible column types.
 *
 * @example
 * ```ts
 * import { buildRunParameterTable } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const table = buildRunParameterTable([
 *   { runId: 0, params: { capacity: 10, seed: 42 } },
 *   { runId: 1, params: { capacity: 12.5, seed: 300 } },
 * ]);
 * assert.equal(table.columns.get("capacity")?.type, "float64");
 * assert.equal(table.columns.get("seed")?.type, "int64");
 * ```
 */
export function buildRunParameterTable(runs: Iterable<RunParameters>): RunParameterTable {
  const cells = new Map<
    string,
    { type: RunParameterType; runId: number; value: RunParameterInput }[]
  >();
  const seen = new Set<number>();
  for (const run of runs) {
    const runId = checkRunId(run.runId, "buildRunParameterTable");
    if (seen.has(runId)) throw new InvalidArgumentError(`Run ${runId} appears twice`);
    seen.add(runId);
    const entries = parameterEntries(run.params) as [unknown, RunParameterInput][];
    for (const [name, value] of entries) {
      if (typeof name !== "string") {
        throw new InvalidArgumentError(`Run ${runId}: parameter names must be strings`);
      }
      let type: RunParameterType;
      try {
        type = classify(value);
      } catch (e) {
        throw new InvalidArgumentError(
          `Run ${runId} parameter ${JSON.stringify(name)}: ${(e as Error).message}`,
        );
      }
      let list = cells.get(name);
      if (list === undefined) cells.set(name, list = []);
      list.push({ type, runId, value });
    }
  }
  const columns = new Map<string, RunParameterColumn>();
  for (const name of [...cells.keys()].sort(compareCodePoints)) {
    const list = cells.get(name)!.sort((a, b) => a.runId - b.runId);
    const types = new Set(list.map((c) => c.type));
    let type: RunParameterType;
    if (types.size === 1) type = list[0]!.type;
    else if (types.size === 2 && types.has("int64") && types.has("float64")) type = "float64";
    else {
      const first = list[0]!;
      const other = list.find((c) => c.type !== first.type)!;
      throw new InvalidArgumentError(
        `Run parameter ${
          JSON.stringify(name)
        } has incompatible types: ${first.type} in run ${first.runId}, ${other.type} in run ${other.runId}`,
      );
    }
    const where = (runId: number) => `Run ${runId} parameter ${JSON.stringify(name)}`;
    switch (type) {
      case "bool":
        columns.set(name, {
          type,
          values: new Map(list.map((c) => [c.runId, c.value as boolean])),
        });
        break;
      case "string":
        columns.set(name, { type, values: new Map(list.map((c) => [c.runId, c.value as string])) });
        break;
      case "int64":
        columns.set(name, {
          type,
          values: new Map(
            list.map((c) => [c.runId, toInt64(c.value as number | bigint, where(c.runId))]),
          ),
        });
        break;
      case "float64":
        columns.set(name, {
          type,
          values: new Map(list.map((c) => {
            const v = c.value;
            if (v instanceof PyFloat) return [c.runId, v.value];
            if (typeof v === "bigint") return [c.runId, Number(toInt64(v, where(c.runId)))];
            if (c.type === "int64") toInt64(v as number, where(c.runId));
            return [c.runId, v as number];
          })),
        });
        break;
    }
  }
  return { columns };
}

// ---------------------------------------------------------------------------
// encode

/**
 * Encode a table byte-exactly as the reference writes it: `{"columns": {...}}`
 * with columns sorted by name (code-point order), each `{"type", "values"}`
 * in that order, cells sorted by run id, minimal-width integers and strings,
 * floats always float64 (`0xcb`).
 *
 * @param table The table.
 * @returns The MessagePack bytes.
 * @throws {EncodeError} When a value does not match its column type, or a run id is invalid.
 *
 * @example The empty table is 10 bytes
 * ```ts
 * import { encodeRunParameterTable } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeRunParameterTable({ columns: new Map() });
 * assert.deepEqual([...bytes], [0x81, 0xa7, 0x63, 0x6f, 0x6c, 0x75, 0x6d, 0x6e, 0x73, 0x80]);
 * ```
 */
export function encodeRunParameterTable(table: RunParameterTable): Uint8Array {
  const w = new MsgpackWriter();
  w.mapHeader(1);
  w.str("columns");
  const names = [...table.columns.keys()].sort(compareCodePoints);
  w.mapHeader(names.length);
  for (const name of names) {
    const column = table.columns.get(name)!;
    const fail = (msg: string): never => {
      throw new EncodeError(`Run parameter ${JSON.stringify(name)} (${column.type}): ${msg}`);
    };
    if (typeof name !== "string") fail("column names must be strings");
    if (!TYPES.includes(column.type)) fail(`unknown column type ${JSON.stringify(column.type)}`);
    w.str(name);
    w.mapHeader(2);
    w.str("type");
    w.str(column.type);
    w.str("values");
    const runIds = [...column.values.keys()];
    for (const runId of runIds) {
      if (typeof runId !== "number" || !Number.isSafeInteger(runId) || runId < 0) {
        fail(`run id must be a non-negative safe integer, got ${String(runId)}`);
      }
    }
    runIds.sort((a, b) => a - b);
    w.mapHeader(runIds.length);
    for (const runId of runIds) {
      const value: unknown = (column.values as ReadonlyMap<number, unknown>).get(runId);
      w.int(runId);
      switch (column.type) {
        case "bool":
          if (typeof value !== "boolean") {
            fail(`run ${runId}: expected a boolean, got ${typeof value}`);
          }
          w.bool(value as boolean);
          break;
        case "string":
          if (typeof value !== "string") {
            fail(`run ${runId}: expected a string, got ${typeof value}`);
          }
          w.str(value as string);
          break;
        case "float64":
          if (typeof value === "number") w.float64(value);
          else if (value instanceof PyFloat) w.float64(value.value);
          else fail(`run ${runId}: expected a number, got ${typeof value}`);
          break;
        case "int64": {
          if (typeof value === "number" && Number.isSafeInteger(value)) {
            w.int(value);
          } else if (typeof value === "bigint" && value >= I64_MIN && value <= I64_MAX) {
            w.int(value);
          } else {
            fail(`run ${runId}: expected an int64 (safe integer or bigint), got ${String(value)}`);
          }
          break;
        }
      }
    }
  }
  return w.finish();
}

// ---------------------------------------------------------------------------
// decode (strict, as the reference reader)

function fieldMap(
  node: MsgpackNode,
  fields: readonly string[],
  where: string,
  fail: (msg: string) => never,
): Map<string, MsgpackNode> {
  if (node.type !== "map") fail(`${where}: expected a map, got ${describeNode(node)}`);
  const out = new Map<string, MsgpackNode>();
  for (const [k, v] of (node as Extract<MsgpackNode, { type: "map" }>).entries) {
    if (k.type !== "str") fail(`${where}: field names must be strings, got ${describeNode(k)}`);
    const key = (k as Extract<MsgpackNode, { type: "str" }>).value;
    if (!fields.includes(key)) fail(`${where}: unknown field ${JSON.stringify(key)}`);
    if (out.has(key)) fail(`${where}: duplicate field ${JSON.stringify(key)}`);
    out.set(key, v);
  }
  for (const f of fields) {
    if (!out.has(f)) fail(`${where}: missing field ${JSON.stringify(f)}`);
  }
  return out;
}

/**
 * Decode a run-parameter table with the reference reader's strictness: one
 * MessagePack value and no trailing bytes; exactly the fields `columns`,
 * `type` and `values`; string column names without duplicates; run ids that
 * are non-negative integers without duplicates; `bool` cells are bools,
 * `int64` cells integers within int64, `float64` cells float64 (`0xcb`) only,
 * `string` cells str only.
 *
 * @param bytes The layer bytes.
 * @returns The table (column and cell order as stored).
 * @throws {DecodeError} On any violation, naming the column and run.
 * @throws {UnsupportedError} On run ids above 2^53−1.
 *
 * @example
 * ```ts
 * import { decodeRunParameterTable } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const table = decodeRunParameterTable(new Uint8Array([0x81, 0xa7, 0x63, 0x6f, 0x6c, 0x75, 0x6d, 0x6e, 0x73, 0x80]));
 * assert.equal(table.columns.size, 0);
 * ```
 */
export function decodeRunParameterTable(bytes: Uint8Array): RunParameterTable {
  return (readRunParameterTableFast(bytes) as RunParameterTable | null) ?? decodeStrict(bytes);
}

/** The strict decoder over a tree of MessagePack nodes (the fast path declines to it). */
function decodeStrict(bytes: Uint8Array): RunParameterTable {
  const subject = "run-parameter table";
  const fail = (msg: string): never => {
    throw new DecodeError(`${subject}: ${msg}`);
  };
  const root = new MsgpackReader(bytes, subject).readSingle();
  const top = fieldMap(root, ["columns"], "top level", fail);
  const columnsNode = top.get("columns")!;
  if (columnsNode.type !== "map") {
    fail(`"columns": expected a map, got ${describeNode(columnsNode)}`);
  }
  const columns = new Map<string, RunParameterColumn>();
  for (const [k, v] of (columnsNode as Extract<MsgpackNode, { type: "map" }>).entries) {
    if (k.type !== "str") fail(`column names must be strings, got ${describeNode(k)}`);
    const name = (k as Extract<MsgpackNode, { type: "str" }>).value;
    const where = `column ${JSON.stringify(name)}`;
    if (columns.has(name)) fail(`duplicate ${where}`);
    const fields = fieldMap(v, ["type", "values"], where, fail);
    const typeNode = fields.get("type")!;
    if (typeNode.type !== "str") {
      fail(`${where}: "type" must be a string, got ${describeNode(typeNode)}`);
    }
    const type = (typeNode as Extract<MsgpackNode, { type: "str" }>).value as RunParameterType;
    if (!TYPES.includes(type)) fail(`${where}: unknown column type ${JSON.stringify(type)}`);
    const valuesNode = fields.get("values")!;
    if (valuesNode.type !== "map") {
      fail(`${where}: "values" must be a map, got ${describeNode(valuesNode)}`);
    }
    const values = new Map<number, boolean | number | bigint | string>();
    for (const [rk, rv] of (valuesNode as Extract<MsgpackNode, { type: "map" }>).entries) {
      if (rk.type !== "int" || (typeof rk.value === "number" ? rk.value < 0 : rk.value < 0n)) {
        fail(`${where}: run ids must be non-negative integers, got ${describeNode(rk)}`);
      }
      const runIdRaw = (rk as Extract<MsgpackNode, { type: "int" }>).value;
      if (typeof runIdRaw === "bigint") {
        throw new UnsupportedError(`${subject}: ${where}: run id ${runIdRaw} exceeds 2^53-1`);
      }
      const runId = runIdRaw;
      if (values.has(runId)) fail(`${where}: duplicate run ${runId}`);
      const cell = `${where}, run ${runId}`;
      switch (type) {
        case "bool":
          if (rv.type !== "bool") fail(`${cell}: expected a bool, got ${describeNode(rv)}`);
          values.set(runId, (rv as Extract<MsgpackNode, { type: "bool" }>).value);
          break;
        case "string":
          if (rv.type !== "str") fail(`${cell}: expected a string, got ${describeNode(rv)}`);
          values.set(runId, (rv as Extract<MsgpackNode, { type: "str" }>).value);
          break;
        case "float64":
          if (rv.type !== "float64") fail(`${cell}: expected a float64, got ${describeNode(rv)}`);
          values.set(runId, (rv as Extract<MsgpackNode, { type: "float64" }>).value);
          break;
        case "int64": {
          if (rv.type !== "int") fail(`${cell}: expected an int64, got ${describeNode(rv)}`);
          const iv = (rv as Extract<MsgpackNode, { type: "int" }>).value;
          if (typeof iv === "bigint" && iv > I64_MAX) fail(`${cell}: ${iv} does not fit int64`);
          values.set(runId, iv);
          break;
        }
      }
    }
    columns.set(name, { type, values } as RunParameterColumn);
  }
  return { columns };
}

/**
 * The run ids that appear in any column, ascending (every one of them must be
 * a run of the Experiment config).
 *
 * @param table The table.
 * @returns The sorted, distinct run ids.
 *
 * @example
 * ```ts
 * import { buildRunParameterTable, referencedRunIds } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const table = buildRunParameterTable([{ runId: 3, params: { a: 1 } }, { runId: 1, params: { b: "x" } }]);
 * assert.deepEqual(referencedRunIds(table), [1, 3]);
 * ```
 */
export function referencedRunIds(table: RunParameterTable): number[] {
  const ids = new Set<number>();
  for (const column of table.columns.values()) {
    for (const runId of column.values.keys()) ids.add(runId);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * The codec for `application/org.ommx.v1.experiment.run-parameters+msgpack`.
 *
 * @example
 * ```ts
 * import { buildRunParameterTable, runParameterTableCodec } from "./run_parameter_table.ts";
 * import assert from "node:assert/strict";
 *
 * const table = buildRunParameterTable([{ runId: 0, params: { solver: "scip" } }]);
 * const back = await runParameterTableCodec.decode(await runParameterTableCodec.encode(table));
 * assert.equal(back.columns.get("solver")?.values.get(0), "scip");
 * ```
 */
export const runParameterTableCodec: AttachmentCodec<RunParameterTable> = {
  mediaType: MEDIA_TYPE_RUN_PARAMETERS,
  encode: (table: RunParameterTable): Uint8Array => encodeRunParameterTable(table),
  decode: (bytes: Uint8Array): RunParameterTable => decodeRunParameterTable(bytes),
};
