/**
 * Lifecycle reasons (`docs/glossary.md#lifecycle-reason`): how the reference SDK turns an exception into
 * the `outcome.reason` text of a failed or interrupted Run or Experiment.
 *
 * @module
 */

/** The longest reason the reference writes, in Unicode scalar values. */
export const MAX_REASON_LENGTH = 512;

/**
 * Collapse whitespace runs to one space, trim, and cap at
 * {@linkcode MAX_REASON_LENGTH} code points (the last kept one replaced by `…`).
 *
 * @param text Any text.
 * @returns The normalised reason.
 *
 * @example
 * ```ts
 * import { normalizeReason } from "./_reason.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(normalizeReason("a \n\t b "), "a b");
 * assert.equal([...normalizeReason("x".repeat(600))].length, 512);
 * ```
 */
export function normalizeReason(text: string): string {
  const collapsed = text.split(/\s+/u).filter((s) => s.length > 0).join(" ");
  const chars = [...collapsed];
  if (chars.length <= MAX_REASON_LENGTH) return collapsed;
  return chars.slice(0, MAX_REASON_LENGTH - 1).join("") + "…";
}

function errorName(error: Error): string {
  const name = typeof error.name === "string" && error.name.trim() !== "" ? error.name : "";
  return name || error.constructor?.name || "Error";
}

/**
 * Format a thrown value as the reference formats an exception:
 * `"<ErrorName>: <message>"`, the bare name when the message is blank,
 * whitespace collapsed, at most 512 code points. A string is used as the
 * message text itself (like the Rust API's display text); any other value is
 * stringified, and `"exception"` is the last resort.
 *
 * @param error The thrown value.
 * @returns The reason text.
 *
 * @example
 * ```ts
 * import { formatReason } from "./_reason.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatReason(new TypeError("bad\n  input")), "TypeError: bad input");
 * assert.equal(formatReason(new RangeError("")), "RangeError");
 * assert.equal(formatReason("solver crashed"), "solver crashed");
 * ```
 */
export function formatReason(error: unknown): string {
  if (error instanceof Error) {
    const name = errorName(error);
    const message = normalizeReason(String(error.message ?? ""));
    return normalizeReason(message === "" ? name : `${name}: ${message}`);
  }
  if (typeof error === "string") {
    const text = normalizeReason(error);
    return text === "" ? "exception" : text;
  }
  let text = "";
  try {
    text = normalizeReason(String(error));
  } catch {
    text = "";
  }
  return text === "" ? "exception" : text;
}

/**
 * Whether a thrown value means "interrupted" rather than "failed": the
 * TypeScript counterpart of Python's `KeyboardInterrupt` is an abort
 * (`AbortError` / `TimeoutError` from an `AbortSignal`).
 *
 * @param error The thrown value.
 * @returns `true` for aborts.
 *
 * @example
 * ```ts
 * import { isInterruption } from "./_reason.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isInterruption(new DOMException("stop", "AbortError")), true);
 * assert.equal(isInterruption(new Error("x")), false);
 * ```
 */
export function isInterruption(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
