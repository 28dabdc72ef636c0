/**
 * The one place where text from an archive is made safe for a terminal.
 * Names, parameters, reasons, filenames, media types, annotation values and
 * error messages that quote them can hold anything; printed raw, an escape
 * sequence could retitle or clear the terminal, move the cursor, or a bidi
 * override could show text in another order than it is stored. Every string
 * the CLI prints goes through these functions:
 *
 * - C0 controls (except tab and line feed), DEL and C1 controls become `\xNN`;
 * - bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and
 *   the Unicode line and paragraph separators (U+2028, U+2029) become `\uNNNN`.
 *
 * `--json` output is escaped the same way by {@linkcode jsonTerminalSafe}, as
 * JSON escapes (`\u001b`), so it still parses to the same value.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const hex2 = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Show control characters as visible escapes (the rules are in the module
 * doc); tab and line feed are kept, so multi-line text stays multi-line.
 *
 * @param s Any text.
 * @returns The text with control characters escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeControls } from "./safe_text.ts";
 * assert.equal(escapeControls("a\u001b[31mb"), "a\\x1b[31mb");
 * assert.equal(escapeControls("tab\tnewline\n"), "tab\tnewline\n");
 * assert.equal(escapeControls("cr\r, bel\u0007, csi\u009b, rlo\u202e"), "cr\\x0d, bel\\x07, csi\\x9b, rlo\\u202e");
 * ```
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROLS, hex2).replace(INVISIBLE, hex4);
}

/**
 * One line of safe text: line breaks (`\r\n`, `\r`, `\n`, with the spaces
 * around them) become ` ⏎ `, tabs a space, every other control an escape.
 * What table cells and `key: value` lines show.
 *
 * @param s Any text.
 * @returns Safe single-line text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneLine } from "./safe_text.ts";
 * assert.equal(oneLine("a\r\nb\tc\u001b]0;pwned\u0007"), "a ⏎ b c\\x1b]0;pwned\\x07");
 * ```
 */
export function oneLine(s: string): string {
  return escapeControls(s.replace(/\s*(\r\n|\r|\n)\s*/g, " ⏎ ")).replaceAll("\t", " ");
}

/**
 * A message for the single `error: …` line: line breaks (and the spaces
 * around them) collapse to one space, every control is escaped.
 *
 * @param s A message, possibly quoting archive content.
 * @returns Safe single-line text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageLine } from "./safe_text.ts";
 * assert.equal(messageLine("attachment \"\u001b[2J\" not found\n  in run 3"), "attachment \"\\x1b[2J\" not found in run 3");
 * ```
 */
export function messageLine(s: string): string {
  return escapeControls(s.replace(/\s*(\r\n|\r|\n)\s*/g, " ").trim()).replaceAll("\t", " ");
}

/**
 * Escape, as JSON `\uNNNN` escapes, what `JSON.stringify` leaves raw but a
 * terminal would act on (DEL, C1, bidi controls, U+2028/U+2029). Only valid
 * on JSON text: such characters can only stand inside its strings, where the
 * escape means the same character.
 *
 * @param json JSON text.
 * @returns The same JSON value, terminal-safe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonTerminalSafe } from "./safe_text.ts";
 * const text = jsonTerminalSafe(JSON.stringify({ k: "a\u009b\u202eb\u001b" }));
 * assert.equal(text, '{"k":"a\\u009b\\u202eb\\u001b"}');
 * assert.deepEqual(JSON.parse(text), { k: "a\u009b\u202eb\u001b" });
 * ```
 */
export function jsonTerminalSafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, hex4);
}
