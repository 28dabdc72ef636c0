/**
 * The CLI's `--json` encoding. Plain JSON with three conventions, so that
 * every value survives `JSON.parse` in any language:
 *
 * - `NaN`, `Infinity` and `-Infinity` are written as the strings `"NaN"`,
 *   `"Infinity"` and `"-Infinity"`;
 * - `bigint` values (int64 parameters beyond ±2^53−1) are written as decimal
 *   strings, e.g. `"9223372036854775807"`;
 * - `Map`s become objects (keys as strings), `Uint8Array`s become base64 strings;
 * - a `PyFloat` (a Python float kept as such) is written as its number;
 * - characters a terminal would act on that `JSON.stringify` leaves raw (DEL,
 *   C1 controls, bidi controls, U+2028/U+2029) are written as `\uNNNN`
 *   escapes, like the C0 controls (`\u001b`), so archive text can never drive
 *   the terminal and the JSON still parses to the same strings.
 *
 * @module
 */
import { PyFloat } from "../codecs/json/mod.ts";
import { jsonTerminalSafe } from "./safe_text.ts";

/**
 * Replace values JSON cannot hold (see the module doc).
 *
 * @param value Any value.
 * @returns A value `JSON.stringify` writes losslessly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonSafe } from "./json.ts";
 * assert.deepEqual(jsonSafe({ a: NaN, b: 2n ** 63n, c: [-Infinity] }), {
 *   a: "NaN", b: "9223372036854775808", c: ["-Infinity"],
 * });
 * ```
 */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof PyFloat) return jsonSafe(value.value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Infinity) return "Infinity";
    if (value === -Infinity) return "-Infinity";
    return value;
  }
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonSafe(v);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = jsonSafe(v);
  }
  return out;
}

/**
 * Encode a value as indented JSON text with the CLI conventions.
 *
 * @param value Any value.
 * @returns JSON text ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toJsonText } from "./json.ts";
 * assert.equal(toJsonText({ x: Infinity }), '{\n  "x": "Infinity"\n}\n');
 * ```
 */
export function toJsonText(value: unknown): string {
  return jsonTerminalSafe(JSON.stringify(unchangedIfSafe(value), null, 2)) + "\n";
}

/**
 * {@linkcode jsonSafe}, but a value `JSON.stringify` already writes exactly as
 * it writes the `jsonSafe` copy is returned as it is (no copy of a large
 * listing when nothing in it needs replacing); the rest is copied by
 * `jsonSafe`. Only plain objects and arrays without `toJSON` (and objects
 * without an own `__proto__` key, which the copy drops) are passed through.
 */
function unchangedIfSafe(value: unknown): unknown {
  return writtenAsIs(value) ? value : jsonSafe(value);
}

function writtenAsIs(value: unknown): boolean {
  // A value that is not an object is returned by `jsonSafe` itself when it is safe.
  return value !== null && typeof value === "object" && objectAsIs(value);
}

/**
 * {@linkcode writtenAsIs} of a non-null object: its members are checked in
 * one loop (arrays by index, plain objects by their own keys) with a call only
 * for a nested object. A listing of thousands of runs is walked once per
 * process, mostly by code not yet optimised, where a call per string or number
 * costs more than its check.
 */
function objectAsIs(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if ("toJSON" in value) return false;
  let keys: string[] | undefined;
  if (proto !== Array.prototype) {
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.hasOwn(value, "__proto__")) return false;
    keys = Object.keys(value);
  }
  const o = value as Record<string, unknown> & unknown[];
  const n = keys === undefined ? o.length : keys.length;
  for (let i = 0; i < n; i++) {
    const v = keys === undefined ? o[i] : o[keys[i]!];
    switch (typeof v) {
      case "string":
      case "boolean":
      case "undefined":
        break;
      case "number":
        if (!Number.isFinite(v)) return false;
        break;
      case "object":
        if (v !== null && !objectAsIs(v)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Standard base64 with padding, by the runtime's `Uint8Array.prototype.toBase64` (no
 * `node:buffer`); `btoa` over the bytes where a runtime lacks it (Deno before V8 13.x, Node 22).
 */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}
