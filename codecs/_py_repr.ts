/**
 * Python's `repr()`, once for the whole package: of a `str` (the `__repr__`
 * texts of Experiment, SealedRun, Solve and Sampling), of `bytes`, and of the
 * values an OTLP attribute holds (the trace text tree). Strings are escaped
 * exactly as CPython does, including non-printable non-ASCII characters.
 *
 * @module
 */

import { pythonFloatRepr } from "./py_float.ts";

/** A Python value as unwrapped from an OTLP `AnyValue`, keeping int vs float. */
export type PyValue =
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "list"; readonly value: readonly PyValue[] }
  | { readonly kind: "dict"; readonly value: ReadonlyArray<readonly [string, PyValue]> }
  | { readonly kind: "none" };

/**
 * What `str.isprintable()` rejects, built on first use: V8 builds a Unicode property class when
 * the literal is evaluated (~0.5 ms for these, paid by every process importing the package).
 */
let notPrintable: RegExp | undefined;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/**
 * Python's `repr(str)`: single quotes unless the text holds a single quote and
 * no double quote; backslash and the quote escaped; `\t`, `\n`, `\r`; other
 * ASCII control characters and every character `str.isprintable()` rejects
 * (categories Cc, Cf, Cs, Co, Cn, Zl, Zp, and Zs but the space) as `\xNN`,
 * `\uNNNN` or `\UNNNNNNNN`.
 *
 * @param s The string.
 * @returns The quoted form.
 *
 * @example
 * ```ts
 * import { reprStr } from "./_py_repr.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(reprStr("finished"), "'finished'");
 * assert.equal(reprStr("it's"), `"it's"`);
 * assert.equal(reprStr("a\u00a0b\u200bc"), "'a\\xa0b\\u200bc'");
 * assert.equal(reprStr("値 ✓"), "'値 ✓'");
 * ```
 */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
    else if (cp < 0x7f || ch === " ") out += ch;
    else if (
      (notPrintable ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u).test(ch)
    ) {
      out += cp <= 0xff
        ? "\\x" + hex(cp, 2)
        : cp <= 0xffff
        ? "\\u" + hex(cp, 4)
        : "\\U" + hex(cp, 8);
    } else out += ch;
  }
  return out + quote;
}

/** Python `repr(bytes)`. */
export function reprBytes(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? '"' : "'";
  let out = "b" + quote;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + hex(c, 2);
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a {@linkcode PyValue}. */
export function pyRepr(v: PyValue): string {
  switch (v.kind) {
    case "str":
      return reprStr(v.value);
    case "bool":
      return v.value ? "True" : "False";
    case "int":
      return v.value.toString();
    case "float":
      if (Number.isNaN(v.value)) return "nan";
      if (!Number.isFinite(v.value)) return v.value > 0 ? "inf" : "-inf";
      return pythonFloatRepr(v.value);
    case "bytes":
      return reprBytes(v.value);
    case "list":
      return "[" + v.value.map(pyRepr).join(", ") + "]";
    case "dict":
      return "{" + v.value.map(([k, x]) => `${reprStr(k)}: ${pyRepr(x)}`).join(", ") + "}";
    case "none":
      return "None";
  }
}

/**
 * Python `f"{x:.{digits}f}"` for a non-negative or negative finite number:
 * like `toFixed`, but exact ties round half to even as Python does.
 */
export function pyFixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf(".");
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return rounded;
  // exact tie: keep the truncated value when its last digit is even
  const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  const last = Number(truncated[truncated.length - 1]);
  if (last % 2 === 1) return rounded;
  return (x < 0 ? "-" : "") + truncated;
}
