/**
 * Notebook display for every class that shows itself in Deno's Jupyter
 * kernel (`[Symbol.for("Jupyter.display")]()`): HTML with every value
 * escaped, in the look of the viewer (`ommx-ts view`; its colours, table
 * and key–value styles, scoped under `.ommx-ts` so a notebook page is not
 * restyled), plus the `text/plain` repr.
 *
 * @module
 */

/**
 * The viewer's style rules that a notebook display uses, scoped under
 * `.ommx-ts` (the selectors and declarations are those of
 * `cli/viewer/index.html`; `codecs/_display_test.ts` checks they stay equal).
 */
export const VIEWER_RULES: readonly (readonly [selector: string, declarations: string])[] = [
  [
    ":root",
    "--fg: #1d2330; --muted: #6b7280; --line: #d9dde5; --bg: #fff; --accent: #2563eb; --soft: #f3f5f9; --ok: #15803d; --bad: #b91c1c; --warn: #b45309; " +
    '--sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "Yu Gothic UI", "Yu Gothic", Meiryo, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif; ' +
    '--mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono CJK JP", "Noto Sans CJK JP", monospace; ' +
    "font-family: var(--sans); font-size: 14px;",
  ],
  ["h3", "font-size: 14px; margin: 14px 0 6px;"],
  ["h4", "font-size: 13px; margin: 12px 0 4px;"],
  ["table", "border-collapse: collapse; font-variant-numeric: tabular-nums;"],
  [
    "th,\ntd",
    "padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap;",
  ],
  ["th", "background: var(--soft); font-weight: 600;"],
  ["td.num", "text-align: right;"],
  ["td.reason", "max-width: 18em; overflow: hidden; text-overflow: ellipsis;"],
  ["th.param", "color: var(--accent);"],
  ["tr.violated td", "color: var(--bad);"],
  [".status.finished", "color: var(--ok);"],
  [".status.failed", "color: var(--bad);"],
  [".status.interrupted", "color: var(--warn);"],
  [".muted", "color: var(--muted);"],
  ["dl.kv", "display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0;"],
  ["dl.kv dt", "color: var(--muted);"],
  ["dl.kv dd", "margin: 0; overflow-wrap: anywhere;"],
  ["pre", "white-space: pre-wrap; margin: 0; font-size: 12px;"],
  ["code", "font-size: 12px;"],
  ["pre,\ncode", "font-family: var(--mono); overflow-wrap: anywhere;"],
  ["tr.not-finished td", "background: #fdf2f2;"],
  ["td.full-reason", "white-space: pre-wrap; overflow-wrap: anywhere; max-width: 28em;"],
  [".scroll", "overflow-x: auto;"],
];

/** Notebook-only additions: the index column and missing cells of a table. */
const NOTEBOOK_RULES: readonly (readonly [string, string])[] = [
  ["th.index", "text-align: left;"],
  ["td.na", "color: var(--muted);"],
  ["th.num,\ntd.num", "text-align: right;"],
];

function scoped(selector: string): string {
  return selector.split(",\n").map((s) => s === ":root" ? ".ommx-ts" : `.ommx-ts ${s}`).join(", ");
}

/** The `<style>` element every display carries. */
export const DISPLAY_STYLE: string = `<style>${
  [...VIEWER_RULES, ...NOTEBOOK_RULES].map(([s, d]) => `${scoped(s)} { ${d} }`).join("\n")
}</style>`;

/**
 * Escape text for HTML element content and attribute values.
 *
 * @param s Any text.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./_display.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeHtml(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * Wrap display HTML in the scoped container with its style.
 *
 * @param inner The HTML fragment (already escaped).
 * @returns The complete fragment.
 */
export function wrapHtml(inner: string): string {
  return `<div class="ommx-ts">${DISPLAY_STYLE}${inner}</div>`;
}

/**
 * The MIME bundle of a display.
 *
 * @param inner The HTML fragment (already escaped), wrapped here.
 * @param text The plain text.
 * @returns The bundle: `text/html` and `text/plain`.
 */
export function jupyterBundle(inner: string, text: string): Record<string, string> {
  return { "text/html": wrapHtml(inner), "text/plain": text };
}

/**
 * A heading (escaped).
 *
 * @param text The heading text.
 * @param level 3 or 4.
 * @returns The HTML.
 */
export function headingHtml(text: string, level: 3 | 4 = 3): string {
  return `<h${level}>${escapeHtml(text)}</h${level}>`;
}

/**
 * A key–value list (`dl.kv`), keys and values escaped.
 *
 * @param pairs Keys and values (`undefined` / `null` values are left out).
 * @returns The HTML.
 */
export function kvHtml(pairs: readonly (readonly [string, string | null | undefined])[]): string {
  const items = pairs.filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v!)}</dd>`).join("");
  return `<dl class="kv">${items}</dl>`;
}

/** A cell of {@linkcode tableHtml}: text, or text with a class (`num`, `status finished`, …). */
export type HtmlCell = string | { readonly text: string; readonly class?: string };

/**
 * A table (header and body cells escaped).
 *
 * @param header Column titles.
 * @param rows Rows of cells.
 * @param rowClass A class per row (e.g. `not-finished`).
 * @returns The HTML.
 */
export function tableHtml(
  header: readonly string[],
  rows: readonly (readonly HtmlCell[])[],
  rowClass?: (i: number) => string | undefined,
): string {
  const cell = (c: HtmlCell) => {
    if (typeof c === "string") return `<td>${escapeHtml(c)}</td>`;
    const cls = c.class ? ` class="${escapeHtml(c.class)}"` : "";
    return `<td${cls}>${escapeHtml(c.text)}</td>`;
  };
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r, i) => {
    const cls = rowClass?.(i);
    return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ""}>${r.map(cell).join("")}</tr>`;
  }).join("");
  return `<div class="scroll"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/**
 * A status word in the viewer's colours (`finished` green, `failed` red, `interrupted` amber).
 *
 * @param status The status.
 * @returns The cell.
 */
export function statusCell(status: string): HtmlCell {
  return { text: status, class: `status ${status}` };
}
