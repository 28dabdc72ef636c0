/**
 * Text formatting of values for the CLI's tables and CSV, and for the viewer.
 * Numbers read like the Python SDK prints them: a float is Python's `repr`
 * (`1.0`, `0.1`, `1e-05`, `nan`, `inf`), an int has no fraction, booleans
 * are `True`/`False`.
 *
 * @module
 */
import { PyFloat } from "../codecs/json/mod.ts";
import type { ParameterType, ParameterValue } from "../mod.ts";

/** What a table shows for "no value" (a run without a best objective, a missing outcome). */
export const NONE = "—";

/** The mark of a run, Solve or Sampling that did not finish. */
export const NOT_FINISHED = "✗";

/**
 * A lifecycle status for a table: `finished` as is, anything else (`failed`,
 * `interrupted`) marked with {@linkcode NOT_FINISHED} so it stands out.
 *
 * @param status The status.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusText } from "./format.ts";
 * assert.equal(statusText("finished"), "finished");
 * assert.equal(statusText("failed"), "✗ failed");
 * ```
 */
export function statusText(status: string): string {
  return status === "finished" ? status : `${NOT_FINISHED} ${status}`;
}

/**
 * Format a float as Python's `repr(float)` does.
 *
 * @param x The number.
 * @returns `1.0`, `0.5`, `1e+16`, `-0.0`, `nan`, `inf`, `-inf`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFloat } from "./format.ts";
 * assert.equal(formatFloat(1), "1.0");
 * assert.equal(formatFloat(-30), "-30.0");
 * assert.equal(formatFloat(1e-5), "1e-05");
 * assert.equal(formatFloat(NaN), "nan");
 * assert.equal(formatFloat(-Infinity), "-inf");
 * ```
 */
export function formatFloat(x: number): string {
  return new PyFloat(x).toString();
}

/**
 * Format an objective (always a float in the Python SDK), or {@linkcode NONE} for `null`.
 *
 * @param x The objective, or `null` when there is none.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatObjective } from "./format.ts";
 * assert.equal(formatObjective(42), "42.0");
 * assert.equal(formatObjective(null), "—");
 * ```
 */
export function formatObjective(x: number | null | undefined): string {
  return x === null || x === undefined ? NONE : formatFloat(x);
}

/**
 * Format a run-parameter cell as the Python SDK shows it: by its column type,
 * so a `float64` cell holding 30 prints `30.0` and an `int64` cell `30`;
 * booleans `True`/`False`; a missing cell as the empty string.
 *
 * @param value The cell (`undefined` when missing).
 * @param type The column type.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatParameter } from "./format.ts";
 * assert.equal(formatParameter(-30, "float64"), "-30.0");
 * assert.equal(formatParameter(-30, "int64"), "-30");
 * assert.equal(formatParameter(2n ** 63n - 1n, "int64"), "9223372036854775807");
 * assert.equal(formatParameter(true, "bool"), "True");
 * assert.equal(formatParameter(undefined, "string"), "");
 * ```
 */
export function formatParameter(value: ParameterValue | undefined, type: ParameterType): string {
  if (value === undefined) return "";
  switch (type) {
    case "float64":
      return formatFloat(Number(value));
    case "bool":
      return value ? "True" : "False";
    default:
      return String(value);
  }
}

/**
 * Format a parameter cell or number for a table: shortest round-trip
 * numbers, `NaN`/`Infinity`/`-Infinity`, booleans as `true`/`false`,
 * bigints in full, a missing cell as the empty string.
 *
 * @param value The value (`undefined` for a missing cell).
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./format.ts";
 * assert.equal(formatValue(0.5), "0.5");
 * assert.equal(formatValue(-Infinity), "-Infinity");
 * assert.equal(formatValue(2n ** 63n - 1n), "9223372036854775807");
 * assert.equal(formatValue(undefined), "");
 * ```
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? v.toString() : v) ?? "";
}

/**
 * Format a number: `-0` as `-0`, integers without exponent up to 1e21, else shortest.
 *
 * @param n The number.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./format.ts";
 * assert.equal(formatNumber(42), "42");
 * assert.equal(formatNumber(NaN), "NaN");
 * ```
 */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

/**
 * Format a byte count for people: `512 B`, `1.5 KiB`, `3.2 MiB`.
 *
 * @param bytes The count.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./format.ts";
 * assert.equal(formatBytes(512), "512 B");
 * assert.equal(formatBytes(1536), "1.5 KiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Compact JSON for adapter options and similar small objects in a table cell.
 * A {@linkcode PyFloat} (from `parsePythonJson(text, { preserveFloats: true })`)
 * keeps its fraction, as Python's `json.dumps` wrote it.
 *
 * @param value An object.
 * @returns `{}`-style text with NaN/Infinity spelled out and bigints in full.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pyFloat } from "../codecs/json/mod.ts";
 * import { formatCompact } from "./format.ts";
 * assert.equal(formatCompact({ seed: 1, tol: NaN }), '{"seed":1,"tol":NaN}');
 * assert.equal(formatCompact({ time_limit: pyFloat(10) }), '{"time_limit":10.0}');
 * ```
 */
export function formatCompact(value: unknown): string {
  if (value instanceof PyFloat) {
    return Number.isFinite(value.value) ? value.toString() : formatNumber(value.value);
  }
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatCompact).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${
      Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${formatCompact(v)}`).join(",")
    }}`;
  }
  return JSON.stringify(value) ?? "null";
}
