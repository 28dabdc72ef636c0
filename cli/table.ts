/**
 * Readable, aligned text tables for the CLI (and CSV for spreadsheets).
 *
 * @module
 */

/** Column alignment. */
export type Align = "left" | "right";

/**
 * Render rows as an aligned table with a header and a dashed rule.
 * Numeric-looking columns are right-aligned unless `align` says otherwise.
 *
 * @param header Column titles.
 * @param rows Cells (already formatted).
 * @param align Per-column alignment overrides.
 * @returns The table text, ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTable } from "./table.ts";
 * assert.equal(
 *   renderTable(["id", "status"], [["0", "finished"], ["10", "failed"]]),
 *   "id  status\n--  --------\n 0  finished\n10  failed\n",
 * );
 * ```
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly (Align | undefined)[] = [],
): string {
  const cells = rows.map((r) => header.map((_, i) => oneLine(r[i] ?? "")));
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]!))));
  const aligns = header.map((_, i) =>
    align[i] ??
      (cells.length > 0 && cells.every((r) => r[i] === "" || NUMERIC.test(r[i]!))
        ? "right"
        : "left")
  );
  const line = (r: readonly string[]) =>
    r.map((c, i) => pad(c, widths[i]!, aligns[i]!)).join("  ").trimEnd();
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
  ].join("\n") + "\n";
}

/**
 * Render `key: value` lines with aligned values.
 *
 * @param pairs Keys and (formatted) values.
 * @returns The text, ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderKeyValues } from "./table.ts";
 * assert.equal(renderKeyValues([["a", "1"], ["bbb", "2"]]), "a:    1\nbbb:  2\n");
 * ```
 */
export function renderKeyValues(pairs: readonly (readonly [string, string])[]): string {
  const w = Math.max(0, ...pairs.map(([k]) => width(k) + 1));
  return pairs.map(([k, v]) => `${pad(`${k}:`, w, "left")}  ${v}`.trimEnd()).join("\n") + "\n";
}

/**
 * Render rows as RFC 4180 CSV (CRLF line ends are not used: `\n`).
 *
 * @param header Column titles.
 * @param rows Cells.
 * @returns CSV text ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCsv } from "./table.ts";
 * assert.equal(renderCsv(["a", "b"], [["1", 'x,"y"']]), 'a,b\n1,"x,""y"""\n');
 * ```
 */
export function renderCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (s: string) =>
    /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\n") + "\n";
}

const NUMERIC = /^[-+]?(\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|NaN|Infinity|-Infinity)$/;

function oneLine(s: string): string {
  const flat = s.replace(/\s*\n\s*/g, " ⏎ ");
  return width(flat) > 48 ? truncate(flat, 48) : flat;
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  let out = "";
  for (const c of chars) {
    if (width(out + c) > max - 1) break;
    out += c;
  }
  return out + "…";
}

/** Display width: East Asian wide characters count two columns. */
function width(s: string): number {
  let w = 0;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    w += (cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)))
      ? 2
      : 1;
  }
  return w;
}

function pad(s: string, w: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, w - width(s)));
  return align === "right" ? fill + s : s + fill;
}
