/**
 * Readable, aligned text tables for the CLI, fitted to the terminal width, and
 * CSV as pandas writes it.
 *
 * Every cell is shown on one line (a line break becomes ` ⏎ `) and control
 * characters from an archive never reach the terminal: they are shown as
 * escapes ({@linkcode oneLine} of `safe_text.ts`). With a `width`, text columns are narrowed (widest first, to
 * no less than 8 columns) until each line fits, and cut cells end in `…`;
 * numeric columns are never cut.
 *
 * @module
 */

import { oneLine } from "./safe_text.ts";

/** Column alignment. */
export type Align = "left" | "right";

/** How to render a table. */
export interface TableOptions {
  /** Per-column alignment overrides (default: right for numeric-looking columns). */
  align?: readonly (Align | undefined)[];
  /** The widest a line may be (the terminal width); `undefined`: never cut a cell. */
  width?: number | undefined;
}

/** A rendered table, and which body cells were cut to fit. */
export interface TableLayout {
  /** The table text, ending in a newline. */
  text: string;
  /** `elided[row][column]`: whether that body cell was cut. */
  elided: boolean[][];
}

/** Columns are never narrowed below this many columns (or their natural width, if less). */
const MIN_COLUMN = 8;
const GAP = 2;

/**
 * Render rows as an aligned table with a header and a dashed rule.
 * Numeric-looking columns are right-aligned unless `align` says otherwise.
 *
 * @param header Column titles.
 * @param rows Cells (already formatted).
 * @param options Alignment and the width to fit.
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
 * assert.equal(
 *   renderTable(["id", "reason"], [["0", "RuntimeError: the solver gave up"]], { width: 16 }),
 *   "id  reason\n--  ------------\n 0  RuntimeErro…\n",
 * );
 * ```
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  return layoutTable(header, rows, options).text;
}

/**
 * Like {@linkcode renderTable}, and report which cells were cut.
 *
 * @param header Column titles.
 * @param rows Cells (already formatted).
 * @param options Alignment and the width to fit.
 * @returns The text and the cut cells.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutTable } from "./table.ts";
 * const { elided } = layoutTable(["k", "v"], [["a", "x".repeat(40)]], { width: 20 });
 * assert.deepEqual(elided, [[false, true]]);
 * ```
 */
export function layoutTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): TableLayout {
  const align = options.align ?? [];
  const head = header.map(oneLine);
  const cells = rows.map((r) => header.map((_, i) => oneLine(r[i] ?? "")));
  // A loop, not Math.max(...cells): a table may have hundreds of thousands of rows.
  const natural = head.map((h, i) => {
    let w = width(h);
    for (const r of cells) w = Math.max(w, width(r[i]!));
    return w;
  });
  const aligns = header.map((_, i) =>
    align[i] ??
      (cells.length > 0 && cells.every((r) => r[i] === "" || NUMERIC.test(r[i]!))
        ? "right"
        : "left")
  );
  const widths = fitWidths(natural, aligns.map((a) => a === "left"), options.width);
  const elided = cells.map((r) => r.map((c, i) => width(c) > widths[i]!));
  const line = (r: readonly string[]) =>
    r.map((c, i) => pad(fit(c, widths[i]!), widths[i]!, aligns[i]!)).join(" ".repeat(GAP))
      .trimEnd();
  const text = [
    line(head),
    widths.map((w) => "-".repeat(w)).join(" ".repeat(GAP)),
    ...cells.map(line),
  ].join("\n") + "\n";
  return { text, elided };
}

/**
 * Column widths for a line of at most `limit` columns: shrinkable columns are
 * capped at one common width, as large as fits, never below their minimum.
 */
function fitWidths(
  natural: readonly number[],
  shrinkable: readonly boolean[],
  limit: number | undefined,
): number[] {
  const total = (ws: readonly number[]) =>
    ws.reduce((a, b) => a + b, 0) + GAP * Math.max(0, ws.length - 1);
  if (limit === undefined || total(natural) <= limit) return [...natural];
  const minimum = natural.map((n, i) => shrinkable[i] ? Math.min(n, MIN_COLUMN) : n);
  const capped = (cap: number) =>
    natural.map((n, i) => shrinkable[i] ? Math.max(minimum[i]!, Math.min(n, cap)) : n);
  let lo = 0;
  let hi = natural.reduce((a, b) => Math.max(a, b), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(capped(mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  const widths = capped(lo);
  // Hand out what is left, one column at a time, to the columns still cut.
  let spare = limit - total(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (shrinkable[i] && widths[i]! < natural[i]!) {
      widths[i]!++;
      spare--;
    }
  }
  return widths;
}

/**
 * Render `key: value` lines with aligned values (values on one line, control
 * characters escaped).
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
  const w = pairs.reduce((m, [k]) => Math.max(m, width(oneLine(k)) + 1), 0);
  return pairs.map(([k, v]) => `${pad(`${oneLine(k)}:`, w, "left")}  ${oneLine(v)}`.trimEnd())
    .join("\n") + "\n";
}

/**
 * Render rows as CSV the way pandas' `DataFrame.to_csv()` does on Linux and
 * macOS (Python's `csv` module, `QUOTE_MINIMAL`, line terminator `\n`): a
 * field is quoted when it holds `,`, `"`, `\n` or `\r` (quotes doubled),
 * everything else is written as is, including leading and trailing spaces.
 *
 * @param header Column titles.
 * @param rows Cells.
 * @returns CSV text ending in a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCsv } from "./table.ts";
 * assert.equal(renderCsv(["a", "b"], [["1", 'x,"y"'], ["2", " z "]]), 'a,b\n1,"x,""y"""\n2, z \n');
 * ```
 */
export function renderCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (s: string) => /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  const record = (r: readonly string[]) =>
    // Python's csv module writes a lone empty field as "" so the row is not a blank line.
    r.length === 1 && r[0] === "" ? '""' : r.map(field).join(",");
  return [header, ...rows].map(record).join("\n") + "\n";
}

const NUMERIC = /^[-+]?(\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|NaN|Infinity|-Infinity|nan|inf|-inf|—)$/;

function fit(s: string, max: number): string {
  if (width(s) <= max) return s;
  let out = "";
  for (const c of s) {
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
