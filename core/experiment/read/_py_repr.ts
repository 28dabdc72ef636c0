/**
 * Python's `repr()` of a string, so `toString()` reads like the reference's `__repr__`.
 *
 * @module
 */

/**
 * Quote a string as Python's `repr(str)` does: single quotes unless the text
 * holds a single quote and no double quote; backslash, the quote, `\n`, `\r`,
 * `\t` escaped; other control characters as `\xNN`.
 *
 * @param text The string.
 * @returns The quoted form.
 *
 * @example
 * ```ts
 * import { pyRepr } from "./_py_repr.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyRepr("finished"), "'finished'");
 * assert.equal(pyRepr("it's"), `"it's"`);
 * ```
 */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}
