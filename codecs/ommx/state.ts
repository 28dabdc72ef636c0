/**
 * Fast readers/writers for `map<uint64, double>` messages: `ommx.v1.State`
 * and `ommx.v1.Parameters` (both hold their map in field 1).
 *
 * @module
 */

import { varintLength, WireReader, WireWriter } from "./_wire.ts";
import { readStateBody } from "./_wire_common.ts";

/**
 * Decode `ommx.v1.State` bytes to a map (fast path).
 *
 * @param bytes The message bytes.
 * @returns Variable ID → value.
 *
 * @example
 * ```ts
 * import { decodeState, encodeState } from "./state.ts";
 * import assert from "node:assert/strict";
 * const m = new Map([[1, 0.5], [7, 2]]);
 * assert.deepEqual(decodeState(encodeState(m)), m);
 * ```
 */
export function decodeState(bytes: Uint8Array): Map<number, number> {
  return readStateBody(new WireReader(bytes));
}

/**
 * Encode a map as `ommx.v1.State` (or `Parameters`) bytes, keys ascending,
 * every entry with both key and value written.
 *
 * @param state ID → value.
 * @returns The message bytes.
 */
export function encodeState(state: ReadonlyMap<number, number>): Uint8Array {
  const keys = [...state.keys()].sort((a, b) => a - b);
  const w = new WireWriter(keys.length * 14 + 16);
  for (const k of keys) {
    const kl = varintLength(k);
    w.byte(0x0a);
    w.varint(1 + kl + 9);
    w.byte(0x08);
    w.varint(k);
    w.byte(0x11);
    w.double(state.get(k)!);
  }
  return w.finish();
}
