/**
 * Rendering a {@linkcode Table}: CSV as pandas writes it, aligned text, and
 * escaped HTML for notebooks.
 *
 * @module
 */

import type { Function } from "./function.ts";
/** A column as the renderers read it (`TableColumn`; not imported, to keep `table.ts` acyclic). */
interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly dtype: string;
  readonly values: readonly unknown[];
  readonly cellTypes?: readonly string[];
}

/** A table as the renderers read it (`Table`). */
interface Table {
  readonly index: TableColumn;
  readonly columns: readonly TableColumn[];
  readonly numRows: number;
}
import { functionRepr, pyFloatText, pyIntListText, pyIntSetText } from "./_py_text.ts";
import { escapeHtml } from "../_display.ts";

/** How many rows the text and HTML renderings show before eliding the middle. */
const SHOW_ROWS = 60;

/**
 * CSV as pandas' `to_csv()` writes it (see `Table.toCsv`).
 *
 * @param t The table.
 * @returns The CSV text.
 */
export function tableCsv(t: Table): string {
  const cols = [t.index, ...t.columns];
  const lines = [csvRecord(cols.map((c) => c.name))];
  for (let i = 0; i < t.numRows; i++) lines.push(csvRecord(cols.map((c) => cellText(c, i))));
  return lines.join("\n") + "\n";
}

/**
 * Aligned plain text, the index first, the middle rows elided beyond 60 rows.
 *
 * @param t The table.
 * @returns The text.
 */
export function tableText(t: Table): string {
  const cols = [t.index, ...t.columns];
  const shown = shownRows(t.numRows);
  const cells = cols.map((c) => [
    c.name,
    ...shown.map((i) => i < 0 ? "..." : (c.values[i] === null ? "<NA>" : cellText(c, i))),
  ]);
  const widths = cells.map((col) => col.reduce((w, s) => Math.max(w, [...s].length), 0));
  const lines: string[] = [];
  for (let r = 0; r < shown.length + 1; r++) {
    lines.push(
      cells.map((col, k) => {
        const s = col[r]!;
        const pad = " ".repeat(widths[k]! - [...s].length);
        return r > 0 && isNumeric(cols[k]!) ? pad + s : s + pad;
      }).join("  ").trimEnd(),
    );
  }
  const footer = t.numRows > SHOW_ROWS
    ? `\n\n[${t.numRows} rows x ${t.columns.length} columns]`
    : "";
  return lines.join("\n") + footer;
}

/**
 * The table as an HTML fragment (every value escaped; the middle rows elided beyond 60 rows).
 *
 * @param t The table.
 * @returns The HTML (not wrapped; see `wrapHtml`).
 */
export function tableHtml(t: Table): string {
  const cols = [t.index, ...t.columns];
  const shown = shownRows(t.numRows);
  const head = `<tr>${
    cols.map((c, k) =>
      `<th class="${k === 0 ? "index" : isNumeric(c) ? "num" : ""}" title="${
        escapeHtml(c.dtype)
      }">${escapeHtml(c.name)}</th>`
    ).join("")
  }</tr>`;
  const body = shown.map((i) =>
    i < 0
      ? `<tr class="elided"><td colspan="${cols.length}">…</td></tr>`
      : `<tr>${
        cols.map((c, k) => {
          const v = c.values[i];
          const cls = [isNumeric(c) ? "num" : "", v === null ? "na" : ""].filter((s) => s !== "")
            .join(" ");
          const text = v === null ? "&lt;NA&gt;" : escapeHtml(cellText(c, i));
          const tag = k === 0 ? "th" : "td";
          return `<${tag}${cls ? ` class="${cls}"` : ""}>${text}</${tag}>`;
        }).join("")
      }</tr>`
  ).join("");
  const note = `<p class="muted">${t.numRows} rows × ${t.columns.length} columns</p>`;
  return `<div class="scroll"><table class="dataframe"><thead>${head}</thead><tbody>${body}</tbody></table></div>${note}`;
}

function shownRows(n: number): number[] {
  if (n <= SHOW_ROWS) return Array.from({ length: n }, (_, i) => i);
  const half = 5;
  return [
    ...Array.from({ length: half }, (_, i) => i),
    -1,
    ...Array.from({ length: half }, (_, i) => n - half + i),
  ];
}

function isNumeric(c: TableColumn): boolean {
  return c.type === "int" || c.type === "float";
}

function csvRecord(fields: readonly string[]): string {
  // Python's csv module writes a lone empty field as "" so the row is not a blank line.
  if (fields.length === 1 && fields[0] === "") return '""';
  return fields.map((s) => /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s).join(",");
}

/**
 * The text pandas writes for one cell (`str()` of the Python value; empty for a missing one).
 *
 * @param c The column.
 * @param i The row.
 * @returns The text.
 */
export function cellText(c: TableColumn, i: number): string {
  const v = c.values[i];
  if (v === null || v === undefined) return "";
  return valueText(c.type === "mixed" ? c.cellTypes?.[i] ?? "mixed" : c.type, v);
}

function valueText(type: string, v: unknown): string {
  switch (type) {
    case "float":
      return pyFloatText(v as number);
    case "bool":
      return v ? "True" : "False";
    case "list":
      return pyIntListText(v as readonly number[]);
    case "set":
      return pyIntSetText(v as readonly number[]);
    case "function":
      return functionRepr(v as Function);
    default:
      if (typeof v === "boolean") return v ? "True" : "False";
      if (Array.isArray(v)) return pyIntListText(v);
      return String(v);
  }
}
