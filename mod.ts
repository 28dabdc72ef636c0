/**
 * ommx-ts: read and write OMMX Experiment artifacts from TypeScript.
 *
 * @example Open nothing yet
 * ```ts
 * import assert from "node:assert/strict";
 * assert.ok(true);
 * ```
 *
 * @module
 */
export * from "./core/errors.ts";
