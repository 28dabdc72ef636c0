/**
 * Pieces shared by the direct writers of the usual `ommx.v2.Instance` and
 * `ommx.v2.Solution` bytes (`_instance_wire_writer.ts`,
 * `_solution_wire_writer.ts`): ids as protobuf-es writes them, rows in id
 * order, and a decision variable's kind and bound.
 *
 * @module
 */
import type { BinaryWriter } from "../../core/_protobuf.ts";
import type { DecisionVariable } from "./instance_data.ts";
import { kindToNumber } from "./_conversions.ts";

const UINT32_MAX = 0xffffffff;

/**
 * Whether a value is a safe unsigned integer (an id the message path writes).
 *
 * @param x The value.
 * @returns Whether it is one.
 */
export function isId(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}

/**
 * Rows sorted by id (the array itself when already sorted, as usual).
 *
 * @param rows The rows.
 * @returns The rows in id order, or `undefined` when two share an id or one is no safe unsigned integer.
 */
export function sortedById<T extends { id: number }>(rows: readonly T[]): readonly T[] | undefined {
  let sorted = rows;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1]!.id > rows[i]!.id) {
      sorted = [...rows].sort((a, b) => a.id - b.id);
      break;
    }
  }
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!.id;
    if (!isId(id) || (i > 0 && id === sorted[i - 1]!.id)) return undefined;
  }
  return sorted;
}

/**
 * Write a `uint64` varint of a safe unsigned integer.
 *
 * @param w The writer, after the field's tag.
 * @param id The id.
 */
export function writeId(w: BinaryWriter, id: number): void {
  if (id <= UINT32_MAX) w.uint32(id);
  else w.uint64(BigInt(id));
}

/**
 * Write a decision variable's `kind` (field 1) and `bound` (field 2), the
 * first fields of both `ommx.v2.DecisionVariable` and its evaluated form.
 *
 * @param w The writer, inside the variable's message.
 * @param v The variable.
 */
export function writeKindAndBound(w: BinaryWriter, v: DecisionVariable): void {
  const kind = kindToNumber(v.kind);
  if (kind !== 0) w.tag(1, 0).int32(kind);
  w.tag(2, 2).fork();
  if (!Object.is(v.bound.lower, 0)) w.tag(1, 1).double(v.bound.lower);
  if (!Object.is(v.bound.upper, 0)) w.tag(2, 1).double(v.bound.upper);
  w.join();
}

/**
 * Write a `map<string, string>` field: one entry message a key, in the
 * record's key order (as protobuf-es writes it).
 *
 * @param w The writer.
 * @param no The field number.
 * @param map The entries.
 */
export function writeStringMap(
  w: BinaryWriter,
  no: number,
  map: Readonly<Record<string, string>>,
): void {
  for (const k of Object.keys(map)) {
    w.tag(no, 2).fork();
    w.tag(1, 2).string(k);
    w.tag(2, 2).string(map[k]!);
    w.join();
  }
}
