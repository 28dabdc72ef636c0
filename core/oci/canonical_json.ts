/**
 * Canonical ("sorted", see `docs/glossary.md#sorted-json`) JSON: compact, every object's keys sorted by Unicode
 * code point, recursively. This is the byte form of OCI manifests written by
 * the reference OMMX SDK.
 *
 * @module
 */
import { EncodeError } from "../errors.ts";
import { type JsonProfile, writeJson } from "../_json_writer.ts";

export { compareCodePoints } from "../_code_points.ts";

/** The sorted compact profile of OCI manifests and indexes. */
const CANONICAL: JsonProfile = {
  sortKeys: true,
  itemSeparator: ",",
  keySeparator: ":",
  asciiOnly: false,
  number: (value, path) => {
    if (!Number.isFinite(value)) {
      throw new EncodeError(`canonical JSON: non-finite number at ${path}`);
    }
    return JSON.stringify(value);
  },
  objects: "any",
  undefinedProperty: "omit",
  undefinedItem: "null",
  unsupported: (what, path) => `canonical JSON: cannot encode ${what} at ${path}`,
};

/**
 * Serialise `value` as canonical JSON text (keys sorted by code point, no
 * whitespace). `undefined` properties are omitted; `bigint` is written as a
 * plain integer.
 *
 * @example Sorted keys
 * ```ts
 * import { canonicalJson } from "./canonical_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: null }] }), '{"a":[{"c":null,"d":2}],"b":1}');
 * ```
 *
 * @param value A JSON-compatible value.
 * @returns The canonical text.
 * @throws {EncodeError} On non-finite numbers, functions, symbols or cycles.
 */
export function canonicalJson(value: unknown): string {
  return writeJson(value, CANONICAL);
}

/**
 * {@linkcode canonicalJson} encoded as UTF-8 bytes.
 *
 * @example Bytes
 * ```ts
 * import { canonicalJsonBytes } from "./canonical_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(canonicalJsonBytes({}), new Uint8Array([0x7b, 0x7d]));
 * ```
 *
 * @param value A JSON-compatible value.
 * @returns UTF-8 bytes.
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
