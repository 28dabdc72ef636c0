/**
 * Which runtime the library runs in, for the modules that load Node's
 * built-ins lazily (`node:crypto`, `node:zlib`): a browser has none, and
 * merely asking it to `import("node:…")` logs a console error (a blocked
 * cross-origin script load) even when the failure is caught.
 *
 * @module
 */

/**
 * Whether the runtime provides Node's built-in modules: Deno, Node and Bun do,
 * browsers and plain web workers do not.
 *
 * @example
 * ```ts
 * import { hasNodeBuiltins } from "./_runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hasNodeBuiltins(), true); // under Deno
 * ```
 *
 * @returns `true` when `import("node:…")` can succeed.
 */
export function hasNodeBuiltins(): boolean {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: unknown } };
  };
  return g.Deno !== undefined || g.Bun !== undefined ||
    typeof g.process?.versions?.node === "string";
}
