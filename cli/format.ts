/**
 * Text formatting of values for the CLI's tables and CSV.
 *
 * @module
 */

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
 *
 * @param value An object.
 * @returns `{}`-style text with NaN/Infinity spelled out and bigints in full.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCompact } from "./format.ts";
 * assert.equal(formatCompact({ seed: 1, tol: NaN }), '{"seed":1,"tol":NaN}');
 * ```
 */
export function formatCompact(value: unknown): string {
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
