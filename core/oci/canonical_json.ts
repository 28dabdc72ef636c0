/**
 * Canonical ("J-sorted") JSON: compact, every object's keys sorted by Unicode
 * code point, recursively. This is the byte form of OCI manifests written by
 * the reference OMMX SDK.
 *
 * @module
 */
import { EncodeError } from "../errors.ts";

/**
 * Compare two strings by Unicode code point (equivalently, by UTF-8 bytes).
 * Unlike the default `Array.prototype.sort()` order (UTF-16 code units),
 * astral characters sort after U+E000–U+FFFF.
 *
 * @example Astral after U+FFFD
 * ```ts
 * import { compareCodePoints } from "./canonical_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(compareCodePoints("\u{1F600}", "\uFFFD") > 0);
 * assert.ok(["\u{1F600}", "\uFFFD"].sort()[0] === "\u{1F600}"); // the UTF-16 trap
 * ```
 *
 * @param a First string.
 * @param b Second string.
 * @returns Negative, zero or positive.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points ≥ 0x10000: they must sort
    // after every BMP unit above them (E000–FFFF).
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? (y >= 0xe000 ? 1 : x - y) : (x >= 0xe000 ? -1 : x - y);
  }
  return a.length - b.length;
}

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
