/**
 * Canonical ("J-sorted") JSON: compact, every object's keys sorted by Unicode
 * code point, recursively. This is the byte form of OCI manifests written by
 * the reference OMMX SDK.
 *
 * @module
 */
import { EncodeError } from "../errors.ts";

export { compareCodePoints } from "../_code_points.ts";
import { compareCodePoints } from "../_code_points.ts";

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "number":
      if (!Number.isFinite(value)) {
        throw new EncodeError(`canonical JSON: non-finite number at ${path}`);
      }
      out.push(JSON.stringify(value));
      return;
    case "object": {
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const item: unknown = value[i];
          // JSON.stringify semantics: undefined in arrays becomes null.
          write(item === undefined ? null : item, out, `${path}[${i}]`);
        }
        out.push("]");
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort(
        compareCodePoints,
      );
      out.push("{");
      keys.forEach((k, i) => {
        if (i > 0) out.push(",");
        out.push(JSON.stringify(k), ":");
        write(record[k], out, `${path}.${k}`);
      });
      out.push("}");
      return;
    }
    default:
      throw new EncodeError(`canonical JSON: cannot encode ${typeof value} at ${path}`);
  }
}

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
 * @throws {EncodeError} On non-finite numbers, functions or symbols.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, "$");
  return out.join("");
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
